"""When to acknowledge an interaction before answering it: Discord's 3 s, under a burst.

A keynote ends and a thousand people type ``/next`` in the same second. Each answer costs
the event loop a little (the profile, the render, the request); answered in arrival order,
the last ones would miss Discord's 3 s to acknowledge (10062 "Unknown interaction",
interactions/receiving-and-responding). So an answer that may follow (see
``bot.interaction_errors.answer_may_follow``) is deferred first ("thinking…", one cheap
request) when :meth:`AnswerPacing.acknowledge_first` says the bot is behind or busy:

* the interaction has already waited :data:`BEHIND_SECONDS` since Discord created it;
* the event loop is :data:`LAG_SECONDS` behind (:class:`LoopLag`, no shared clock needed);
* more than :data:`BURST_SIZE` interactions began within the last second
  (:class:`RecentInteractions`): the queue is filling faster than answers leave it.

During a burst the deferred answer then waits (:meth:`AnswerPacing.caught_up`) while
acknowledgements are still in flight (sent, not yet confirmed by Discord) or the loop is
behind, so every acknowledgement goes out and is confirmed before the heavier work is
done: answers worked out meanwhile would take the bot's time, and the connections to
Discord, from requests that must each be in within 3 s. The follow-up has the token's 15
minutes. A steady stream of commands that the bot keeps up with holds nothing. Discord-free:
the command tree (an adapter) reads the interaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

Monotonic = Callable[[], float]

# Discord's 3 s to acknowledge an interaction (interactions/receiving-and-responding).
DEADLINE_SECONDS = 3.0
# An interaction that has waited this long is acknowledged before its answer is worked out.
BEHIND_SECONDS = 0.5
# ... as is any while the event loop runs this late.
LAG_SECONDS = 0.2
# ... or while more than this many interactions began within BURST_WINDOW seconds.
BURST_SIZE = 20
BURST_WINDOW = 1.0
# A deferred answer waits at most this long for the burst's acknowledgements.
CATCH_UP_SECONDS = 10.0


@dataclass
class InteractionStats:
    """What answering interactions came to since the bot started (``bench/burst.py``)."""

    # Answers Discord refused because the interaction's 3 s had passed (10062).
    too_late: int = 0
    # Answers that followed a "thinking…" acknowledgement because the bot was behind or busy.
    acknowledged_first: int = 0
    # Autocompletes left unanswered: their 3 s had passed before the bot read them.
    stale_autocompletes: int = 0
    # The longest any interaction had waited when the bot read it, in seconds.
    longest_wait: float = 0.0

    def snapshot(self) -> dict[str, float]:
        """Return the counts as a dict."""
        return asdict(self)


class LoopLag:
    """How far behind the event loop is, readable at any moment.

    A ticker is due every ``interval`` seconds; while the loop is busy its wake-up waits in
    the queue with everything else, so ``now - due`` measures the backlog as it builds,
    not only once it has cleared.
    """

    def __init__(self, interval: float = 0.05, monotonic: Monotonic = time.monotonic) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._due: float | None = None

    def behind(self) -> float:
        """Return how many seconds the ticker's wake-up is overdue (0 when on time)."""
        if self._due is None:
            return 0.0
        return max(0.0, self._monotonic() - self._due)

    def expect_tick(self) -> None:
        """Note that the next tick is due one interval from now."""
        self._due = self._monotonic() + self.interval


@dataclass
class RecentInteractions:
    """How many interactions began within the last ``window`` seconds."""

    window: float = BURST_WINDOW
    monotonic: Monotonic = time.monotonic
    _began: deque[float] = field(default_factory=deque)

    def note(self) -> int:
        """Count one more interaction beginning now; return how many began in the window."""
        self._began.append(self.monotonic())
        return self.count()

    def count(self) -> int:
        """Return how many interactions began within the window."""
        now = self.monotonic()
        while self._began and self._began[0] <= now - self.window:
            self._began.popleft()
        return len(self._began)


class AnswerPacing:
    """Decide, per interaction, whether to acknowledge first; count what came of it."""

    def __init__(self, monotonic: Monotonic = time.monotonic) -> None:
        self.lag = LoopLag(monotonic=monotonic)
        self.recent = RecentInteractions(monotonic=monotonic)
        self.stats = InteractionStats()
        self._calm = asyncio.Event()
        # "Thinking…" acknowledgements sent and not yet confirmed by Discord.
        self._acknowledging = 0

    @contextlib.contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Count an acknowledgement as in flight while the block runs (its request)."""
        self._acknowledging += 1
        try:
            yield
        finally:
            self._acknowledging -= 1

    def began(self, waited: float) -> int:
        """Note an interaction that had waited ``waited`` s; return how many began recently."""
        self.stats.longest_wait = max(self.stats.longest_wait, waited)
        return self.recent.note()

    def acknowledge_first(self, waited: float) -> bool:
        """Return whether an answer that may follow should be deferred (and count it)."""
        busy = self.began(waited) > BURST_SIZE
        if waited >= BEHIND_SECONDS or self.lag.behind() >= LAG_SECONDS or busy:
            self.stats.acknowledged_first += 1
            return True
        return False

    def past_deadline(self, waited: float) -> bool:
        """Return whether an interaction that waited ``waited`` s is past Discord's 3 s."""
        return waited >= DEADLINE_SECONDS

    def acknowledgements_going_out(self) -> bool:
        """Return whether a burst's acknowledgements still need the loop before its answers.

        Only in a burst (deferred answers then wait): while an acknowledgement is in flight
        or the loop is behind. A lone interaction deferred because the loop is late (a slow
        machine) has no other acknowledgement to let through first.
        """
        if self.recent.count() <= BURST_SIZE:
            return False
        return self._acknowledging > 0 or self.lag.behind() >= LAG_SECONDS

    async def caught_up(self) -> None:
        """Wait while a burst's acknowledgements are going out (at most 10 s).

        A deferred answer's work then runs after the burst's acknowledgements, which each
        cost little and must each be in within 3 s, instead of between them. Every waiter
        waits on one event that :meth:`run`'s ticker sets once it is calm.
        """
        if not self.acknowledgements_going_out():
            return
        self._calm.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._calm.wait(), CATCH_UP_SECONDS)

    async def run(self) -> None:
        """Tick every ``lag.interval`` until cancelled: measure the lag, release the waiters."""
        try:
            while True:
                self.lag.expect_tick()
                await asyncio.sleep(self.lag.interval)
                if not self.acknowledgements_going_out():
                    self._calm.set()
        finally:
            self._calm.set()
