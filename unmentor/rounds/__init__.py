"""Rounds: forming groups for a period, introductions, answers, reminders and closing."""
