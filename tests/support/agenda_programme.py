"""A small programme for the agenda page's tests: titles real files have, two local days.

Times are New York wall-clock times; read from Sydney the keynote is Thu 25 Feb 08:00-09:45
AEDT (the seed conference's instant), and the last session falls on Fri 26 Feb. One title
carries markup and quotes (it must be escaped), one CJK and an emoji, one a word too long
for a phone's width; two sessions overlap in one room.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config, WebConfig
from confbot_dev.harness import ConferenceHarness, harness_config

#: Before the first session (Wed 24 Feb 08:00 in New York).
BEFORE = datetime(2021, 2, 24, 13, 0, tzinfo=UTC)
MARKUP_TITLE = """<script>alert("x")</script> & 'Quotes' <b>not bold</b>"""
CJK_TITLE = "東京の会議 🎉 Résumé"
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung" * 2

PROGRAMME = f'''
[conference]
name = "Agenda & <Co>"
zone = "America/New_York"

[[rooms]]
id = "online"
name = "Online"

[[rooms]]
id = "side"
name = "Side room"
stream_url = "https://stream.example.org/side"

[[speakers]]
id = "nice"
name = "Sir Geoffrey Nice QC"

[[sessions]]
id = "conference"
title = "Ending forced organ harvesting in China, with a keynote by Sir Geoffrey Nice QC"
start = "2021-02-24 16:00"
end = "2021-02-24 17:45"
room = "online"
speakers = ["nice"]

[[sessions]]
id = "parallel"
title = "A parallel workshop in the same room"
start = "2021-02-24 16:15"
end = "2021-02-24 17:00"
room = "online"

[[sessions]]
id = "markup"
title = {json.dumps(MARKUP_TITLE)}
start = "2021-02-24 16:30"
end = "2021-02-24 17:15"
room = "side"

[[sessions]]
id = "cjk"
title = "{CJK_TITLE}"
start = "2021-02-25 10:00"
end = "2021-02-25 11:00"
room = "side"

[[sessions]]
id = "long"
title = "{LONG_WORD}"
start = "2021-02-25 11:00"
end = "2021-02-25 11:30"
room = "online"
'''

#: What an attendee types to /remind each session (part of its title).
SESSIONS = ("keynote", "parallel workshop", "Quotes", "Résumé", "Donaudampf")


def agenda_config(tmp_path: Path, base: Config) -> Config:
    """Return a harness config for :data:`PROGRAMME` with the web server on loopback."""
    path = tmp_path / "agenda.toml"
    path.write_text(PROGRAMME, encoding="utf-8")
    config = harness_config(tmp_path, schedule=path, base=base)
    return config.model_copy(update={"web": WebConfig(port=0)})


@asynccontextmanager
async def agenda_conference(tmp_path: Path, base: Config) -> AsyncIterator[ConferenceHarness]:
    """Run the sandbox and the bot on :data:`PROGRAMME`; no rejected request allowed."""
    async with ConferenceHarness(agenda_config(tmp_path, base), start=BEFORE) as started:
        assert started.bot is not None
        await started.bot.services.scheduler.settle()
        yield started
        assert started.sandbox.rejections == []


async def make_agenda(harness: ConferenceHarness, name: str = "alice") -> None:
    """Add every session to ``name``'s agenda with /remind, as they would."""
    for session in SESSIONS:
        answer = await harness.sandbox.invoke(harness.member(name), "remind", {"session": session})
        assert answer.ephemeral
