"""The demo's event list and Interested: `confbot demo` piped a script, as a person types it."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_e2e_demo import run_demo

KEYNOTE = "Ending forced organ harvesting in China"
PRESSED = "/timezone set zone:Asia/Tokyo\n:events\n:interested keynote\n:wait 10m\n"
TAKEN_BACK = (
    "/timezone set zone:Asia/Tokyo\n:interested keynote\n:uninterested keynote\n:wait 10m\n"
)


def test_interested_on_the_keynote_brings_the_dm_at_the_lead_in_my_zone(tmp_path: Path) -> None:
    """:events lists the keynote; Interested on it → the DM 10 minutes before, in Tokyo time."""
    run = run_demo(tmp_path, PRESSED, "--at", "2021-02-24T20:45", "--speed", "0")
    assert run.returncode == 0, run.stderr
    assert f"• {KEYNOTE}" in run.stdout
    assert "alice pressed Interested on" in run.stdout
    dm = run.stdout.split("confbot in DM to alice:", 1)[1]
    assert "Thu 25 Feb 06:00-07:45 JST" in dm


def test_taking_interested_back_before_the_lead_sends_no_dm(tmp_path: Path) -> None:
    """Interested, then taken back before the lead: no DM comes."""
    run = run_demo(tmp_path, TAKEN_BACK, "--at", "2021-02-24T20:45", "--speed", "0")
    assert run.returncode == 0, run.stderr
    assert "alice took back Interested on" in run.stdout
    assert "confbot in DM to alice:" not in run.stdout
