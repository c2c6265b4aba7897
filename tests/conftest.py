"""Shared fixtures: the conference harness (sandbox + real bot) and the no-errors guard."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.postgres import ThrowawayCluster

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed-conference.toml"


class ErrorCollector(logging.Handler):
    """Collect every error logged during a test; a test may declare the ones it provokes."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._allowed: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def allow(self, fragment: str) -> None:
        """Accept logged errors whose message contains ``fragment`` (a provoked failure)."""
        self._allowed.append(fragment)

    def unexpected(self) -> list[logging.LogRecord]:
        """Return the errors no test declared."""
        return [
            record
            for record in self.records
            if not any(fragment in record.getMessage() for fragment in self._allowed)
        ]


@pytest.fixture(autouse=True)
def bot_logs_no_errors() -> Iterator[ErrorCollector]:
    """Fail the test if anything (the bot, discord.py, the sandbox) logged an error."""
    collector = ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
    unexpected = collector.unexpected()
    if unexpected:
        lines = [f"{record.name}: {record.getMessage()}" for record in unexpected]
        pytest.fail("errors were logged:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayCluster]:
    """Start a real PostgreSQL in a temporary directory for the session; remove it after."""
    with ThrowawayCluster() as cluster:
        yield cluster


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_cluster: ThrowawayCluster) -> str:
    """Return the URL (password included) of a new, empty database of the session's cluster."""
    return postgres_cluster.create_database(f"test_{next(_database_numbers)}")


@pytest.fixture
def example_config() -> Config:
    """Return config.example.toml as loaded by the bot."""
    return load_config(REPO / "config.example.toml")


@pytest.fixture
def seed_config(tmp_path: Path, example_config: Config) -> Config:
    """Return the example config with the seed schedule and a database in tmp_path."""
    return harness_config(tmp_path, schedule=SEED, base=example_config)


@pytest.fixture
async def harness(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the sandbox and the real bot with the seed conference; stop them afterwards."""
    async with ConferenceHarness(seed_config) as started:
        yield started
        assert started.sandbox.rejections == [], "the bot sent requests Discord would reject"
