"""Every page a person uses, at desktop and phone sizes: no sideways scroll, axe-core passes.

The list of pages comes from the app's own routes, so a page added later is visited without
anyone remembering to list it here; a page whose address needs a value this module cannot
guess fails `test_every_page_has_a_sample` until it gets a sample or an excuse with a reason.

axe-core comes from npm (tests/browser/axe/package.json, installed by `make test` and
.ci/run with `npm ci`). Each page is also saved as a screenshot under
test-artifacts/screenshots/ so that a reviewer can look at what the tests saw.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.routing import APIRoute

from tests.conftest import REPO, LiveServer, free_port, start_server
from tests.factories import make_community, make_round
from tests.support import ORGANISER_TOKEN
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.links import service as links
from unmentor.links.models import LinkPurpose
from unmentor.links.urls import LOGIN_PATH, REMATCH_PATH, VERIFY_PATH
from unmentor.organisers import service as organisers
from unmentor.organisers.models import OrganiserLink, OrganiserRole
from unmentor.organisers.service import ORGANISER_LOGIN_PATH
from unmentor.people.models import ParticipantStatus
from unmentor.rounds.emails import answer_links, pause_link, pick_link, rematch_link
from unmentor.rounds.forming import form_round
from unmentor.security import hash_token, new_token
from unmentor.sessions import service as sessions
from unmentor.settings import load_settings
from unmentor.web.signin import SESSION_COOKIE

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = Path(os.environ.get("UNMENTOR_TEST_ARTIFACTS", REPO / "test-artifacts"))
SIZES = {"desktop": (1280, 800), "mobile": (390, 844)}
# What axe calls serious or critical keeps some people out; minor and moderate are reported
# by axe too but do not fail the suite.
BLOCKING_IMPACTS = ("serious", "critical")

# GET routes that are not pages a person reads, with the reason.
NOT_PAGES = {
    "/healthz": "JSON for load balancers",
    "/readyz": "JSON for load balancers",
    "/metrics": "Prometheus text",
    "/docs": "Swagger UI for developers: its markup is Swagger's, not ours",
    "/redoc": "ReDoc for developers: its markup is ReDoc's, not ours",
    "/organiser/signout": "a form target (POST); GET only redirects",
}

# A value for each path parameter, by name; {round} and friends are filled in from the site.
PARAMETER_SAMPLES = {
    "number": "{past_round}",
    "participant_id": "{participant}",
    "organisation_id": "{organisation}",
}
# Addresses visited for a route instead of (or beside) the parameter samples: the open round
# too, and emailed links with real tokens.
ROUTE_SAMPLES = {
    "/organiser/rounds/{number}": ["{past_round}", "{current_round}"],
    "/organiser/rounds/{number}/close": ["{current_round}"],
    "/public/rounds/{number}/": ["{past_round}", "{current_round}"],
    VERIFY_PATH: ["{verify_link}"],
    LOGIN_PATH: ["{login_link}"],
    "/outcome": ["{met_link}", "{not_met_link}"],
    "/pause": ["{pause_link}"],
    "/pick-time": ["{pick_link}"],
    REMATCH_PATH: ["{rematch_link}"],
    ORGANISER_LOGIN_PATH: ["{organiser_login_link}"],
    "/outcome/story": ["{story_link}"],
}


@dataclass(frozen=True)
class Visit:
    """One page to look at: who looks (visitor, participant or organiser) and where."""

    name: str
    role: str
    path: str
    expect_status: int = 200


EXTRA_VISITS = [
    Visit("me-signed-out", "visitor", "/me"),
    Visit("organiser-sign-in", "visitor", "/organiser"),
    Visit("not-found", "visitor", "/no-such-page", expect_status=404),
    Visit("organiser-not-found", "organiser", "/organiser/rounds/999", expect_status=404),
    Visit("link-unusable", "visitor", f"{VERIFY_PATH}?token=not-a-real-token", expect_status=400),
]


def _walk(routes, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) for every route, inside included routers too."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.16x keeps routers
        if included is not None:
            context_prefix = getattr(route.include_context, "prefix", "") or ""
            yield from _walk(included.routes, prefix + context_prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def page_routes(app) -> list[str]:
    """Paths of the GET routes that serve pages: not the API, not files, not excused."""
    found = []
    for path, route in _walk(app.router.routes):
        if "GET" not in route.methods or path.startswith("/api/") or path in NOT_PAGES:
            continue
        if "." in path.rstrip("/").rsplit("/", 1)[-1]:
            continue  # a file: .svg, .png, .json, .zip, .atom, .gif...
        found.append(path)
    return sorted(set(found))


def role_of(path: str) -> str:
    if path.startswith("/organiser"):
        return "organiser"
    if path == "/me" or path.startswith("/me/"):
        return "participant"
    return "visitor"


def samples_for(path: str) -> list[str] | None:
    """The addresses to visit for a route template; None when a parameter has no sample."""
    if path in ROUTE_SAMPLES:
        return ROUTE_SAMPLES[path]
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    if any(name not in PARAMETER_SAMPLES for name in names):
        return None
    return [path]


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _address(template: str, sample: str, values: dict[str, str]) -> str:
    """A sample made into a path: a whole link, a query for the route, or path values."""
    if template in ROUTE_SAMPLES:
        filled = sample.format(**values)
        if filled.startswith("?"):
            return template + filled
        if filled.startswith(("http://", "https://")):
            return "/" + filled.split("//", 1)[1].split("/", 1)[1]
        return re.sub(r"{\w+(?::\w+)?}", filled, template)
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: PARAMETER_SAMPLES[m[1]].format(**values), template)


def visits_for(app, values: dict[str, str]) -> list[Visit]:
    """Every page of the app, with real addresses made from `values`."""
    visits = list(EXTRA_VISITS)
    for template in page_routes(app):
        samples = samples_for(template)
        assert samples is not None, f"no sample for {template}"
        for sample in samples:
            path = _address(template, sample, values)
            name = _slug(path.split("?")[0])
            taken = {visit.name for visit in visits}
            name = (
                next(f"{name}-{n}" for n in range(1, 99) if f"{name}-{n}" not in taken)
                if name in taken
                else name
            )
            visits.append(Visit(name, role_of(template), path))
    return visits


# --- the site: one server and one community for the whole module ------------------------------


@dataclass
class Site:
    server: LiveServer
    values: dict[str, str]
    participant_session: str


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template: Path, smtp_server) -> Iterator[Site]:
    """A participant with a past and a current round, organisations, and a public gallery."""
    directory = tmp_path_factory.mktemp("every-page")
    shutil.copyfile(sqlite_template, directory / "unmentor.db")
    controller, _ = smtp_server
    port = free_port()
    settings = load_settings(
        config_file=REPO / "config.toml",
        database_url=f"sqlite:///{directory / 'unmentor.db'}",
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        base_url=f"http://127.0.0.1:{port}",
        secret_key="test-secret-key-0123456789abcdef",
        organiser_token=ORGANISER_TOKEN,
        organiser_token_signs_in=True,  # the shared token signs in, as in the other tests
        mail_dir=directory / "mail",
        public_min_people=4,
    )
    database = Database(settings.database_url)
    now = utcnow()
    last_month = (now.date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with database.session() as session:
        people = make_community(session, {"Devon County Council": 4, "NHS Devon": 4, "Age UK": 4})
        # The person whose pages we look at has an address long enough to overflow a phone.
        ann = people[0]
        ann.name = "Annabel Featherstonehaugh-Montgomery"
        ann.email = "annabel.featherstonehaugh-montgomery.digital@devon-county-council.example.org"
        session.add(ann)
        half = len(people) // 2
        past = make_round(
            session,
            [[people[i], people[i + half]] for i in range(half)],
            number=1,
            period=last_month,
        )
        pending = make_community(session, {"Shelter": 1})[0]
        pending.status = ParticipantStatus.pending
        session.add(pending)
        session.flush()
        verify_token = links.issue(
            session=session,
            participant_id=pending.id,
            purpose=LinkPurpose.verify,
            valid_for=timedelta(days=1),
            now=now,
        )
        login_token = links.issue(
            session=session,
            participant_id=ann.id,
            purpose=LinkPurpose.login,
            valid_for=timedelta(days=1),
            now=now,
        )
        olga = organisers.add(
            session=session,
            name="Olga Organiser",
            email="olga@example.org",
            role=OrganiserRole.organiser,
            settings=settings,
            now=now,
        )
        organiser_token = new_token()
        session.add(
            OrganiserLink(
                token_hash=hash_token(organiser_token),
                organiser_id=olga.id,
                created_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
        participant_session = sessions.open_for_participant(
            session=session, participant_id=ann.id, settings=settings, now=now
        )
        organisation_id = ann.organisation_id
        ann_id = ann.id
        past_number = past.number
    current = form_round(database=database, settings=settings, today=now.date(), now=now, seed=5)
    met, not_met = answer_links(settings, current.round.id, ann_id)
    values = {
        "past_round": str(past_number),
        "current_round": str(current.round.number),
        "participant": str(ann_id),
        "organisation": str(organisation_id),
        "verify_link": f"{settings.base_url}{VERIFY_PATH}?token={verify_token}",
        "login_link": f"{settings.base_url}{LOGIN_PATH}?token={login_token}",
        "met_link": met,
        "not_met_link": not_met,
        "pause_link": pause_link(settings, ann_id),
        "pick_link": pick_link(settings, current.round.id, ann_id),
        "rematch_link": rematch_link(settings, current.round.id, ann_id),
        "organiser_login_link": (
            f"{settings.base_url}{ORGANISER_LOGIN_PATH}?token={organiser_token}"
        ),
        # The page a member shares a story on: the answer link's token, before answering.
        "story_link": f"{settings.base_url}/outcome/story?{urlsplit(met).query.split('&')[0]}",
    }
    app = create_app(settings, database=database)
    uv, thread = start_server(app, port)
    server = LiveServer(url=settings.base_url, settings=settings, database=database)
    server.app = app
    yield Site(server=server, values=values, participant_session=participant_session)
    uv.should_exit = True
    thread.join(timeout=10)


def test_every_page_has_a_sample() -> None:
    """A new page with a path parameter needs a sample here (or an excuse in NOT_PAGES)."""
    settings = load_settings(
        config_file=REPO / "config.toml",
        database_url="sqlite://",
        secret_key="test-secret-key-0123456789abcdef",
        organiser_token=ORGANISER_TOKEN,
    )
    app = create_app(settings)
    app.state.database.dispose()  # only its routes are read
    missing = [path for path in page_routes(app) if samples_for(path) is None]
    assert not missing, (
        f"pages with no sample address in {Path(__file__).name}: {missing}; add a value to "
        "PARAMETER_SAMPLES or ROUTE_SAMPLES, or excuse the route in NOT_PAGES with a reason"
    )
    assert "/me" in page_routes(app) and "/organiser/dashboard" in page_routes(app)


# --- looking at the pages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core's script; checked before the site is built, so a skip costs nothing."""
    if not AXE.exists():
        reason = "axe-core is not installed: run `npm ci --prefix tests/browser/axe`"
        if os.environ.get("UNMENTOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and UNMENTOR_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    return AXE


def _pages_by_role(browser, site: Site) -> dict[str, object]:
    """One page per role, each with axe-core loaded into every document it opens.

    An init script is not subject to the page's Content-Security-Policy, so the pages are
    checked under the policy they are really served with.
    """
    pages = {}
    for role in ("visitor", "participant", "organiser"):
        context = browser.new_context()
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages[role] = page
    pages["participant"].context.add_cookies(
        [{"name": SESSION_COOKIE, "value": site.participant_session, "url": site.server.url}]
    )
    organiser = pages["organiser"]
    organiser.goto(site.server.url + "/organiser")
    organiser.fill("#token", ORGANISER_TOKEN)
    organiser.click("button:has-text('Sign in')")
    organiser.wait_for_url("**/organiser/dashboard*")
    return pages


def _serious(results: dict) -> list[str]:
    found = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            where = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {where}"
            )
    return found


