"""Every place that shows a round's figures shows the same ones (issue 16, point 2).

A demo community with triads, one of whose members disagree, and an open round part answered.
The figures are counted here from the rows, independently of the service (a group met if anyone
says so), and then read back from every output: the organiser dashboard, the rounds page, each
round's page, the API (rounds, one round, stats), `unmentor round list`, the public alt texts
and the data the charts are drawn from. An open round's figures must say "so far (n of N
answered)" wherever they are shown, and the charts must draw it as provisional.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.support import hidden_field
from unmentor.cli import app as cli
from unmentor.demo import build_demo
from unmentor.network.images import NetworkImages
from unmentor.rounds.models import Outcome, Round, RoundMember

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 10)
SO_FAR = re.compile(r"so far \((\d+) of (\d+) answered\)")


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    # Numbers, not SQL: one database is enough (the service's queries have their own tests).
    return sqlite_url


def _community(server) -> None:
    # Without the rhythm feature everyone is due every round, so 41 people make a triad each time.
    build_demo(
        database=server.database,
        settings=server.settings,
        people=41,
        rounds=4,
        seed=7,
        today=TODAY,
        features=False,
    )
    with server.database.session() as session:
        closed = select(Round.id).where(Round.closed_at.is_not(None))
        members = session.exec(
            select(RoundMember)
            .where(RoundMember.round_id.in_(closed.scalar_subquery()))
            .order_by(RoundMember.id)
        ).all()
        by_group = defaultdict(list)
        for member in members:
            by_group[(member.round_id, member.group_no)].append(member)
        triads = [g for g in by_group.values() if len(g) == 3]
        assert len(triads) == 3, "a group of three in every closed round"
        # A triad whose members disagree: one met, one did not, one never answered.
        triad = triads[0]
        for member, outcome in zip(
            triad, (Outcome.met, Outcome.not_met, Outcome.unconfirmed), strict=True
        ):
            member.outcome = outcome
            session.add(member)


def _expected(server) -> dict[int, dict]:
    """Per round, counted from the rows: per group, met if anyone met."""
    with server.database.read_session() as session:
        rows = session.exec(
            select(Round.number, Round.closed_at, RoundMember.group_no, RoundMember.outcome).join(
                RoundMember, RoundMember.round_id == Round.id
            )
        ).all()
    groups: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    closed = {}
    for number, closed_at, group_no, outcome in rows:
        groups[number][group_no].append(outcome)
        closed[number] = closed_at is not None
    figures = {}
    for number, by_group in groups.items():
        tally = defaultdict(int)
        for answers in by_group.values():
            if Outcome.met in answers:
                tally["met"] += 1
            elif Outcome.not_met in answers:
                tally["not_met"] += 1
            elif closed[number]:
                tally["unconfirmed"] += 1
            else:
                tally["awaiting"] += 1
        counted = tally["met"] + tally["not_met"] + tally["unconfirmed"]
        figures[number] = {
            "groups": len(by_group),
            "met": tally["met"],
            "not_met": tally["not_met"],
            "unconfirmed": tally["unconfirmed"],
            "awaiting": tally["awaiting"],
            "rate": round(100 * tally["met"] / counted) if counted else None,
            "open": not closed[number],
            "answered": tally["met"] + tally["not_met"],
        }
    return figures


class _Tables(HTMLParser):
    """Rows of the table with a given id, as lists of cell texts, headers first."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _table(html: str, table_id: str) -> list[dict[str, str]]:
    parser = _Tables(table_id)
    parser.feed(html)
    header, *rows = parser.rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def _rate(text: str) -> tuple[int | None, tuple[int, int] | None]:
    """A met-rate cell or phrase: its percentage and, when provisional, (answered, groups)."""
    percent = re.search(r"(\d+)%", text)
    so_far = SO_FAR.search(text)
    return (
        int(percent.group(1)) if percent else None,
        (int(so_far.group(1)), int(so_far.group(2))) if so_far else None,
    )


def _shown(expected: dict) -> dict:
    """What a full output should show for a round."""
    return {
        "groups": expected["groups"],
        "met": expected["met"],
        "not_met": expected["not_met"],
        "unconfirmed": expected["unconfirmed"],
        "awaiting": expected["awaiting"],
        "rate": expected["rate"],
        "so_far": (expected["answered"], expected["groups"]) if expected["open"] else None,
    }


