"""Organiser accounts: who they are, their roles, sign-in links, API tokens and the audit log."""
