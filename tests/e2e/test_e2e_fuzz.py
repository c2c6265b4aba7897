"""No traceback for any input: every command, option, autocomplete, button and question.

Hypothesis drives the real bot through the sandbox with generated values, extremes
included. The commands come from what the bot registered, so a new command (or a new
option) is covered without editing this test. For every action: the bot answers, the
sandbox rejects nothing, nothing is logged at ERROR (the autouse guard in conftest), and
no message the bot sends can ping anyone. Values no client would send (past an option's
bounds, off its choices, of the wrong type) go through the driver's forged path and must
be answered with one private sentence naming the option.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Channel, User
from confbot_dev.sandbox.rest import Upload

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ATTACHMENT = 11
# Names an attached file may have: every suffix a schedule reader knows, and one it does not.
FILE_NAMES = ("s.toml", "s.json", "s.xml", "s.ics", "s.csv", "s.bin")
# Discord's clients send integers within +-(2^53-1) and numbers within +-2^53
# (interactions/application-commands, "Application Command Option Type").
DISCORD_INTEGER_BOUND, DISCORD_NUMBER_BOUND = 2**53 - 1, 2**53
# Interaction contexts: 0 is a server, 1 the bot's DM.
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1
BUTTON, STRING_SELECT, LINK_STYLE = 2, 3, 5

# Text a hostile or careless attendee types: calendar extremes, control characters,
# pings, masked links, Discord's longest strings.
AWKWARD_TEXT = (
    "",
    " ",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "31 Feb",
    "year 1",
    "9999-12-31 23:59",
    "in 99999999 years",
    "-5",
    "99999999999999999999",
    "nan",
    "inf",
    "\x00",
    "key\x00note",
    "\x1b[31mred\x1b[0m",
    "\u202eetouq",
    "@everyone",
    "@here",
    "<@1>",
    "<@&1>",
    "<#1>",
    "[click me](https://example.invalid/)",
    "**bold** __under__ `code` ||spoiler||",
    "🙏👋🏽",
    "<:wave:123456789012345678>",
    "keynote",
    "Geoffrey Nice",
    "Europe/Paris",
    "Mars",
    "UTC+14",
    "x" * 6000,
)

text_values = st.one_of(
    st.sampled_from(AWKWARD_TEXT),
    st.text(max_size=60),
    st.lists(st.sampled_from(AWKWARD_TEXT), min_size=2, max_size=4).map(" ".join),
)


@dataclass(frozen=True)
class Leaf:
    """One invocable command path ("timezone set") with its option definitions."""

    path: str
    options: tuple[dict[str, Any], ...]
    contexts: tuple[int, ...]
    moderator_only: bool


def command_leaves(commands: list[dict[str, Any]]) -> list[Leaf]:
    """Return every slash-command path the bot registered, subcommands expanded."""
    leaves: list[Leaf] = []

    def walk(prefix: str, options: list[dict[str, Any]], top: dict[str, Any]) -> None:
        subs = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not subs:
            contexts = top.get("contexts") or [GUILD_CONTEXT, BOT_DM_CONTEXT]
            if top.get("dm_permission") is False:
                contexts = [c for c in contexts if c != BOT_DM_CONTEXT]
            leaves.append(
                Leaf(
                    prefix,
                    tuple(options),
                    tuple(contexts),
                    top.get("default_member_permissions") not in (None, ""),
                )
            )
            return
        for sub in subs:
            walk(f"{prefix} {sub['name']}", list(sub.get("options") or []), top)

    for command in commands:
        if command.get("type", 1) == 1:
            walk(command["name"], list(command.get("options") or []), command)
    return sorted(leaves, key=lambda leaf: leaf.path)


def bounded(option: dict[str, Any], low: float, high: float) -> tuple[float, float]:
    """Return the option's declared bounds (what a Discord client lets a user type)."""
    minimum = option.get("min_value")
    maximum = option.get("max_value")
    return (low if minimum is None else minimum, high if maximum is None else maximum)


