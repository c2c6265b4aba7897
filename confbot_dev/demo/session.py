"""Carry out the demo user's actions against the running harness and show the results."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections import deque
from datetime import datetime, timedelta
from typing import Any

from bot.answers.questions import is_text_command
from bot.timezones import to_local, zone_abbreviation
from confbot_dev.demo import script
from confbot_dev.demo.console import Output
from confbot_dev.demo.events import event_list, press_interested
from confbot_dev.demo.labels import ambiguous, matching_labels, pick_label
from confbot_dev.demo.logs import LOG_FILE
from confbot_dev.demo.options import command_names, convert_options, static_choices
from confbot_dev.demo.render import (
    CROSSPOSTED,
    LOADING,
    Style,
    render_choices,
    render_message,
    render_modal,
)
from confbot_dev.demo.viewer import Viewer
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Channel, CommandNotShown, InteractionResult, User

HELP = """\
Type a line and press Enter:
  /about                          run a slash command; options as opt:value (a value runs
                                  to the next opt:, or opt:"a: b" in double quotes)
  /timezone set zone:sydney       subcommands go before the first option
  /conference upload file:@PATH   attach a file to a file option
  :complete /timezone set zone:syd  show the autocomplete choices for the last option
  hello @confbot                  a chat message (@confbot mentions the bot)
  :as NAME                        act as another person (new names join as attendees)
  :dm | :channel NAME             type in your DM with the bot, or in a server channel
  :click LABEL                    press a button on the latest bot message that has it
                                  (the start of a long label is enough)
  :choose OPTION | OPTION         choose options in a menu ("Remind me of…") on the latest
                                  bot message that has them (the start of a label is enough)
  :submit LABEL="value" ...       fill in and submit the form the bot opened (the start of
                                  a label is enough)
  :wait 10m                       move the clock on (30s, 2h, 1h30m, 3d) and see what fell due
  :events                         the server's event list (the programme's sessions)
  :interested NAME | :uninterested NAME  press or take back Interested on an event
  :time | :help | :quit           the simulated time, this help, leave
  # comment                       ignored
Times and mentions read as your Discord client would show them, in your /timezone.
The bot's log goes to demo.log in the data directory (confbot demo --verbose: here too)."""

RECENT = 20  # bot messages remembered for :click
log = logging.getLogger(__name__)


# A :wait runs at most this many due instants one by one (then the rest at its end).
MAX_WAIT_STEPS = 10_000


