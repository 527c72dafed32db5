"""Counts in words that agree with their number: "1 row", "3 rows", "1 person", "2 people".

One helper for the pages, the emails, the import reports and the CLI, so "1 problems" cannot
creep back in one of them. English only: a word whose plural is not "+s" names it.
"""

from __future__ import annotations

IRREGULAR = {"person": "people", "was": "were", "is": "are", "has": "have", "this": "these"}


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """`singular` when `number` is exactly 1, else its plural (given, known, or with 's')."""
    if number == 1:
        return singular
    if plural_form is not None:
        return plural_form
    if singular in IRREGULAR:
        return IRREGULAR[singular]
    if singular.endswith(("s", "sh", "ch", "x")):
        return singular + "es"
    return singular + "s"


def count(number: int, singular: str, plural_form: str | None = None) -> str:
    """'1 row', '0 rows', '1,204 people': the number and the word that agrees with it."""
    return f"{number:,} {plural(number, singular, plural_form)}"
