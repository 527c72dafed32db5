"""Email: an outbox written with the change that causes it, and a relay that sends it."""
