"""`confbot import`'s output: every session accounted for, one JSON object, a closed pipe.

Issue 17: an export whose events share UIDs lost sessions without a word; one 0:00
event refused a whole export; `--json` printed no JSON for a refused file; `| head`
ended in a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"
FIXTURES = REPO / "tests" / "fixtures" / "schedules"
HIMMEL = FIXTURES / "c3voc-39c3-2025.himmel.schedule.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run confbot with ``argv``; return (exit status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_shared_uids_are_all_imported_and_said(capsys: pytest.CaptureFixture[str]) -> None:
    """The 8 Kielux talks under 3 UIDs: 8 sessions, and a note says how their ids are made."""
    status, out, err = run(
        capsys, "import", str(FIXTURES / "ical-kielux-2020.shared-uids.ics"), "--dry-run",
        "--tz", "Europe/Berlin", "--config", str(EXAMPLE),
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "Sessions:   8" in out
    assert "Note: ical-kielux-2020.shared-uids.ics: 7 events share 2 UIDs" in out


def test_a_zero_length_event_does_not_refuse_the_export(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JRES 2022 (one event with DTSTART = DTEND) imports whole: 120 sessions, exit 0."""
    status, out, err = run(
        capsys, "import", str(FIXTURES / "ical-jres-2022.ics"), "--dry-run",
        "--config", str(EXAMPLE),
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "Sessions:   120" in out
    assert '"12 - Portail invités EDUSPOT" lasts no time' in out


def test_json_is_one_object_when_the_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A refused file still prints exactly one JSON object, with the problem; exit 1."""
    latin = FIXTURES / "ical-kielux-2020.latin-1.excerpt.ics"
    status, out, err = run(
        capsys, "import", str(latin), "--dry-run", "--json", "--config", str(EXAMPLE)
    )
    assert status == 1
    data = json.loads(out)
    assert data["refused"] is True
    assert data["sessions"] == 0
    (problem,) = data["problems"]
    assert "is Latin-1/Windows-1252 text, not UTF-8" in problem
    assert problem in err  # and the person at the terminal reads it too


def test_json_is_one_object_for_a_bad_tz(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --tz with --json: one object naming it; exit 2."""
    status, out, _ = run(
        capsys, "import", str(FIXTURES / "ical-kielux-2020.utc.ics"), "--dry-run", "--json",
        "--tz", "Atlantis", "--config", str(EXAMPLE),
    )  # fmt: skip
    assert status == 2
    data = json.loads(out)
    assert data["refused"] is True
    assert data["problems"][0].startswith("--tz: ")


def test_json_of_an_imported_file_says_it_was_not_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same key tells a reader of the JSON both cases apart."""
    status, out, _ = run(
        capsys, "import", str(FIXTURES / "ical-kielux-2020.utc.ics"), "--dry-run", "--json",
        "--config", str(EXAMPLE),
    )  # fmt: skip
    assert status == 0
    assert json.loads(out)["refused"] is False


def test_an_unknown_format_says_to_give_format(capsys: pytest.CaptureFixture[str]) -> None:
    """On the command line, the choice is --format."""
    status, _, err = run(
        capsys, "import", str(FIXTURES / "SOURCES.md"), "--dry-run", "--config", str(EXAMPLE)
    )
    assert status == 1
    assert "cannot tell which schedule format this is" in err
    assert err.rstrip().endswith("give --format (one of schedule-json, schedule-xml, "
                                 "sessionize, europython, ical, csv, native)")  # fmt: skip


def closed_pipe(*argv: str) -> tuple[int, str]:
    """Run `confbot ARGV` whose stdout's reader has gone; return (status, stderr)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=environment,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader leaves before the first line is written
    err = process.stderr.read().decode()
    process.stderr.close()
    return process.wait(timeout=60), err


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_a_closed_pipe_ends_quietly(extra: list[str]) -> None:
    """`confbot import … | head` whose reader has gone: no traceback, nothing on stderr."""
    status, err = closed_pipe("import", str(HIMMEL), "--dry-run", "--config", str(EXAMPLE), *extra)
    assert (status, err) == (0, "")


def test_a_closed_pipe_does_not_stop_the_import(tmp_path: Path) -> None:
    """Only the output nobody reads is lost: the import is still staged for the bot."""
    config = tmp_path / "config.toml"
    config.write_text(f'[schedule]\nsource = "{HIMMEL}"\n', encoding="utf-8")
    status, err = closed_pipe(
        "import", str(FIXTURES / "ical-kielux-2020.utc.ics"), "--config", str(config)
    )
    assert (status, err) == (0, "")
    assert (tmp_path / "confbot.db").exists()


def test_any_command_ends_quietly_on_a_closed_pipe() -> None:
    """`confbot schedule | head` too: no traceback; the status a shell gives for SIGPIPE."""
    status, err = closed_pipe("schedule", "--config", str(EXAMPLE))
    assert (status, err) == (141, "")