def _from_cells(row: dict[str, str]) -> dict:
    rate, so_far = _rate(row["Met rate"])
    return {
        "groups": int(row["Groups"]),
        "met": int(row["Met"]),
        "not_met": int(row["Not met"]),
        "unconfirmed": int(row["Unconfirmed"]),
        "awaiting": int(row["Awaiting"]),
        "rate": rate,
        "so_far": so_far,
    }


def _from_json(entry: dict) -> dict:
    rate = entry["met_rate"]
    return {
        "groups": entry["groups"],
        "met": entry["met"],
        "not_met": entry["not_met"],
        "unconfirmed": entry["unconfirmed"],
        "awaiting": entry["pending"],
        "rate": None if rate is None else round(100 * rate),
        "so_far": (entry["answered"], entry["groups"]) if entry["open"] else None,
    }


def _sign_in(http) -> None:
    page = http.get("/organiser")
    reply = http.post(
        "/organiser/signin",
        data={
            "csrf_token": hidden_field(page.text, "csrf_token"),
            "token": http_token(),
        },
    )
    assert reply.status_code == 303


def http_token() -> str:
    from tests.conftest import ORGANISER_TOKEN

    return ORGANISER_TOKEN


def _cli_list(server, monkeypatch) -> dict[int, dict]:
    settings = server.settings
    monkeypatch.setenv("UNMENTOR_CONFIG", str(REPO / "config.toml"))
    monkeypatch.setenv("UNMENTOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("UNMENTOR_SECRET_KEY", settings.secret_key.get_secret_value())
    monkeypatch.setenv("UNMENTOR_ORGANISER_TOKEN", settings.organiser_token.get_secret_value())
    result = CliRunner().invoke(cli, ["round", "list"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    line = re.compile(
        r"round\s+(\d+).*?(\d+) groups\s+met\s+(\d+)\s+not met\s+(\d+)\s+"
        r"unconfirmed\s+(\d+)\s+awaiting\s+(\d+)\s+met rate (.*)$"
    )
    found = {}
    for text in result.output.splitlines():
        match = line.search(text)
        assert match, text
        number, groups, met, not_met, unconfirmed, awaiting = map(int, match.groups()[:6])
        rate, so_far = _rate(match.group(7))
        found[number] = {
            "groups": groups,
            "met": met,
            "not_met": not_met,
            "unconfirmed": unconfirmed,
            "awaiting": awaiting,
            "rate": rate,
            "so_far": so_far,
        }
    return found


def _from_alt(text: str) -> dict:
    """An alt text's figures: "…, 20 groups this round: 14 met, 4 did not meet, …"."""

    def count(pattern: str) -> int:
        match = re.search(pattern, text)
        return int(match.group(1)) if match else 0

    rated = re.search(r"\((\d+)% met", text)
    so_far = SO_FAR.search(text)
    return {
        "groups": count(r"(\d+) groups? this round"),
        "met": count(r"(\d+) met\b"),
        "not_met": count(r"(\d+) did not meet"),
        "unconfirmed": count(r"(\d+) not confirmed"),
        "awaiting": count(r"(\d+) awaiting an answer"),
        "rate": int(rated.group(1)) if rated else None,
        "so_far": (int(so_far.group(1)), int(so_far.group(2))) if so_far else None,
    }


def _from_round_page(html: str) -> dict:
    """A public round page's figures: "<li>20 conversations arranged</li><li>14 met, …"."""
    text = "; ".join(
        re.findall(
            r"<li>([^<]*)</li>", re.search(r'<ul id="figures">.*?</ul>', html, re.S).group(0)
        )
    )

    def count(pattern: str) -> int:
        match = re.search(pattern, text)
        return int(match.group(1)) if match else 0

    rated = re.search(r"Met rate: (\d+)%", text)
    so_far = SO_FAR.search(text)
    return {
        "groups": count(r"(\d+) conversations? arranged"),
        "met": count(r"(\d+) met\b"),
        "not_met": count(r"(\d+) did not meet"),
        "unconfirmed": count(r"(\d+) not confirmed"),
        "awaiting": count(r"(\d+) awaiting an answer"),
        "rate": int(rated.group(1)) if rated else None,
        "so_far": (int(so_far.group(1)), int(so_far.group(2))) if so_far else None,
    }


def test_every_output_shows_the_same_figures_per_round(server, monkeypatch) -> None:
    _community(server)
    expected = _expected(server)
    numbers = sorted(expected)
    assert len(numbers) == 4 and expected[numbers[-1]]["open"], "the last round is open"
    assert 0 < expected[numbers[-1]]["answered"] < expected[numbers[-1]]["groups"]
    want = {n: _shown(expected[n]) for n in numbers}

    outputs: dict[str, dict[int, dict]] = {}
    with server.organiser() as api:
        outputs["api rounds"] = {
            r["number"]: _from_json(r) for r in api.get("/api/v1/rounds").json()
        }
        outputs["api round"] = {
            n: _from_json(api.get(f"/api/v1/rounds/{n}").json()) for n in numbers
        }
        stats = api.get("/api/v1/stats").json()["rounds"]
        outputs["api stats"] = {r["round_number"]: _from_json(r) for r in stats}
    with server.client() as http:
        _sign_in(http)
        dashboard = http.get("/organiser/dashboard").text
        outputs["dashboard"] = {
            int(row["Round"].split()[0]): _from_cells(row) for row in _table(dashboard, "metrics")
        }
        rounds_page = http.get("/organiser/rounds").text
        outputs["rounds page"] = {
            int(row["Round"].split()[-1]): _from_cells(row) for row in _table(rounds_page, "rounds")
        }
        outputs["round page"] = {}
        for n in numbers:
            page = http.get(f"/organiser/rounds/{n}").text
            cells = {
                key: re.search(rf'<dd id="{key}">(.*?)</dd>', page, re.S).group(1)
                for key in ("group-count", "met", "not-met", "unconfirmed", "awaiting", "met-rate")
            }
            rate, so_far = _rate(cells["met-rate"])
            outputs["round page"][n] = {
                "groups": int(cells["group-count"]),
                "met": int(cells["met"]),
                "not_met": int(cells["not-met"]),
                "unconfirmed": int(cells["unconfirmed"]),
                "awaiting": int(cells["awaiting"]),
                "rate": rate,
                "so_far": so_far,
            }
        gallery = http.get("/public/").text
    alts = dict(
        (int(n), alt)
        for n, alt in re.findall(
            r'<a href="/public/rounds/(\d+)/"><img [^>]*alt="([^"]*)"', gallery
        )
    )
    outputs["public alt text"] = {n: _from_alt(alt) for n, alt in alts.items()}
    with server.client() as http:
        outputs["public round page"] = {
            n: _from_round_page(http.get(f"/public/rounds/{n}/").text) for n in alts
        }
    outputs["cli"] = _cli_list(server, monkeypatch)

    images = NetworkImages(server.database, min_people=server.settings.public_min_people)
    view = images.snapshot().public
    rates = {mark.number: mark for mark in view.marks}
    outputs["charts"] = {
        bar.number: {
            "groups": bar.met + bar.not_met + bar.unconfirmed + bar.pending,
            "met": bar.met,
            "not_met": bar.not_met,
            "unconfirmed": bar.unconfirmed,
            "awaiting": bar.pending,
            "rate": None
            if rates[bar.number].met_rate is None
            else round(100 * rates[bar.number].met_rate),
            "so_far": (bar.met + bar.not_met, bar.met + bar.not_met + bar.unconfirmed + bar.pending)
            if bar.provisional and rates[bar.number].provisional
            else None,
        }
        for bar in view.outcomes
    }

    assert set(outputs["public alt text"]) == set(outputs["charts"]) == set(numbers)
    for name, found in outputs.items():
        assert found == want, name

    # The open round is drawn as provisional in both charts.
    open_round = numbers[-1]
    assert f"provisional-r{open_round}".encode() in images.outcomes(view).content
    assert f"met_rate-provisional-r{open_round}".encode() in images.growth(view).content