class DemoSession:
    """One person at a time, somewhere in the conference server, talking to the bot."""

    def __init__(
        self, harness: ConferenceHarness, output: Output, style: Style, *, timeout: float
    ) -> None:
        self.harness = harness
        self.output = output
        self.style = style
        self.timeout = timeout
        self.user_name = "alice"
        self.channel_name: str | None = "general"
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT)
        # "confbot is thinking" messages not shown yet: their first edit is the answer.
        self._thinking: set[str] = set()
        self._modal: dict[str, Any] | None = None
        # Messages are shown in order by one task, each in the zone the acting attendee
        # has at that moment (reading it takes the database, so it cannot happen inline).
        self._arrived: asyncio.Queue[tuple[dict[str, Any], bool]] = asyncio.Queue()
        self.shown = 0  # bot messages printed so far
        self._printer = asyncio.get_running_loop().create_task(self._print_arrivals())
        self._unsubscribe = harness.sandbox.on_bot_message(self._on_bot_message)

    # -- where and who ------------------------------------------------------------------

    @property
    def user(self) -> User:
        """Return the member the demo user acts as."""
        return self.harness.member(self.user_name)

    @property
    def channel(self) -> Channel | None:
        """Return the channel the user types in (``None``: the DM with the bot)."""
        return None if self.channel_name is None else self.harness.channel(self.channel_name)

    @property
    def prompt(self) -> str:
        """Return the prompt, e.g. ``alice@#general> `` or ``alice@DM> ``."""
        where = "DM" if self.channel_name is None else f"#{self.channel_name}"
        return f"{self.user_name}@{where}> "

    async def close(self) -> None:
        """Show the messages still arriving, then stop printing the bot's messages."""
        self._unsubscribe()
        await self.flush()
        self._printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._printer

    async def flush(self) -> None:
        """Return once every bot message that arrived so far is printed."""
        if not self._printer.done():
            await self._arrived.join()

    # -- running lines ------------------------------------------------------------------

    async def run_line(self, line: str) -> bool:
        """Carry out one typed line; return ``False`` when the user asked to quit."""
        try:
            action = script.parse_line(line)
            if action is None:
                return True
            if isinstance(action, script.Quit):
                return False
            await self._run(action)
        except (script.ScriptError, TimeoutError) as error:
            self.error(str(error))
        except CommandNotShown as error:  # its hint for tests is no use here
            hidden = str(error).split(" (tests can add")[0]
            self.error(f"{hidden}; :as moderator acts as a moderator")
        except AssertionError as error:  # the sandbox driver refusing an impossible action
            self.error(str(error))
        except Exception as error:  # the demo's own last resort: one line, the details logged
            log.exception("demo line %r failed", line)
            self.error(f"unexpected {type(error).__name__}: {error} (details in {LOG_FILE})")
        await self.flush()
        return True

    async def _run(self, action: script.Action) -> None:
        match action:
            case script.Command(path, options):
                converted = convert_options(self.harness, path, options, self.channel)
                result = await self.harness.sandbox.invoke(
                    self.user, " ".join(path), converted, channel=self.channel, timeout=self.timeout
                )
                self._show_result(result)
            case script.Complete(path, options, focused):
                fixed = static_choices(self.harness, path, focused, self.channel)
                if fixed is not None:
                    typed = options[focused].casefold()
                    matching = [c for c in fixed if typed in str(c["name"]).casefold()]
                    self.output.print(render_choices(matching, self.style))
                    return
                converted = convert_options(
                    self.harness, path, options, self.channel, focused=focused
                )
                choices = await self.harness.sandbox.autocomplete(
                    self.user,
                    " ".join(path),
                    converted,
                    focused=focused,
                    channel=self.channel,
                    timeout=self.timeout,
                )
                self.output.print(render_choices(choices, self.style))
            case script.Say(text):
                await self._say(text)
            case script.SwitchUser(name):
                self.user_name = name
                self.user  # noqa: B018 - joins the server now, so the bot sees a member
            case script.GoToDm():
                self.channel_name = None
            case script.GoToChannel(name):
                self._go_to(name)
            case script.Click(label):
                await self._click(label)
            case script.Choose(labels):
                await self._choose(labels)
            case script.Submit(values):
                await self._submit(values)
            case script.Wait(delta):
                await self._wait(delta)
            case script.ShowEvents():
                self.output.print(await event_list(self.harness, self.user))
            case script.Interested(name, pressed):
                try:
                    event = await press_interested(self.harness, self.user, name, pressed=pressed)
                except LookupError as error:
                    raise script.ScriptError(str(error)) from None
                verb = "pressed" if pressed else "took back"
                self.note(f"{self.user_name} {verb} Interested on “{event.name}”")
            case script.ShowTime():
                self.note("simulated time: " + await self.describe(self.harness.clock.now()))
            case script.ShowHelp():
                commands = ", ".join(f"/{n}" for n in command_names(self.harness))
                self.output.print(f"{HELP}\nRegistered commands: {commands or 'none yet'}")

    async def _say(self, text: str) -> None:
        content = text.replace("@confbot", self.harness.sandbox.mention_bot)
        await self.harness.sandbox.say(
            self.user,
            self.channel,
            content,
            expect_reply=self._answered(text),
            timeout=self.timeout,
        )

    def _answered(self, text: str) -> bool:
        """Return whether the bot answers chat ``text``, so the demo awaits its reply.

        As the questions cog decides: a DM, a mention, or the text command prefix followed
        by a known command ("!next"); other prefixed chat ("!!!", "!foo") gets no answer.
        """
        if self.channel is None or "@confbot" in text:
            return True
        prefix = self.harness.config.bot.command_prefix
        return bool(prefix) and text.startswith(prefix) and is_text_command(text[len(prefix) :])

    def _go_to(self, name: str) -> None:
        server = self.harness.server
        if server is None or name not in server.channels:
            known = ", ".join(f"#{c}" for c in (server.channels if server else []))
            raise script.ScriptError(f"no channel #{name}; channels: {known}")
        self.channel_name = name

    async def _click(self, label: str) -> None:
        world = self.harness.sandbox.world
        for message in reversed(self._recent):
            current = world.messages.get(int(message["id"]), message)
            found = _button_label(current.get("components") or [], label)
            if found is not None:
                result = await self.harness.sandbox.click(
                    self.user, current, found, timeout=self.timeout
                )
                self._show_result(result)
                return
        labels = [
            label
            for message in reversed(self._recent)
            for label in _labels(world.messages.get(int(message["id"]), message))
        ]
        listed = ", ".join(dict.fromkeys(labels)) or "none"
        raise script.ScriptError(
            f"no recent bot message has a button {label!r} (buttons: {listed})"
        )

    async def _choose(self, labels: tuple[str, ...]) -> None:
        world = self.harness.sandbox.world
        offered: list[str] = []
        for message in reversed(self._recent):
            current = world.messages.get(int(message["id"]), message)
            for select in _selects(current.get("components") or []):
                options = select.get("options") or []
                values = [_option_value(options, label) for label in labels]
                if all(value is not None for value in values):
                    result = await self.harness.sandbox.select(
                        self.user,
                        current,
                        str(select["custom_id"]),
                        [str(value) for value in dict.fromkeys(values)],
                        timeout=self.timeout,
                    )
                    self._show_result(result)
                    return
                offered += [str(option.get("label")) for option in options]
        listed = ", ".join(dict.fromkeys(offered)) or "none"
        raise script.ScriptError(
            f"no recent bot message has a menu with {' | '.join(labels)!r} (options: {listed})"
        )

    async def _submit(self, values: dict[str, str]) -> None:
        if self._modal is None:
            raise script.ScriptError("no form is open; a command or a button opens one")
        fields = _field_labels(self._modal)
        named = {pick_label(typed, fields, "field"): value for typed, value in values.items()}
        if len(named) < len(values):
            raise script.ScriptError(f"a field is given twice (fields: {', '.join(fields)})")
        modal, self._modal = self._modal, None
        result = await self.harness.sandbox.submit_modal(
            self.user, modal, named, timeout=self.timeout
        )
        self._show_result(result)

    async def _wait(self, delta: timedelta) -> None:
        clock = self.harness.clock
        target = script.reachable(clock.now(), delta)
        self.note(f"waited {script.format_duration(delta)}: now {await self.describe(target)}")
        before = self.shown
        await self._step_to(target)
        reached = clock.set(target)
        await self._settle(reached)
        await self.flush()
        due = self.shown - before
        self.note("nothing due" if due == 0 else f"{due} message{'s' * (due != 1)} fell due")

    async def _step_to(self, target: datetime) -> None:
        """Move the clock through each job due before ``target``, as time would pass.

        Jumping straight to ``target`` would run a 15:55 room post at 16:00 and word it
        "starting now"; stepping runs each job at its own instant.
        """
        bot = self.harness.bot
        if bot is None:
            return
        clock = self.harness.clock
        for _ in range(MAX_WAIT_STEPS):
            upcoming = bot.services.scheduler.next_job_at()
            if upcoming is None or upcoming > target:
                return
            await self._settle(clock.set(max(upcoming, clock.now())))

    async def _settle(self, until: datetime) -> None:
        bot = self.harness.bot
        if bot is None:
            return
        try:
            await asyncio.wait_for(bot.services.scheduler.settle(until), self.timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot's scheduled work did not finish within {self.timeout:g}s"
            ) from None

    # -- output -------------------------------------------------------------------------

    def _show_result(self, result: InteractionResult) -> None:
        if result.modal is not None:
            self._modal = result.modal
            self.output.print(render_modal(result.modal, self.style))
        elif result.choices is not None:
            self.output.print(render_choices(result.choices, self.style))
        elif result.message is None:
            self.note("(the bot answered without a message)")

    async def show(self, messages: list[dict[str, Any]]) -> None:
        """Show bot messages sent before this session listened (as they are now)."""
        for message in messages:
            self._on_bot_message(message, edited=False)
        await self.flush()

    def _on_bot_message(self, message: dict[str, Any], edited: bool) -> None:
        flags = int(message.get("flags") or 0)
        if flags & LOADING and not edited:
            self._thinking.add(str(message["id"]))
            return  # "confbot is thinking": shown once the bot edits in its answer
        if edited and str(message["id"]) in self._thinking:
            self._thinking.discard(str(message["id"]))
            edited = False  # the client shows the answer in place of "thinking…"
        self._recent.append(message)
        self._arrived.put_nowait((dict(message), edited))

    async def _print_arrivals(self) -> None:
        while True:
            message, edited = await self._arrived.get()
            try:
                where = self.locate(int(message["channel_id"]))
                if edited and _only_published(message):
                    self.note(f"confbot published its message in {where}: following servers get it")
                    continue
                viewer = await self.viewer()
                self.output.print(render_message(message, where, self.style, viewer, edited=edited))
                self.shown += 1
            except Exception as error:  # one unreadable message must not silence the rest
                log.exception("could not show message %s", message.get("id"))
                self.error(f"could not show a message: {error} (details in {LOG_FILE})")
            finally:
                self._arrived.task_done()

    async def viewer(self) -> Viewer:
        """Return how the acting attendee's Discord client shows things right now."""
        now = self.harness.clock.now()
        bot = self.harness.bot
        try:
            reader = await bot.reader(self.user.id) if bot is not None else None
        except (RuntimeError, ValueError, sqlite3.Error):  # closing: its database is gone
            reader = None
        if reader is None:
            return Viewer(self.conference_zone, now, names=self.name_of)
        return Viewer(reader.zone, now, reader.clock, names=self.name_of)

    def name_of(self, kind: str, identifier: int) -> str | None:
        """Return the name a client shows for a user, role or channel id (``None``: unknown)."""
        world = self.harness.sandbox.world
        if kind == "user":
            user = world.users.get(identifier)
            return (user.global_name or user.username) if user is not None else None
        if kind == "role":
            roles = (role for guild in world.guilds.values() for role in guild.roles)
            return next((role.name for role in roles if role.id == identifier), None)
        channel = world.channels.get(identifier)
        return channel.name if channel is not None and not channel.is_dm else None

    def locate(self, channel_id: int) -> str:
        """Return where a channel is, for people: ``#general`` or ``DM to alice``."""
        channel = self.harness.sandbox.world.channels.get(channel_id)
        if channel is None:
            return f"channel {channel_id}"
        if channel.is_dm:
            return f"DM to {channel.recipient.username if channel.recipient else '?'}"
        return f"#{channel.name}"

    async def describe(self, instant: datetime) -> str:
        """Return ``instant`` in UTC and in the acting attendee's zone (the conference's if unset).

        The time is the simulated one: "Wed 24 Feb 2021 13:10:00 UTC = Wed 24 Feb 08:10:00
        EST (America/New_York)".
        """
        zone = (await self.viewer()).zone
        local = to_local(instant, zone)
        return (
            f"{instant:%a %d %b %Y %H:%M:%S} UTC"
            f" = {local:%a %d %b %Y %H:%M:%S} {zone_abbreviation(instant, zone)} ({zone})"
        )

    @property
    def conference_zone(self) -> str:
        """Return the conference's IANA zone."""
        bot = self.harness.bot
        return bot.services.conference_zone if bot is not None else "UTC"

    def note(self, text: str) -> None:
        """Print a line from the demo itself (not from the bot)."""
        self.output.print(self.style.dim(text))

    def error(self, text: str) -> None:
        """Print one line saying what went wrong; the session goes on."""
        text = text.removeprefix("sandbox: ").replace(self.harness.sandbox.mention_bot, "@confbot")
        text = " ".join(text.splitlines())  # one line, whatever the error said
        self.output.print(self.style.error(f"error: {text}"))


