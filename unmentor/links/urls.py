"""The paths of emailed links: one definition shared by the emails and the page routes."""

VERIFY_PATH = "/verify"
LOGIN_PATH = "/me/login"
MANAGE_PATH = "/me"
OUTCOME_PATH = "/outcome"
# List-Unsubscribe: GET shows a button, POST (one click, RFC 8058) pauses.
PAUSE_PATH = "/pause"
# A member picks one of the suggested times: GET shows, POST acts.
PICK_TIME_PATH = "/pick-time"


def absolute(base_url: str, path: str, token: str | None = None) -> str:
    """A full link for an email, e.g. https://site/verify?token=..."""
    link = base_url.rstrip("/") + path
    return f"{link}?token={token}" if token else link


# A member whose partner went silent asks for someone else: GET shows, POST acts.
REMATCH_PATH = "/another-partner"
