"""The confbot command line: check and schedule, as an organiser runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"
FIXTURES = REPO / "tests" / "fixtures" / "schedules"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run confbot with ``argv``; return (exit status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_config(tmp_path: Path, body: str) -> Path:
    """Write a config file into ``tmp_path`` and return its path."""
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_check_summarises_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    """`confbot check` on config.example.toml prints the seed's summary and exits 0."""
    status, out, _ = run(capsys, "check", "--config", str(EXAMPLE))
    assert status == 0
    assert "Conference: Online conference on forced organ harvesting in China" in out
    assert "Zone:       America/New_York" in out
    assert "Sessions:   1" in out
    assert "Speakers:   1" in out
    assert "Days:       1 (Wed 24 Feb 2021)" in out


def test_check_lists_every_schedule_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A bad schedule gets each problem listed with its session and key, and exit 1."""
    config = write_config(tmp_path, f'[schedule]\nsource = "{FIXTURES / "many-problems.toml"}"\n')
    status, out, err = run(capsys, "check", "--config", str(config))
    assert status == 1
    assert out == ""
    assert 'session "keynote"' in err
    assert "titel" in err
    assert "mian" in err
    assert "nicee" in err
    assert 'session "gap"' in err
    assert 'session "fold"' in err
    assert err.count("\n  - ") >= 6


def test_check_lists_every_config_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A bad config gets every key named, and a non-zero exit."""
    config = write_config(
        tmp_path,
        '[bot]\nprefix = "?"\n[reminders]\nlead_minutes = "soon"\n[guild]\nzone = "Moon"\n',
    )
    status, _, err = run(capsys, "check", "--config", str(config))
    assert status == 1
    assert "Found 3 problems" in err
    assert "config.toml: bot.prefix: unknown key" in err
    assert "config.toml: reminders.lead_minutes" in err
    assert "config.toml: guild.zone" in err


def test_check_reports_a_missing_schedule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A schedule path that does not exist is a problem naming the file."""
    config = write_config(tmp_path, '[schedule]\nsource = "nowhere.toml"\n')
    status, _, err = run(capsys, "check", "--config", str(config))
    assert status == 1
    assert "nowhere.toml" in err


@pytest.mark.parametrize(
    ("zone", "clock", "expected"),
    [
        ("Australia/Sydney", "24h", "Thu 25 Feb 08:00-09:45 AEDT (+1 day)"),
        ("sydney", "12h", "Thu 25 Feb 8:00-9:45 a.m. AEDT (+1 day)"),
        ("America/New_York", "12h", "Wed 24 Feb 4:00-5:45 p.m. EST"),
        ("America/Los_Angeles", "12h", "Wed 24 Feb 1:00-2:45 p.m. PST"),
        ("Europe/Paris", "12h", "Wed 24 Feb 10:00-11:45 p.m. CET"),
    ],
)
def test_schedule_prints_what_each_reader_sees(
    capsys: pytest.CaptureFixture[str], zone: str, clock: str, expected: str
) -> None:
    """`confbot schedule --tz` shows the seed session as the article printed it."""
    status, out, _ = run(
        capsys, "schedule", "--config", str(EXAMPLE), "--tz", zone, "--clock", clock
    )
    assert status == 0
    assert expected in out


def test_schedule_groups_by_the_readers_day(capsys: pytest.CaptureFixture[str]) -> None:
    """Sydney's reader sees the session under Thursday, New York's under Wednesday."""
    _, sydney, _ = run(capsys, "schedule", "--config", str(EXAMPLE), "--tz", "Australia/Sydney")
    _, new_york, _ = run(capsys, "schedule", "--config", str(EXAMPLE))
    assert "== Thu 25 Feb ==" in sydney
    assert "== Wed 24 Feb ==" in new_york


def test_schedule_rejects_an_unknown_zone(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --tz is a clear sentence with suggestions and exit 2, not a traceback."""
    status, out, err = run(capsys, "schedule", "--config", str(EXAMPLE), "--tz", "Sydny")
    assert status == 2
    assert out == ""
    assert "Australia/Sydney" in err


def test_run_without_token_explains(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`confbot run` with no token says how to give one and exits 2."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    status, _, err = run(capsys, "run", "--config", str(EXAMPLE))
    assert status == 2
    assert "DISCORD_TOKEN" in err


def test_run_uses_the_wall_clock_unless_told_otherwise() -> None:
    """Without the hidden variables, `confbot run` runs on the system clock."""
    from bot.cli import clock_from_environment
    from bot.clock import SystemClock

    assert isinstance(clock_from_environment({}), SystemClock)


def test_run_can_start_on_a_simulated_clock_for_tests() -> None:
    """CONFBOT_SIMULATED_START/SPEED put `confbot run` on a clock a test controls."""
    from datetime import UTC, datetime

    from bot.cli import clock_from_environment
    from bot.clock import SimulatedClock

    clock = clock_from_environment(
        {"CONFBOT_SIMULATED_START": "2021-02-24T20:50:00", "CONFBOT_SIMULATED_SPEED": "0"}
    )
    assert isinstance(clock, SimulatedClock)
    assert clock.now() == datetime(2021, 2, 24, 20, 50, tzinfo=UTC)