def value_strategy(option: dict[str, Any], people: list[User]) -> st.SearchStrategy[Any]:
    """Return values a Discord client could send for ``option``."""
    kind = option["type"]
    choices = option.get("choices")
    if choices:
        return st.sampled_from([choice["value"] for choice in choices])
    if kind == STRING:
        low = int(option.get("min_length") or 0)
        high = int(option.get("max_length") or 6000)
        return text_values.map(lambda text: text[:high]).filter(lambda text: len(text) >= low)
    if kind == INTEGER:
        low, high = bounded(option, -DISCORD_INTEGER_BOUND, DISCORD_INTEGER_BOUND)
        edges = [edge for edge in (int(low), int(high), 0) if low <= edge <= high]
        return st.one_of(st.integers(int(low), int(high)), st.sampled_from(edges))
    if kind == NUMBER:
        low, high = bounded(option, -DISCORD_NUMBER_BOUND, DISCORD_NUMBER_BOUND)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == BOOLEAN:
        return st.booleans()
    if kind in (USER, MENTIONABLE):
        return st.sampled_from(people)
    if kind == ATTACHMENT:
        return st.builds(
            lambda data, name: Upload("file", name, data, "application/octet-stream"),
            st.one_of(st.binary(max_size=400), text_values.map(str.encode)),
            st.sampled_from(FILE_NAMES),
        )
    raise AssertionError(f"the fuzz test cannot yet generate option type {kind}: add it here")


def plain_value(option: dict[str, Any], people: list[User]) -> Any:
    """Return an ordinary value for ``option`` (its first choice, a small number, a name)."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    ordinary: dict[int, Any] = {
        STRING: "keynote",
        INTEGER: int(option.get("min_value") or 1),
        NUMBER: float(option.get("min_value") or 1),
        BOOLEAN: False,
        USER: people[0],
        MENTIONABLE: people[0],
        ATTACHMENT: Upload("file", "s.toml", b"[conference]\n", "text/plain"),
    }
    return ordinary[option["type"]]


@dataclass
class Stage:
    """The running conference and the people and places an action can use."""

    harness: ConferenceHarness
    attendee: User
    moderator: User
    general: Channel

    def people(self) -> list[User]:
        """Return users an option may name: attendees, the moderator, the bot itself."""
        server = self.harness.server
        assert server is not None
        return [*server.members.values(), self.harness.sandbox.bot_user]


def options_strategy(leaf: Leaf, stage: Stage) -> st.SearchStrategy[dict[str, Any]]:
    """Return the options of one invocation: every required one, some optional ones."""
    people = stage.people()
    parts: dict[str, st.SearchStrategy[Any]] = {}
    server = stage.harness.server
    assert server is not None
    channels = st.sampled_from(list(server.channels.values()))
    for option in leaf.options:
        if option["type"] == ROLE:
            continue  # no command takes one yet; fail loudly below if one appears
        value = channels if option["type"] == CHANNEL else value_strategy(option, people)
        parts[option["name"]] = value if option.get("required") else st.none() | value
    unsupported = [o["name"] for o in leaf.options if o["type"] == ROLE]
    assert not unsupported, f"/{leaf.path}: teach the fuzz test option types of {unsupported}"
    return st.fixed_dictionaries(parts).map(
        lambda drawn: {name: value for name, value in drawn.items() if value is not None}
    )


def assert_pings_nobody(harness: ConferenceHarness) -> None:
    """Fail if any message the bot sent or edited could ping a user, a role or everyone."""
    for record in harness.sandbox.transcript.requests():
        body = record.body
        if not isinstance(body, dict):
            continue
        message = body.get("data") if isinstance(body.get("data"), dict) else body
        if "content" not in message and "embeds" not in message:
            continue
        mentions = message.get("allowed_mentions")
        assert isinstance(mentions, dict), f"{record.route}: no allowed_mentions in {message}"
        assert mentions.get("parse") == [], f"{record.route}: parses mentions: {mentions}"
        assert not mentions.get("users"), f"{record.route}: pings users: {mentions}"
        assert not mentions.get("roles"), f"{record.route}: pings roles: {mentions}"
        assert not mentions.get("replied_user"), f"{record.route}: pings the author"


def pressable_buttons(message: dict[str, Any]) -> list[str]:
    """Return the custom_ids of the enabled, non-link buttons on a bot message."""
    return [
        component["custom_id"]
        for row in message.get("components") or []
        for component in row.get("components") or []
        if component.get("type") == BUTTON
        and component.get("style") != LINK_STYLE
        and not component.get("disabled")
        and component.get("custom_id")
    ]


def pressable_selects(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the enabled string selects on a bot message, by custom_id."""
    return {
        component["custom_id"]: component
        for row in message.get("components") or []
        for component in row.get("components") or []
        if component.get("type") == STRING_SELECT
        and not component.get("disabled")
        and component.get("options")
    }


