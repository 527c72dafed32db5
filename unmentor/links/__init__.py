"""Single-use emailed links (verify my address, manage my membership), stored only as hashes."""