LAYOUT_FACTS = """() => {
  const nav = [...document.querySelectorAll('header.site nav a, nav.tabs a')];
  const footer = document.querySelector('footer.site');
  const box = footer ? footer.getBoundingClientRect() : null;
  const out = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    footerBottom: box ? box.bottom + window.scrollY : null,
    publicLink: !!document.querySelector('a[href="/public/"]'),
    participantMenu: !!document.querySelector('header.site nav a[href="/me"]'),
    currentLinks: nav.filter(a => a.getAttribute('aria-current') === 'page')
                     .map(a => a.getAttribute('href')),
    here: location.pathname,
    navHrefs: nav.map(a => a.getAttribute('href')),
    // A form's hint is read out with its field: some control names it in aria-describedby.
    untiedHints: [...document.querySelectorAll('form .hint, form + .hint')]
      .filter(h => !h.id || !document.querySelector(`[aria-describedby~="${h.id}"]`))
      .map(h => h.textContent.trim().slice(0, 40)),
    // The innermost elements that stick out on the right: what to fix when the page is too wide.
    tooWide: [...document.querySelectorAll('body *')]
      .filter(e => out(e) && ![...e.children].some(out))
      .slice(0, 3)
      .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')),
  };
}"""


def _problems_on(page, visit: Visit, size: str, base_url: str) -> list[str]:
    problems = []
    response = page.goto(base_url + visit.path)
    if response is None or response.status != visit.expect_status:
        status = None if response is None else response.status
        problems.append(f"answered {status}, expected {visit.expect_status}")
    content_type = "" if response is None else response.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return [*problems, f"not a page ({content_type}): excuse it in NOT_PAGES"]
    # Lazy pictures below the fold would be blank in a full-page screenshot: load them all.
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    shot = ARTEFACTS / "screenshots" / f"{visit.name}-{size}.png"
    page.screenshot(path=str(shot), full_page=True)
    facts = page.evaluate(LAYOUT_FACTS)
    if facts["scrollWidth"] > facts["innerWidth"]:
        problems.append(
            f"scrolls sideways: {facts['scrollWidth']} px wide in {facts['innerWidth']} "
            f"(sticking out: {', '.join(facts['tooWide'])})"
        )
    if facts["footerBottom"] is None or facts["footerBottom"] < facts["innerHeight"] - 1:
        problems.append(f"the footer ends at {facts['footerBottom']} px, above the screen's end")
    if facts["untiedHints"]:
        problems.append(f"hints no field points to with aria-describedby: {facts['untiedHints']}")
    if not facts["publicLink"]:
        problems.append("no link to /public/")
    if visit.role == "organiser" and facts["participantMenu"]:
        problems.append("an organiser page shows the participant menu")
    current = page.evaluate("() => location.pathname")
    unmarked = [
        href for href in facts["navHrefs"] if href == current and href not in facts["currentLinks"]
    ]
    if unmarked:
        problems.append(f"menu links to this page without aria-current=page: {unmarked}")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    problems.extend(_serious(results))
    return problems