@pytest.fixture
async def stage(seed_config: Config) -> AsyncIterator[Stage]:
    """Start the seed conference once for all of a test's generated examples."""
    async with ConferenceHarness(seed_config) as harness:
        yield Stage(
            harness,
            attendee=harness.member("alice"),
            moderator=harness.member("moderator"),
            general=harness.channel("general"),
        )
        assert harness.sandbox.rejections == [], "the bot sent requests Discord would reject"
        assert_pings_nobody(harness)


FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_every_command_answers_any_input(stage: Stage, data: st.DataObject) -> None:
    """Every command with any options, in the server or a DM, gets an answer; buttons too."""
    sandbox = stage.harness.sandbox
    leaves = command_leaves(sandbox.commands)
    assert leaves, "the bot registered no commands"
    for leaf in leaves:
        await invoke_and_press(stage, leaf, data)


async def invoke_and_press(stage: Stage, leaf: Leaf, data: st.DataObject) -> None:
    """Invoke ``leaf`` with drawn options, then press a few of the buttons it answers with."""
    sandbox = stage.harness.sandbox
    options = data.draw(options_strategy(leaf, stage), label=f"/{leaf.path}")
    in_dm = BOT_DM_CONTEXT in leaf.contexts and (
        GUILD_CONTEXT not in leaf.contexts or data.draw(st.booleans(), label="in a DM")
    )
    user = stage.moderator if leaf.moderator_only else stage.attendee
    result = await sandbox.invoke(
        user, leaf.path, options, channel=None if in_dm else stage.general
    )
    assert result.type is not None, f"/{leaf.path} got no answer"
    message = result.message
    for _ in range(3):  # press a few buttons or menus in a row, as a curious attendee would
        if message is None:
            break
        message = sandbox.world.messages.get(int(message["id"]), message)
        selects = pressable_selects(message)
        components = pressable_buttons(message) + sorted(selects)
        if not components:
            break
        custom_id = data.draw(st.sampled_from(components), label="component")
        if custom_id in selects:
            menu = selects[custom_id]
            values = [option["value"] for option in menu["options"]]
            chosen = data.draw(
                st.lists(
                    st.sampled_from(values),
                    min_size=max(1, menu.get("min_values", 1)),
                    max_size=menu.get("max_values", 1),
                    unique=True,
                ),
                label="options",
            )
            pressed = await sandbox.select(user, message, custom_id, chosen)
        else:
            pressed = await sandbox.click(user, message, custom_id)
        assert pressed.type is not None, f"{custom_id} on /{leaf.path} got no answer"
        message = pressed.message or message


async def test_every_text_option_survives_each_awkward_value(stage: Stage) -> None:
    """Each awkward text (calendar ends, NULs, pings, 6,000 characters) in each text option."""
    sandbox = stage.harness.sandbox
    failures: list[str] = []
    for leaf in command_leaves(sandbox.commands):
        user = stage.moderator if leaf.moderator_only else stage.attendee
        where = stage.general if GUILD_CONTEXT in leaf.contexts else None
        people = stage.people()
        for option in leaf.options:
            if option["type"] != STRING or option.get("choices"):
                continue
            high = int(option.get("max_length") or 6000)
            for text in AWKWARD_TEXT:
                options = {
                    other["name"]: plain_value(other, people)
                    for other in leaf.options
                    if other.get("required")
                }
                options[option["name"]] = text[:high]
                result = await sandbox.invoke(user, leaf.path, options, channel=where)
                if result.type is None:
                    failures.append(f"/{leaf.path} {option['name']}={text[:20]!r}")
    assert failures == []


@FUZZ_SETTINGS
@given(data=st.data())
async def test_every_autocomplete_offers_valid_choices(stage: Stage, data: st.DataObject) -> None:
    """Typing anything into any autocompleted option offers at most 25 valid choices."""
    sandbox = stage.harness.sandbox
    targets = [
        (leaf, option)
        for leaf in command_leaves(sandbox.commands)
        for option in leaf.options
        if option.get("autocomplete")
    ]
    assert targets, "the bot offers no autocomplete"
    leaf, option = data.draw(st.sampled_from(targets), label="option")
    typed = data.draw(text_values, label="typed")[: int(option.get("max_length") or 6000)]
    choices = await sandbox.autocomplete(
        stage.moderator if leaf.moderator_only else stage.attendee,
        leaf.path,
        {option["name"]: typed},
        focused=option["name"],
        channel=stage.general,
    )
    assert len(choices) <= 25