def _buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    buttons: list[dict[str, Any]] = []
    stack = list(components)
    while stack:
        comp = stack.pop(0)
        if comp.get("type") == 2:
            buttons.append(comp)
        stack.extend(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                stack.append(comp[key])
    return buttons


def _only_published(message: dict[str, Any]) -> bool:
    """Return whether an update of ``message`` only published it (a crosspost, no edit)."""
    flags = int(message.get("flags") or 0)
    return bool(flags & CROSSPOSTED) and message.get("edited_timestamp") is None


def _selects(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the string selects among ``components`` (type 3), in order."""
    found: list[dict[str, Any]] = []
    stack = list(components)
    while stack:
        comp = stack.pop(0)
        if comp.get("type") == 3 and "custom_id" in comp:
            found.append(comp)
        stack.extend(comp.get("components") or [])
    return found


def _option_value(options: list[dict[str, Any]], typed: str) -> str | None:
    """Return the value of the option ``typed`` names: its label, else a unique label prefix.

    :raises ScriptError: ``typed`` starts several of the options' labels.
    """
    found = matching_labels(typed, [str(option.get("label", "")) for option in options])
    if len(found) > 1:
        raise ambiguous(typed, found, "option")
    return next((str(o["value"]) for o in options if found and o.get("label") == found[0]), None)


def _field_labels(modal: dict[str, Any]) -> list[str]:
    """Return the labels of a modal's text inputs, in order (rows or label components)."""
    labels: list[str] = []
    for comp in modal.get("components") or []:
        if comp.get("type") == 1:
            labels += [
                str(c.get("label")) for c in comp.get("components") or [] if c.get("type") == 4
            ]
        elif comp.get("type") == 18 and (comp.get("component") or {}).get("type") == 4:
            labels.append(str(comp.get("label")))
    return labels


def _labels(message: dict[str, Any]) -> list[str]:
    return [str(b["label"]) for b in _buttons(message.get("components") or []) if b.get("label")]


def _button_label(components: list[dict[str, Any]], typed: str) -> str | None:
    """Return the button ``typed`` names: its custom_id, label or a unique label prefix.

    :raises ScriptError: ``typed`` starts several of the buttons' labels.
    """
    buttons = _buttons(components)
    for button in buttons:
        if typed == button.get("custom_id"):
            return str(button.get("label") or button.get("custom_id"))
    found = matching_labels(typed, [str(b["label"]) for b in buttons if b.get("label")])
    if len(found) > 1:
        raise ambiguous(typed, found, "button")
    return found[0] if found else None