def test_the_check_finds_what_it_should(axe: Path, browser) -> None:
    """The harness itself: a page with known faults is caught (axe loaded, impacts read)."""
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><title>t</title><main><img src="x.png">'
            '<p style="color:#eee;background:#fff">faint</p></main></html>'
        )
        found = _serious(page.evaluate("() => axe.run(document, {resultTypes: ['violations']})"))
    finally:
        context.close()
    assert any(f.startswith("image-alt (critical)") for f in found), found
    assert any(f.startswith("color-contrast (serious)") for f in found), found


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_fits_and_passes_axe(axe: Path, browser, site: Site, size: str) -> None:
    (ARTEFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    # None left from older runs; only this size's, as the other may be running beside (xdist).
    for old_shot in (ARTEFACTS / "screenshots").glob(f"*-{size}.png"):
        old_shot.unlink()
    pages = _pages_by_role(browser, site)
    width, height = SIZES[size]
    for page in pages.values():
        page.set_viewport_size({"width": width, "height": height})
    report, seconds = [], {}
    visits = visits_for(site.server.app, site.values)
    try:
        for visit in visits:
            started = time.monotonic()
            found = _problems_on(pages[visit.role], visit, size, site.server.url)
            seconds[visit.name] = time.monotonic() - started
            report.extend(f"{visit.name} ({visit.path}, {size}): {p}" for p in found)
    finally:
        for page in pages.values():
            page.context.close()
    slowest = ", ".join(
        f"{n} {s:.1f} s" for n, s in sorted(seconds.items(), key=lambda i: -i[1])[:5]
    )
    print(f"\n{len(visits)} pages at {size} (slowest: {slowest})")
    print(f"screenshots in {ARTEFACTS / 'screenshots'}")
    assert not report, "\n".join(report)
