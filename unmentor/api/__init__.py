"""Plumbing shared by every JSON route: dependencies, error bodies, authentication."""
