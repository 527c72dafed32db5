"""Copies of the whole database: id counters, the SQLite-to-PostgreSQL copy, online backups."""
