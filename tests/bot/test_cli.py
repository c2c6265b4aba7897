"""The confbot command line: check, schedule and run, as an organiser runs them."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import EXIT_UNREACHABLE, main
from bot.config import MAX_CONFIG_BYTES

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


# -- files that cannot be read ------------------------------------------------------

Maker = Callable[[Path], None]


def _bytes(content: bytes) -> Maker:
    return lambda path: path.write_bytes(content)


def _directory(path: Path) -> None:
    path.mkdir()


def _nothing(path: Path) -> None:
    pass


def _device(path: Path) -> None:
    # A device (a pipe too) is no file to read: /dev/zero would never end, a pipe block.
    path.symlink_to(os.devnull)


UNREADABLE = [
    pytest.param(
        _bytes(b'[bot]\ncommand_prefix = "caf\xe9"\n'),
        'the {what} is Latin-1/Windows-1252 text, not UTF-8 (byte 0xe9 on line 2 is "é" '
        "there); save it as UTF-8",
        id="latin-1",
    ),
    pytest.param(
        _bytes('[bot]\ncommand_prefix = "café"\n'.encode("utf-16")),
        "the {what} is UTF-16 text, not UTF-8; save it as UTF-8",
        id="utf-16",
    ),
    pytest.param(_bytes(bytes(range(256))), "is a binary file, not a {what}", id="binary"),
    pytest.param(_nothing, "cannot read the {what}: there is no such file", id="missing"),
    pytest.param(_directory, "is a directory, not a {what}", id="directory"),
    pytest.param(_device, "is a device or a pipe, not a {what}", id="device"),
]


@pytest.mark.parametrize(("make", "expected"), UNREADABLE)
def test_check_explains_an_unusable_config_file_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Maker, expected: str
) -> None:
    """A config path that cannot be used is one line naming it and the reason, and exit 1."""
    path = tmp_path / "config.toml"
    make(path)
    status, out, err = run(capsys, "check", "--config", str(path))
    assert (status, out) == (1, "")
    assert err == f"confbot: {path}: {expected.format(what='config file')}\n"


@pytest.mark.parametrize("command", ["check", "schedule"])
@pytest.mark.parametrize(("make", "expected"), UNREADABLE)
def test_an_unusable_schedule_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, make: Maker, expected: str
) -> None:
    """A schedule path that cannot be used is one line naming it and the reason, and exit 1."""
    make(tmp_path / "schedule.toml")
    config = write_config(tmp_path, '[schedule]\nsource = "schedule.toml"\n')
    status, out, err = run(capsys, command, "--config", str(config))
    assert (status, out) == (1, "")
    assert err == f"confbot: schedule.toml: {expected.format(what='schedule file')}\n"


def test_check_refuses_a_config_file_too_large_to_be_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A "config" bigger than 1 MB (the wrong file) is refused without parsing it."""
    path = tmp_path / "config.toml"
    path.write_bytes(b"#" * (MAX_CONFIG_BYTES + 1))
    status, _, err = run(capsys, "check", "--config", str(path))
    assert status == 1
    assert err == f"confbot: {path}: is over 1 MB, too large for a config file\n"


def test_check_accepts_a_config_saved_with_a_byte_order_mark(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A UTF-8 file that starts with a BOM (some Windows editors) reads like any other."""
    seed = REPO / "examples" / "seed-conference.toml"
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f"[schedule]\nsource = {str(seed)!r}\n".encode())
    status, out, _ = run(capsys, "check", "--config", str(path))
    assert status == 0
    assert "Sessions:   1" in out


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(lambda text: text.encode("utf-8")),
        st.text(max_size=200).map(lambda text: text.encode("utf-16")),
    )
)
def test_check_never_crashes_on_any_config_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    """Whatever bytes the config file holds, check answers with a status, never a traceback."""
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    status, _, err = run(capsys, "check", "--config", str(path))
    assert status in (0, 1)
    assert status == 0 or err.startswith(("confbot: ", "Found "))


# -- run without Discord --------------------------------------------------------------

FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake-token.never-printed"


def _closed_loopback_port() -> int:
    """Return a loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _unreachable_environment() -> dict[str, str]:
    port = _closed_loopback_port()
    return {
        "DISCORD_TOKEN": FAKE_TOKEN,
        "CONFBOT_API_BASE": f"http://127.0.0.1:{port}/api/v10",
        "CONFBOT_GATEWAY_URL": f"ws://127.0.0.1:{port}/",
    }


def _run_config(tmp_path: Path) -> Path:
    return write_config(
        tmp_path,
        f"[storage]\ndatabase = {str(tmp_path / 'confbot.db')!r}\n"
        f"[schedule]\nsource = {str(REPO / 'examples' / 'seed-conference.toml')!r}\n",
    )


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger back as it was: `confbot run` configures logging for the process."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_run_without_a_network_says_discord_cannot_be_reached(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`confbot run` with nothing listening prints one line, exits 3, never the token."""
    for name, value in _unreachable_environment().items():
        monkeypatch.setenv(name, value)
    status, out, err = run(capsys, "run", "--config", str(_run_config(tmp_path)))
    assert status == EXIT_UNREACHABLE
    assert err.endswith(
        "confbot: cannot reach Discord (Connection refused); "
        "check the network connection and try again.\n"
    )
    assert FAKE_TOKEN not in out + err
    assert "Traceback" not in err


def test_run_as_a_process_without_a_network_exits_with_one_line(tmp_path: Path) -> None:
    """The installed command, with Discord unreachable, ends with one line and status 3."""
    finished = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "run", "--config", str(_run_config(tmp_path))],
        env={**os.environ, **_unreachable_environment()},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == EXIT_UNREACHABLE
    reached = [line for line in finished.stderr.splitlines() if "cannot reach Discord" in line]
    assert reached == [
        "confbot: cannot reach Discord (Connection refused); "
        "check the network connection and try again."
    ]
    assert "Traceback" not in finished.stderr
    assert FAKE_TOKEN not in finished.stdout + finished.stderr


@pytest.mark.usefixtures("restored_logging")
def test_run_with_postgresql_down_names_the_server_and_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`confbot run` on a PostgreSQL nobody listens at says where, why, and that it exits 3.

    Not the "busy, try again" sentence commands get: an organiser is starting the bot.
    """
    for name, value in _unreachable_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CONFBOT_TEST_PG_PASSWORD", "not-printed-either")
    port = _closed_loopback_port()
    config = write_config(
        tmp_path,
        f"[storage]\ndatabase = 'postgresql://confbot@127.0.0.1:{port}/confbot'\n"
        "password_env = 'CONFBOT_TEST_PG_PASSWORD'\n"
        f"data_dir = {str(tmp_path)!r}\n"
        f"[schedule]\nsource = {str(REPO / 'examples' / 'seed-conference.toml')!r}\n",
    )
    status, out, err = run(capsys, "run", "--config", str(config))
    assert status == EXIT_UNREACHABLE
    assert err.endswith(
        f"confbot: cannot reach PostgreSQL at 127.0.0.1:{port} (Connection refused); "
        "start the server or fix [storage] database, then run confbot again "
        "(exit status 3: worth retrying later).\n"
    )
    assert "busy" not in err
    assert "not-printed-either" not in out + err
    assert "Traceback" not in err
