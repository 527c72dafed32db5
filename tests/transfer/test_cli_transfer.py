"""The import and export commands' help, and progress on long imports."""

from __future__ import annotations

from pathlib import Path


def test_import_help_documents_both_formats(run) -> None:
    result = run("import", "--help")
    assert result.exit_code == 0
    for words in ("Person 1 email", "blank = not recorded", "--skip-bad-rows"):
        assert words in result.output
    assert "--dry-run" in result.output and "--sheet" in result.output
    assert "--max-rows" in result.output
    assert "import formats" in run("export", "--help").output


def test_long_import_shows_progress(run, database, files, tmp_path: Path) -> None:
    rows = [files.PEOPLE[0]] + [
        [f"Person {n}", f"p{n}@example.org", f"Org {n % 40}", "", "", ""] for n in range(6_000)
    ]
    result = run("import", str(files.csv(tmp_path / "many.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "Checking many.csv" in result.output and "Writing participants" in result.output
    assert "Imported 6,000 people from 40 organisations (all new)." in result.output
