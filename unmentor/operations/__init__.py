"""Running the service: readiness, metrics, request ids in logs, and alerts about failed work."""
