"""HTTP plumbing around the whole application: body limits, security headers, access logs."""
