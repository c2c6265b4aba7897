"""`confbot import`'s progress bar: drawn on a terminal for a large input, never in a pipe."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

from bot.cli import main
from bot.import_progress import LARGE_INPUT_BYTES, ImportProgress, read_file
from bot.schedule.formats import import_bytes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"
# 1.93 MiB: over the threshold; the seed conference (2.5 KB) is under it.
LARGE = REPO / "tests" / "fixtures" / "schedules" / "pentabarf-fosdem-2023.schedule.xml"
SMALL = REPO / "tests" / "fixtures" / "schedules" / "seed-conference.toml"
# What rich draws a bar with, and the escape that starts every terminal control sequence.
BAR = "━"
ESCAPE = "\x1b["


def terminal() -> tuple[ImportProgress, io.StringIO]:
    """Return a progress drawn on a console forced into terminal mode, and its buffer."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    return ImportProgress(console), buffer


def test_a_large_file_on_a_terminal_shows_reading_in_bytes_then_parsing() -> None:
    """A 1.9 MiB export: "Reading" up to 2.0/2.0 MB, then "Parsing", both with a bar."""
    progress, buffer = terminal()
    body = read_file(LARGE, progress)
    with progress.parsing(len(body)):
        import_bytes(body, source=LARGE.name, zone="Europe/Brussels")
    drawn = buffer.getvalue()
    assert "Reading" in drawn
    assert "2.0/2.0 MB" in drawn
    assert "Parsing" in drawn
    assert BAR in drawn
    assert body == LARGE.read_bytes()


def test_a_small_file_on_a_terminal_shows_nothing() -> None:
    """Under 1 MiB nothing is drawn, even on a terminal."""
    progress, buffer = terminal()
    body = read_file(SMALL, progress)
    with progress.parsing(len(body)):
        pass
    assert buffer.getvalue() == ""


def test_a_download_of_unknown_size_shows_the_bar_once_it_is_large() -> None:
    """Without a Content-Length the bar appears when the bytes received pass 1 MiB."""
    progress, buffer = terminal()
    progress.received(LARGE_INPUT_BYTES - 1, None)
    assert buffer.getvalue() == ""
    progress.received(LARGE_INPUT_BYTES, None)
    progress.close()
    assert "Reading" in buffer.getvalue()


def test_a_pipe_gets_no_progress(capsys: pytest.CaptureFixture[str]) -> None:
    """Piped, a large import prints the plain report: no bar, no terminal control codes."""
    status = main(
        ["import", str(LARGE), "--dry-run", "--tz", "Europe/Brussels", "--config", str(EXAMPLE)]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert captured.out.startswith("Format:     schedule-xml\n")
    for printed in (captured.out, captured.err):
        assert BAR not in printed
        assert ESCAPE not in printed
        assert "Reading" not in printed


def test_the_help_names_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    """`confbot import --help` says from which size a terminal gets the bar."""
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "1 MiB or more" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("stdout_terminal", "stderr_terminal", "shown"),
    [(True, True, True), (False, True, False), (True, False, False), (False, False, False)],
)
def test_the_bar_needs_stdout_and_stderr_to_be_terminals(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdout_terminal: bool,
    stderr_terminal: bool,
    shown: bool,
) -> None:
    """`confbot import x | less` gets no bar on stderr either; so does `2> log`."""
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: stdout_terminal)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: stderr_terminal)
    assert ImportProgress.for_terminal().shows(LARGE_INPUT_BYTES) is shown
