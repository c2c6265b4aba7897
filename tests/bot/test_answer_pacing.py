"""When the bot acknowledges an interaction before answering it (bot/answer_pacing.py)."""

from __future__ import annotations

from bot.answer_pacing import BURST_SIZE, LAG_SECONDS, AnswerPacing, LoopLag
from tests.support.clocks import HandClock


def test_a_quiet_moment_answers_directly() -> None:
    """One command now and then, answered at once: no "thinking…" first."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    for _ in range(10):
        assert not pacing.acknowledge_first(0.05)
        clock.advance(1.0)
    assert pacing.stats.acknowledged_first == 0


def test_a_burst_is_acknowledged_first_beyond_its_first_answers() -> None:
    """In one second, the first BURST_SIZE commands are answered directly, the rest deferred."""
    pacing = AnswerPacing(monotonic=HandClock())
    decisions = [pacing.acknowledge_first(0.0) for _ in range(BURST_SIZE + 5)]
    assert decisions == [False] * BURST_SIZE + [True] * 5


def test_a_burst_that_passed_no_longer_defers() -> None:
    """A second after the burst, a command is answered directly again."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    for _ in range(BURST_SIZE + 5):
        pacing.acknowledge_first(0.0)
    clock.advance(1.01)
    assert not pacing.acknowledge_first(0.0)


def test_an_interaction_that_waited_half_a_second_is_deferred() -> None:
    """An interaction Discord created 0.5 s ago is acknowledged first, even when alone."""
    pacing = AnswerPacing(monotonic=HandClock())
    assert pacing.acknowledge_first(0.5)
    assert pacing.stats.longest_wait == 0.5


def test_a_late_event_loop_defers() -> None:
    """While the loop's ticker is overdue by LAG_SECONDS, answers are acknowledged first."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    pacing.lag.expect_tick()
    clock.advance(pacing.lag.interval + LAG_SECONDS)
    assert pacing.acknowledge_first(0.0)


def test_loop_lag_is_how_late_the_ticker_is() -> None:
    """The lag is how far past its due time the ticker's wake-up is; 0 when on time."""
    clock = HandClock()
    lag = LoopLag(interval=0.05, monotonic=clock)
    assert lag.behind() == 0.0
    lag.expect_tick()
    clock.advance(0.04)
    assert lag.behind() == 0.0
    clock.advance(0.31)
    assert abs(lag.behind() - 0.3) < 1e-9


def test_deferred_answers_wait_while_the_loop_is_behind_with_a_burst() -> None:
    """During a burst deferred answers wait while the loop is late; caught up, they go."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    for _ in range(BURST_SIZE + 1):
        pacing.acknowledge_first(0.0)
    pacing.lag.expect_tick()
    clock.advance(pacing.lag.interval + LAG_SECONDS)
    assert pacing.acknowledgements_going_out()
    pacing.lag.expect_tick()
    assert not pacing.acknowledgements_going_out()


def test_a_steady_stream_the_bot_keeps_up_with_holds_no_answer() -> None:
    """30 commands a second for 3 s, each acknowledged at once: no answer is held back."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    held = 0
    for _ in range(90):
        pacing.acknowledge_first(0.0)
        with pacing.acknowledging():
            clock.advance(0.005)
        pacing.lag.expect_tick()
        held += pacing.acknowledgements_going_out()
        clock.advance(1 / 30 - 0.005)
    assert held == 0


def test_a_lone_deferred_answer_does_not_wait() -> None:
    """One interaction deferred on a late loop is not held back: no burst is arriving."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    pacing.lag.expect_tick()
    clock.advance(pacing.lag.interval + LAG_SECONDS)
    assert pacing.acknowledge_first(0.0)
    assert not pacing.acknowledgements_going_out()


def test_deferred_answers_wait_for_the_acknowledgements_still_in_flight() -> None:
    """One "thinking…" of a burst is not yet confirmed: answers wait for it, then go."""
    clock = HandClock()
    pacing = AnswerPacing(monotonic=clock)
    for _ in range(BURST_SIZE + 1):
        pacing.acknowledge_first(0.0)
    with pacing.acknowledging():
        clock.advance(0.5)
        assert pacing.acknowledgements_going_out()
    assert not pacing.acknowledgements_going_out()
