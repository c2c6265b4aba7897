"""`confbot import`: what an organiser sees when checking an export before using it."""

from __future__ import annotations

import functools
import json
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


def frab(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write a one-day Europe/Berlin schedule.json with ``events`` to ``path``."""
    days: dict[str, list[dict[str, Any]]] = {}
    for item in events:
        days.setdefault(item["date"][:10], []).append(item)
    content = {
        "schedule": {
            "version": "1",
            "conference": {
                "title": "CLI Conf",
                "time_zone_name": "Europe/Berlin",
                "days": [
                    {"index": i, "date": day, "rooms": {"Saal 1": items}}
                    for i, (day, items) in enumerate(sorted(days.items()), start=1)
                ],
            },
        }
    }
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def talk(guid: str, date: str, title: str = "Talk", duration: str = "00:30") -> dict[str, Any]:
    """Return one frab event."""
    return {
        "guid": guid,
        "date": date,
        "start": date[11:16],
        "duration": duration,
        "room": "Saal 1",
        "title": title,
        "persons": [{"guid": "p1", "name": "Zoë"}],
    }


def config_for(tmp_path: Path, source: Path, zone: str | None = None) -> Path:
    """Write a config whose current schedule is ``source``."""
    body = f'[schedule]\nsource = "{source}"\n'
    if zone:
        body += f'[guild]\nzone = "{zone}"\n'
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_dry_run_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """A real export gets its format, zone, days and counts, and exit 0."""
    status, out, err = run(capsys, "import", str(HIMMEL), "--dry-run", "--config", str(EXAMPLE))
    assert status == 0, err
    assert "Format:     schedule-json" in out
    assert "Zone:       Europe/Berlin" in out
    assert "Days:       4 (27 Dec 2025 to 30 Dec 2025)" in out
    assert "Sessions:   186" in out
    assert "Speakers:   274" in out


def test_json_is_one_object_with_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object: format, counts, zone and the UTC span in ISO 8601."""
    status, out, _ = run(
        capsys, "import", str(HIMMEL), "--dry-run", "--json", "--config", str(EXAMPLE)
    )
    data = json.loads(out)
    assert status == 0
    # First: "Opening Ceremony" 2025-12-27T10:30+01:00; last: the closing ceremony
    # 2025-12-30T16:00+01:00 for 01:00, both read from the file.
    assert {key: data[key] for key in (
        "format", "sessions", "speakers", "rooms", "tracks", "timezone",
        "first_start_utc", "last_end_utc",
    )} == {
        "format": "schedule-json", "sessions": 186, "speakers": 274, "rooms": 5, "tracks": 9,
        "timezone": "Europe/Berlin", "first_start_utc": "2025-12-27T09:30:00Z",
        "last_end_utc": "2025-12-30T16:00:00Z",
    }  # fmt: skip


def test_json_excludes_cancelled_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    """FOSDEM's five CANCELLED talks are counted apart from its 775 sessions."""
    status, out, _ = run(
        capsys, "import", str(FIXTURES / "pentabarf-fosdem-2023.schedule.xml"),
        "--dry-run", "--json", "--tz", "Europe/Brussels", "--config", str(EXAMPLE),
    )  # fmt: skip
    data = json.loads(out)
    assert status == 0
    assert (data["sessions"], data["cancelled"]) == (775, 5)


def test_diff_against_the_current_schedule_piped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A session moved to the next day is one plain line when piped, with both times."""
    current = frab(tmp_path / "current.json", [talk("g1", "2025-12-27T13:00:00+01:00", "Moving")])
    new = frab(tmp_path / "new.json", [talk("g1", "2025-12-28T14:00:00+01:00", "Moving")])
    status, out, _ = run(
        capsys, "import", str(new), "--dry-run", "--config", str(config_for(tmp_path, current))
    )
    assert status == 0
    assert "Changes:    1 moved" in out
    assert (
        "moved (time/day): Moving: Sat 27 Dec 13:00-13:30 CET, Saal 1 → "
        "Sun 28 Dec 14:00-14:30 CET, Saal 1"
    ) in out


def test_diff_is_a_table_in_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a terminal the changes are a table with a header row."""
    current = frab(tmp_path / "current.json", [talk("g1", "2025-12-27T13:00:00+01:00")])
    new = frab(tmp_path / "new.json", [talk("g2", "2025-12-27T13:00:00+01:00", "Fresh")])
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    status, out, _ = run(
        capsys, "import", str(new), "--dry-run", "--config", str(config_for(tmp_path, current))
    )
    assert status == 0
    lines = out.splitlines()
    assert ["Change", "Session", "Before", "After"] in [line.split() for line in lines]
    assert any(line.startswith("added ") and "Fresh" in line for line in lines)
    assert any(line.startswith("removed ") for line in lines)


def test_without_dry_run_the_import_is_staged_for_the_bot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without --dry-run the file is stored for the bot to apply; the source is untouched."""
    current = frab(tmp_path / "current.json", [talk("g1", "2025-12-27T13:00:00+01:00")])
    before = current.read_bytes()
    status, out, _ = run(
        capsys, "import", str(HIMMEL), "--config", str(config_for(tmp_path, current))
    )
    assert status == 0
    assert out.splitlines()[-1].startswith("Applied: the bot swaps in this schedule at its next")
    assert current.read_bytes() == before
    assert (tmp_path / "confbot.db").exists()


def test_a_file_with_problems_is_not_staged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file with problems is refused without --dry-run too, and no database is made."""
    events = [
        talk("g1", "2025-12-27T13:00:00+01:00"),
        talk("g2", "2025-12-27T14:00:00+01:00", duration="x"),
    ]
    bad = frab(tmp_path / "bad.json", events)
    current = frab(tmp_path / "current.json", [talk("g1", "2025-12-27T13:00:00+01:00")])
    status, _, err = run(capsys, "import", str(bad), "--config", str(config_for(tmp_path, current)))
    assert status == 1
    assert "nothing was applied: fix the problems above" in err
    assert not (tmp_path / "confbot.db").exists()


@pytest.fixture
def http_server() -> Iterator[str]:
    """Serve tests/fixtures/schedules on 127.0.0.1 from a thread; yield its base address."""
    handler = functools.partial(QuietHandler, directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not write request lines to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the test reads stderr."""


def test_url_is_fetched_and_imported(capsys: pytest.CaptureFixture[str], http_server: str) -> None:
    """An http address is fetched and summarised like a file."""
    url = f"{http_server}/{HIMMEL.name}"
    status, out, err = run(capsys, "import", url, "--dry-run", "--config", str(EXAMPLE))
    assert status == 0, err
    assert "Sessions:   186" in out


def test_url_error_is_one_sentence(capsys: pytest.CaptureFixture[str], http_server: str) -> None:
    """A missing file on the server is the status in a sentence, exit 1, no traceback."""
    url = f"{http_server}/nothing-here.json"
    status, out, err = run(capsys, "import", url, "--dry-run", "--config", str(EXAMPLE))
    assert status == 1
    assert out == ""
    assert f"{url}: the server answered 404 File not found" in err
    assert "Traceback" not in err


def test_naive_times_need_a_zone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Sessionize without --tz or guild.zone fails naming --tz; a city as --tz works."""
    sessionize = FIXTURES / "sessionize-qa-or-the-highway-2026.all.json"
    config = config_for(tmp_path, HIMMEL)
    status, _, err = run(capsys, "import", str(sessionize), "--dry-run", "--config", str(config))
    assert status == 1
    assert "pass --tz" in err
    status, out, _ = run(
        capsys, "import", str(sessionize), "--dry-run", "--tz", "new york", "--config", str(config)
    )
    assert status == 0
    assert "Zone:       America/New_York" in out


def test_config_zone_is_the_fallback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """With guild.zone in the config, naive times need no --tz."""
    config = config_for(tmp_path, HIMMEL, zone="Europe/London")
    status, out, _ = run(
        capsys, "import", str(FIXTURES / "sessionize-scottish-summit-2026.all.json"),
        "--dry-run", "--config", str(config),
    )  # fmt: skip
    assert status == 0
    assert "Zone:       Europe/London" in out


def test_bad_tz_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --tz is a clear error and exit 2."""
    status, _, err = run(
        capsys, "import", str(HIMMEL), "--dry-run", "--tz", "Atlantis", "--config", str(EXAMPLE)
    )
    assert status == 2
    assert err.startswith("confbot import: --tz: ")
    assert "Traceback" not in err


def test_problems_are_listed_with_where(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An event with an unreadable duration is named with its day, room and id; exit 1."""
    bad = frab(
        tmp_path / "bad.json",
        [
            talk("g1", "2025-12-27T13:00:00+01:00"),
            talk("g2", "2025-12-27T14:00:00+01:00", duration="soon"),
        ],
    )
    status, out, err = run(capsys, "import", str(bad), "--dry-run", "--config", str(EXAMPLE))
    assert status == 1
    assert "Sessions:   1" in out
    assert "bad.json: day 2025-12-27, room \"Saal 1\", event g2: duration 'soon'" in err


def test_current_frab_schedule_is_loaded_by_the_bot(tmp_path: Path) -> None:
    """The bot's loader reads a schedule.json source too, leaving cancelled talks out."""
    from bot.schedule.files import load_schedule

    source = frab(
        tmp_path / "s.json",
        [
            talk("g1", "2025-12-27T13:00:00+01:00"),
            talk("g2", "2025-12-27T14:00:00+01:00", "CANCELLED: Gone"),
        ],
    )
    assert [s.id for s in load_schedule(source).sessions] == ["g1"]


async def test_a_download_tells_its_progress_in_bytes(http_server: str) -> None:
    """download() reports the bytes received against the announced size, ending at the total."""
    from bot.schedule.formats.download import download

    seen: list[tuple[int, int | None]] = []
    body = await download(
        f"{http_server}/{HIMMEL.name}", progress=lambda done, total: seen.append((done, total))
    )
    assert body == HIMMEL.read_bytes()
    assert seen[-1] == (len(body), len(body))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