@FUZZ_SETTINGS
@given(text=text_values, in_dm=st.booleans())
async def test_any_question_gets_a_reply(stage: Stage, text: str, in_dm: bool) -> None:
    """Any text mentioning the bot, or any DM, gets a reply that pings nobody."""
    sandbox = stage.harness.sandbox
    content = text if in_dm else f"{sandbox.mention_bot} {text}"
    replies = await sandbox.say(
        stage.attendee,
        None if in_dm else stage.general,
        content[:2000],
        expect_reply=True,
    )
    assert replies, f"no reply to {content[:80]!r}"
    assert all("\x00" not in (reply.get("content") or "") for reply in replies)


def test_command_leaves_expand_subcommands() -> None:
    """The walker finds /timezone set (a subcommand) and keeps each leaf's options."""
    commands = [
        {
            "name": "timezone",
            "type": 1,
            "options": [
                {
                    "type": SUB_COMMAND,
                    "name": "set",
                    "options": [{"type": STRING, "name": "zone", "required": True}],
                }
            ],
        },
        {"name": "about", "type": 1, "contexts": [0], "default_member_permissions": "32"},
    ]
    leaves = command_leaves(commands)
    assert [leaf.path for leaf in leaves] == ["about", "timezone set"]
    assert leaves[0].contexts == (0,)
    assert leaves[0].moderator_only
    assert leaves[1].options[0]["name"] == "zone"


def forgeable(option: dict[str, Any]) -> bool:
    """Return whether a client keeps ``option``'s values within something a forger can pass."""
    if option["type"] in (INTEGER, NUMBER):
        return True  # a number box: a forger can always send text
    return bool(option.get("choices") or option.get("min_length") or option.get("max_length"))


def out_of_bounds(option: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return values Discord's client would not send for ``option``, each edge included."""
    kind = option["type"]
    strategies: list[st.SearchStrategy[Any]] = []
    if option.get("choices"):
        offered = [choice["value"] for choice in option["choices"]]
        strategies.append(text_values.filter(lambda text: text not in offered))
    if kind in (INTEGER, NUMBER):
        step = 1 if kind == INTEGER else 0.5
        numbers = st.integers() if kind == INTEGER else st.floats(allow_nan=False)
        low, high = option.get("min_value"), option.get("max_value")
        if low is not None:
            strategies += [st.just(low - step), numbers.filter(lambda n: n < low)]
        if high is not None:
            strategies += [st.just(high + step), numbers.filter(lambda n: n > high)]
        strategies.append(st.sampled_from(["soon", "", True]))
        if kind == INTEGER:
            strategies.append(st.just(2.5))
    if kind == STRING:
        if option.get("max_length") is not None:
            strategies.append(st.just("x" * (int(option["max_length"]) + 1)))
        if option.get("min_length"):
            strategies.append(st.just("x" * (int(option["min_length"]) - 1)))
    return st.one_of(strategies)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_every_out_of_bounds_value_gets_one_sentence(
    stage: Stage, data: st.DataObject
) -> None:
    """A forged value past any option's bounds is refused privately, naming the option."""
    sandbox = stage.harness.sandbox
    people = stage.people()
    targets = [
        (leaf, option)
        for leaf in command_leaves(sandbox.commands)
        for option in leaf.options
        if forgeable(option)
    ]
    assert targets, "no command declares bounds"
    for leaf, option in targets:
        value = data.draw(out_of_bounds(option), label=f"/{leaf.path} {option['name']}")
        options = {
            other["name"]: plain_value(other, people)
            for other in leaf.options
            if other.get("required")
        }
        options[option["name"]] = value
        user = stage.moderator if leaf.moderator_only else stage.attendee
        where = stage.general if GUILD_CONTEXT in leaf.contexts else None
        result = await sandbox.driver.invoke_forged(user, leaf.path, options, channel=where)
        assert result.ephemeral, f"/{leaf.path} {option['name']}={value!r}: not private"
        assert result.content.startswith(f"{option['name']}: "), (
            f"/{leaf.path} {option['name']}={value!r} got {result.content!r}"
        )
        assert "error code" not in result.content
