"""When the service's recurring work runs; the work itself lives in unmentor's services."""
