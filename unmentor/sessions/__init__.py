"""Server-side sign-in sessions for participants and organisers."""
