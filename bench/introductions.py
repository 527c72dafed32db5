"""What the richer introductions cost to compose: HTML, starters, slots, calendar files.

Composes the introductions of one round in memory (no database) three ways, in one run:
plain text only (as before issue 13), text + HTML with nobody giving free times, and text +
HTML with everyone giving free times (three calendar files per group). Prints the time per
email and the ratios to plain text.

    python bench/introductions.py [--people 20000]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime

from unmentor.mail import compose as compose_module
from unmentor.rounds.emails import Person, group_email_rows
from unmentor.settings import load_settings

PATTERNS = ["mon-am,tue-pm", "wed-am,thu-am,fri-pm", "mon-pm,tue-pm,wed-pm,thu-pm", None]


def people(count: int, free: bool) -> list[list[Person]]:
    groups = []
    for i in range(count // 2):
        groups.append(
            [
                Person(
                    2 * i,
                    f"A{i}",
                    f"a{i}@x.org",
                    "Org A",
                    "Health",
                    PATTERNS[i % 4] if free else None,
                ),
                Person(
                    2 * i + 1,
                    f"B{i}",
                    f"b{i}@x.org",
                    "Org B",
                    "Arts",
                    PATTERNS[(i // 4) % 4] if free else None,
                    "America/New_York" if i % 3 == 0 else None,
                ),
            ]
        )
    return groups


def timed(groups, settings) -> float:
    started = time.perf_counter()
    group_email_rows(
        template="introduction",
        key_prefix="intro",
        round_id=1,
        period_key="2026-11",
        closes_on=date(2026, 11, 30),
        groups=groups,
        settings=settings,
        now=datetime(2026, 11, 30, 9, tzinfo=UTC),
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    count = parser.parse_args().people
    settings = load_settings()
    html = compose_module._html_templates
    compose_module._html_templates = _NoHtml()
    plain = timed(people(count, free=False), settings)
    compose_module._html_templates = html
    rich = timed(people(count, free=False), settings)
    with_times = timed(people(count, free=True), settings)
    per = 1e6 / count
    print(f"{count} introductions")
    print(f"  plain text only           {plain * per:8.0f} us/email")
    print(f"  text + HTML, no times     {rich * per:8.0f} us/email  x{rich / plain:.1f}")
    print(
        f"  text + HTML + 3 calendars {with_times * per:8.0f} us/email  x{with_times / plain:.1f}"
    )


class _NoHtml:
    def get_template(self, name: str):
        from jinja2 import TemplateNotFound

        raise TemplateNotFound(name)


if __name__ == "__main__":
    main()
