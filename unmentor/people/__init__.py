"""Organisations and participants: who takes part, and how they manage their membership."""
