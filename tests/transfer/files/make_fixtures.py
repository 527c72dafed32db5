"""Make the spreadsheets in this folder with LibreOffice, the way an organiser would.

    apt-get install -y libreoffice-calc        # once, on a developer's machine (not in CI)
    pip install --target /tmp/msoff msoffcrypto-tool
    PYTHONPATH=/tmp/msoff /usr/bin/python3 tests/transfer/files/make_fixtures.py

(Debian's own python3, which has LibreOffice's `uno` module.) The community is the scenario
of issue 11: 150 people in 30 organisations (and four independents) and 5 past rounds, typed
with the usual mess: a title row above the headers, addresses in mixed case with stray
spaces, an organisation spelt two ways, a person pasted twice, a group pasted twice, blank
Met cells, and answers written as yes, Y, x, no, didn't. The rows are typed into a CSV
file in the organiser's locale (UTF-8, dates as they type them), which LibreOffice opens
(recognising dates as in that locale, so they become date cells) and saves in each format:

  people-uk.csv / rounds-uk.csv     en-GB, saved as CSV with ";" in Windows-1252: date cells
                                    come out dd/mm/yy (14/06/23)
  rounds-ticks-uk.csv               the same, with ✓ and ✗ in the Met column, which
                                    Windows-1252 cannot hold: LibreOffice writes "?"
  people-us.csv                     en-US, CSV with "," in UTF-8: dates mm/dd/yy
  people-utf16.txt                  en-GB, "Unicode text": UTF-16, tabs
  people-uk.xlsx / rounds-uk.xlsx   en-GB, Excel 2007-365 (rounds with ✓ and ✗, kept)
  people-us.xlsx / rounds-us.xlsx   en-US, Excel 2007-365
  people.ods / rounds.ods           en-GB, OpenDocument
  people.xls / rounds.xls           en-GB, Excel 97-2003
  people.xlsm                       en-GB, Excel 2007-365 macro-enabled
  protected.ods / protected.xls     people saved with the password "secret"
  protected.xlsx                    people-uk.xlsx encrypted with "secret" (see _encrypt)

expected.json holds what an import of each kind must find. Everything is seeded: running
this again makes the same rows (the files' bytes differ by their timestamps).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
import unicodedata
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIPE = "unmentor_fixtures"

ORGANISATIONS = [
    "Devon County Council",
    "NHS Devon",
    "Exeter City Council",
    "University of Exeter",
    "Met Office",
    "Devon & Cornwall Police",
    "Royal Devon University Hospitals",
    "Exeter College",
    "Plymouth City Council",
    "Torbay Council",
    "South West Water",
    "Environment Agency",
    "Natural England",
    "Dartmoor National Park",
    "Exeter Science Park",
    "Age UK Devon",
    "Citizens Advice Exeter",
    "Devon Wildlife Trust",
    "Teignbridge District Council",
    "East Devon District Council",
    "Mid Devon District Council",
    "Devon Community Foundation",
    "Exeter Chiefs Foundation",
    "Petroc",
    "Livewell Southwest",
    "Westcountry Housing",
    "LiveWest",
    "Exeter Northcott Theatre",
    "RAMM",
    "Café Ltd",
]
FIRST = "Ann Bob Cat Dan Eve Fay Gus Hal Ivy Jo Kit Lee Mo Ned Oli Pam Raj Sue Tom Una Vic Wes"
FIRST = [*FIRST.split(), "Zoë", "Ava", "Ben"]
LAST = ["Smith", "Jones", "Brown", "Green", "White", "Patel", "O'Neill", "Ångström", "Khan"]
LAST += ["Evans", "Hughes", "Price", "Reed"]
SECTORS = ["Local government", "Health", "Education", "Charity", "Science", ""]
ROUND_DATES = [date(2023, month, 14) for month in (2, 3, 4, 5, 6)]
MET_WORDS = ["yes", "Yes", "Y", "x", "no", "didn\u2019t", "", "", "yes", "no"]
MET_TICKS = ["\u2713", "\u2713", "\u2717", "", "\u2713"]


def community(rng: random.Random) -> tuple[list[dict], list[dict]]:
    """150 people and the groups of 5 rounds; every value as the organiser means it."""
    people = []
    names = [(f, last) for last in LAST for f in FIRST]
    rng.shuffle(names)
    for n in range(150):
        first, last = names[n]
        org = "" if n % 40 == 7 else ORGANISATIONS[n % 30]
        joined = date(2022, 9, 1) + (date(2023, 6, 1) - date(2022, 9, 1)) * (n / 150)
        people.append(
            {
                "name": f"{first} {last}",
                "email": _ascii(f"{first}.{last}{n}@example.org".lower().replace("'", "")),
                "organisation": org,
                "sector": SECTORS[n % 6],
                "joined": None if n % 11 == 5 else joined,
                "status": "paused" if n in (12, 48, 99) else "left" if n in (30, 77) else "",
            }
        )
    met_before: set[frozenset] = set()
    groups = []
    for number, day in enumerate(ROUND_DATES, start=1):
        present = [p for p in people if p["joined"] is None or p["joined"] <= day]
        if len(present) % 2 == 0:
            present.pop(number)  # someone away that month: an odd number makes one triad
        pairs = _pair(present, met_before, rng)
        for members in pairs:
            met_before.update(frozenset((a, b)) for a in members for b in members if a < b)
            groups.append({"round": number, "date": day, "members": members})
    return people, groups


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _pair(present: list[dict], met: set[frozenset], rng: random.Random) -> list[list[str]]:
    """Pairs of people from different organisations who have not met, one triad if odd."""
    for _ in range(1000):
        order = [p for p in present]
        rng.shuffle(order)
        pairs, ok = [], True
        for i in range(0, len(order) - 1, 2):
            a, b = order[i], order[i + 1]
            if (a["organisation"] and a["organisation"] == b["organisation"]) or frozenset(
                (a["email"], b["email"])
            ) in met:
                ok = False
                break
            pairs.append([a["email"], b["email"]])
        if ok and len(order) % 2:
            last = order[-1]
            pairs[-1].append(last["email"])
            orgs = [p["organisation"] for p in order[-3:] if p["organisation"]]
            ok = len(orgs) == len(set(orgs)) and not any(
                frozenset((last["email"], e)) in met for e in pairs[-1][:2]
            )
        if ok:
            return pairs
    raise RuntimeError("no valid pairing found")


def typed(day: date | None, locale: str) -> str:
    """A date as the organiser types it in their locale."""
    if day is None:
        return ""
    return f"{day:%d/%m/%Y}" if locale == "en-GB" else f"{day.month}/{day.day}/{day:%Y}"


def people_rows(people: list[dict], locale: str) -> list[list[str]]:
    rows = [["Unmentoring Exeter: participants"], []]
    rows.append(["Full name", "E-mail", "Organisation", "Sector", "Joined", "Status"])
    for n, p in enumerate(people):
        email = p["email"]
        if n % 9 == 0:
            email = f" {email.title()} "  # typed with capitals and a stray space
        org = p["organisation"]
        if org == "NHS Devon" and n % 2:
            org = "NHS devon "  # the same organisation, spelt another way
        row = [p["name"], email, org, p["sector"], typed(p["joined"], locale), p["status"]]
        rows.append(row)
        if n == 20:
            rows.append(list(row))  # pasted twice
    return rows


def rounds_rows(groups: list[dict], locale: str, marks: list[str]) -> list[list[str]]:
    rows = [["Round", "Date", "Person A", "Person B", "Person C", "Met"]]
    for n, g in enumerate(groups):
        members = g["members"] + [""] * (3 - len(g["members"]))
        met = marks[n % len(marks)]
        row = [str(g["round"]), typed(g["date"], locale), *members, met]
        rows.append(row)
        if n == 10:
            rows.append(list(row))  # pasted twice
    return rows


# --- LibreOffice ------------------------------------------------------------------------------


class Office:
    """A headless LibreOffice in the given locale, driven over UNO."""

    def __init__(self, locale: str, workdir: Path):
        import uno

        self.uno = uno
        self.locale = locale
        env = dict(os.environ, LC_ALL=f"{locale.replace('-', '_')}.UTF-8")
        env["LANG"] = env["LC_ALL"]
        profile = workdir / f"profile-{locale}"
        self.process = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                f"--accept=pipe,name={PIPE};urp;StarOffice.ComponentContext",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        for _ in range(300):
            try:
                context = resolver.resolve(f"uno:pipe,name={PIPE};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        self.desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )

    def _props(self, **values) -> tuple:
        from com.sun.star.beans import PropertyValue

        return tuple(PropertyValue(Name=k, Value=v) for k, v in values.items())

    def open_csv(self, path: Path):
        """Open a UTF-8 CSV as Calc does, recognising numbers and dates in this locale."""
        language = {"en-GB": 2057, "en-US": 1033}[self.locale]
        return self.desktop.loadComponentFromURL(
            path.as_uri(),
            "_blank",
            0,
            self._props(
                Hidden=True,
                FilterName="Text - txt - csv (StarCalc)",
                # comma, double quotes, UTF-8 (76), from line 1, all columns Standard
                FilterOptions=f"44,34,76,1,,{language}",
            ),
        )

    def save(self, document, path: Path, filter_name: str, **extra) -> None:
        document.storeToURL(path.as_uri(), self._props(FilterName=filter_name, **extra))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # it may be gone already
            self.desktop.terminate()
        self.process.wait(timeout=30)


CSV_FILTER = "Text - txt - csv (StarCalc)"
# FilterOptions of the CSV export: delimiter, quote, character set, first line (1252 = 1,
# UTF-8 = 76, UTF-16 = 65535).
UK_CSV = "59,34,1,1"
US_CSV = "44,34,76,1"
UNICODE_TEXT = "9,34,65535,1"


OUTCOMES = {"\u2713": "met", "\u2717": "not_met", "": "not_recorded", "didn\u2019t": "not_met"}
OUTCOMES.update({w: "met" for w in ("yes", "Yes", "Y", "x")} | {"no": "not_met"})


def _count(groups: list[dict], marks: list[str]) -> dict[str, int]:
    counts = {"met": 0, "not_met": 0, "not_recorded": 0}
    for n in range(len(groups)):
        counts[OUTCOMES[marks[n % len(marks)]]] += 1
    return counts


def _lost(groups: list[dict]) -> int:
    ticks = [n for n in range(len(groups)) if MET_TICKS[n % len(MET_TICKS)]]
    return len(ticks) + (10 in ticks)


def _source(folder: Path, name: str, rows: list[list[str]]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _encrypt(source: Path, target: Path) -> None:
    """A password-protected .xlsx (an OLE container holding the encrypted package).

    LibreOffice sets an .xlsx password only through its Save dialog, so this one file is
    encrypted as Excel does it by msoffcrypto-tool (pip install msoffcrypto-tool).
    """
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)


def main() -> None:
    rng = random.Random(11)
    people, groups = community(rng)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for locale in ("en-GB", "en-US"):
            office = Office(locale, work)
            try:
                tag = "uk" if locale == "en-GB" else "us"
                sheet = office.open_csv(_source(work, f"p-{tag}.csv", people_rows(people, locale)))
                office.save(sheet, HERE / f"people-{tag}.xlsx", "Calc MS Excel 2007 XML")
                if tag == "uk":
                    office.save(sheet, HERE / "people-uk.csv", CSV_FILTER, FilterOptions=UK_CSV)
                    office.save(sheet, HERE / "people.ods", "calc8")
                    office.save(sheet, HERE / "people.xls", "MS Excel 97")
                    office.save(sheet, HERE / "people.xlsm", "Calc MS Excel 2007 VBA XML")
                    office.save(
                        sheet, HERE / "people-utf16.txt", CSV_FILTER, FilterOptions=UNICODE_TEXT
                    )
                    office.save(sheet, HERE / "protected.ods", "calc8", Password="secret")
                    office.save(sheet, HERE / "protected.xls", "MS Excel 97", Password="secret")
                else:
                    office.save(sheet, HERE / "people-us.csv", CSV_FILTER, FilterOptions=US_CSV)
                sheet.close(True)
                words = office.open_csv(
                    _source(work, f"r-{tag}.csv", rounds_rows(groups, locale, MET_WORDS))
                )
                ticks = office.open_csv(
                    _source(work, f"t-{tag}.csv", rounds_rows(groups, locale, MET_TICKS))
                )
                office.save(ticks, HERE / f"rounds-{tag}.xlsx", "Calc MS Excel 2007 XML")
                if tag == "uk":
                    office.save(words, HERE / "rounds-uk.csv", CSV_FILTER, FilterOptions=UK_CSV)
                    office.save(
                        ticks, HERE / "rounds-ticks-uk.csv", CSV_FILTER, FilterOptions=UK_CSV
                    )
                    office.save(words, HERE / "rounds.ods", "calc8")
                    office.save(words, HERE / "rounds.xls", "MS Excel 97")
                words.close(True)
                ticks.close(True)
            finally:
                office.close()
    expected = {
        "people": len(people),
        "people_rows": len(people) + 1,
        "organisations": len({p["organisation"] for p in people if p["organisation"]}),
        "independents": sum(not p["organisation"] for p in people),
        "rounds": len(ROUND_DATES),
        "groups": len(groups),
        "members": sum(len(g["members"]) for g in groups),
        "triads": sum(len(g["members"]) == 3 for g in groups),
        "groups_by_outcome_words": _count(groups, MET_WORDS),
        "groups_by_outcome_ticks": _count(groups, MET_TICKS),
        # Rows whose ✓ or ✗ became "?" in Windows-1252 (the group pasted twice counts twice).
        "ticks_lost_rows": _lost(groups),
    }
    _encrypt(HERE / "people-uk.xlsx", HERE / "protected.xlsx")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
