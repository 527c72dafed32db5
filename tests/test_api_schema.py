"""The JSON API fuzzed against its own OpenAPI schema: no 5xx, every response as documented.

Runs over real HTTP against a live server, on SQLite and on PostgreSQL (PostgreSQL refuses
things SQLite accepts, such as NUL characters, so both matter).
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.conftest import REPO, LiveServer
from tests.support import ORGANISER_TOKEN
from unmentor.app import create_app
from unmentor.settings import load_settings

EXAMPLES = int(os.environ.get("UNMENTOR_TEST_API_EXAMPLES", "40"))


def _openapi() -> dict:
    """The schema the app serves at /openapi.json (it does not depend on the database)."""
    settings_ = load_settings(REPO / "config.toml", database_url="sqlite://")
    return create_app(settings_).openapi()


schema = schemathesis.openapi.from_dict(_openapi())


@schema.auth()
class OrganiserToken:
    """Schemathesis applies the token itself, so its negative cases can leave it out."""

    def get(self, case, context):
        return ORGANISER_TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_matches_its_schema(case, server: LiveServer) -> None:
    # positive_data_acceptance is left out: rules only the service can check (a real email
    # domain, a date after today, no control characters) rightly turn some schema-valid
    # inputs into a documented 422.
    case.call_and_validate(
        base_url=server.url,
        excluded_checks=[positive_data_acceptance],
    )
