"""HTML pages for participants (and, later, organisers and blog readers)."""
