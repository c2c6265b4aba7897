"""Reminders and the personal agenda: ``/remind``, ``/forget``, ``/agenda``, ``/reminders``.

Thin: the planner (``bot/reminders/planner.py``) writes outbox rows, the texts and the
calendar come from ``bot/reminders/``. Buttons carry their session in the custom_id
(``discord.ui.DynamicItem``), so "Remind me" on a week-old card still works after a
restart.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.schedule_answers import ScheduleAnswers
from bot.app import Confbot
from bot.delivery import RenderContext, Skip
from bot.errors import NotFoundError, UserError
from bot.interaction_errors import defer_ephemeral
from bot.reminders.agenda import agenda_reply
from bot.reminders.calendar import calendar_bytes, calendar_filename
from bot.reminders.leads import leads_text, parse_digest_time, parse_leads
from bot.reminders.planner import DIGEST, REMINDER, ROOM_POST
from bot.reminders.texts import digest_text, reminder_text, room_post_text
from bot.rendering.cards import MESSAGE_LIMIT, Reply
from bot.rendering.outgoing import ButtonSpec, OutgoingMessage
from bot.rendering.pages import Answer, first_reply
from bot.rendering.sessions import session_card, title_of, when
from bot.rendering.text import human_join, neutralise, plural, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session, Track
from bot.storage.repositories.outbox import OutboxItem
from bot.timezones import discord_timestamp, format_time, local_day
from cogs.choices import choices, session_choices, track_choices
from cogs.embeds import message_arguments
from cogs.views import (
    PREFIX,
    ListQuery,
    PersistentView,
    answer_button_failure,
    id_from_custom_id,
    id_in_custom_id,
    install_page_buttons,
    page_buttons,
)

log = logging.getLogger(__name__)

# Said once to each attendee whose reminder had to be a mention (their DMs are closed).
FALLBACK_HINT = (
    "You get this here because your DMs are closed to this server's members: allow direct "
    "messages from this server (its Privacy Settings), or choose /reminders settings "
    "delivery: Mention in the room's channel."
)
# The agenda's page buttons answer this list kind (``ListQuery.kind``).
AGENDA_LIST = "agenda"
# "Stop" buttons under the agenda: the next sessions, one row of Discord's five.
AGENDA_STOP_BUTTONS = 5


def _session_or_expired(bot: Confbot, token: str) -> Session:
    """Return the session a button's id token names (a long id travels as a digest)."""
    index = bot.services.schedule
    session_id = id_from_custom_id(token, (session.id for session in index.sessions))
    session = index.session(session_id) if session_id is not None else None
    if session is None:
        raise NotFoundError("That session is no longer in the schedule.")
    return session


# The base is never registered: its template matches nothing.
class _SessionAction(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A button about one session whose custom_id is ``{ID_PREFIX}{session id}``."""

    ID_PREFIX = ""
    LABEL = ""
    EMOJI: str | None = None
    STYLE = discord.ButtonStyle.secondary

    def __init__(self, session_id: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(label or self.LABEL, 80),
                emoji=self.EMOJI,
                style=self.STYLE,
                custom_id=id_in_custom_id(self.ID_PREFIX, session_id),
            )
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> _SessionAction:
        """Rebuild the button from its custom_id (any message, even after a restart)."""
        return cls(match["session"])


class RemindButton(_SessionAction, template=rf"{PREFIX}:remind:(?P<session>.+)"):
    """The "Remind me" button of a session card: adds it to the presser's agenda."""

    ID_PREFIX, LABEL, EMOJI = f"{PREFIX}:remind:", "Remind me", "⏰"
    STYLE = discord.ButtonStyle.success

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Subscribe the presser, or offer "Stop reminding" if they already are."""
        await _pressed(
            interaction, lambda cog: cog.remind_from_button(interaction, self.session_id)
        )


class StopButton(_SessionAction, template=rf"{PREFIX}:unremind:(?P<session>.+)"):
    """The "Stop reminding" button for one session (on a reminder, after "Remind me")."""

    ID_PREFIX, LABEL = f"{PREFIX}:unremind:", "Stop reminding"

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Remove the session from the presser's agenda."""
        await _pressed(interaction, lambda cog: cog.forget_session(interaction, self.session_id))


class CalendarButton(_SessionAction, template=rf"{PREFIX}:ics:(?P<session>.+)"):
    """The "Add to calendar" button: the session as an .ics file."""

    ID_PREFIX, LABEL, EMOJI = f"{PREFIX}:ics:", "Add to calendar", "📅"

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Send the session's .ics, privately."""
        await _pressed(
            interaction, lambda cog: cog.send_session_calendar(interaction, self.session_id)
        )


REMIND_PICK = f"{PREFIX}:remind-pick"
# Discord's limit on a select's options.
SELECT_OPTIONS = 25


def _pick_option(session: Session, index: ScheduleIndex) -> discord.SelectOption:
    """Return a session as an option: its title, its room and speakers beneath."""
    room = index.room(session.room_id or "")
    speakers = [s.name for speaker_id in session.speaker_ids if (s := index.speaker(speaker_id))]
    about = " · ".join(part for part in (room.name if room else "", human_join(speakers)) if part)
    return discord.SelectOption(
        label=truncate(session.title, 100) or session.id[:100],
        value=id_in_custom_id("", session.id),
        description=truncate(about, 100) or None,
    )


class RemindSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=REMIND_PICK):
    """ "Remind me of…" under a list page or a speaker card: one or more of its sessions.

    The options' values are the sessions (long ids as digests); a press after a restart
    is rebuilt from the custom_id and the chosen values alone.
    """

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        options = options or []
        super().__init__(
            discord.ui.Select(
                custom_id=REMIND_PICK,
                placeholder="⏰ Remind me of…",
                min_values=1,
                max_values=max(1, len(options)),
                options=options,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RemindSelect:
        """Rebuild the select (discord.py fills in the chosen values afterwards)."""
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Subscribe the chooser to each chosen session."""
        chosen = list(self.item.values)
        await _pressed(interaction, lambda cog: cog.remind_from_select(interaction, chosen))


async def _pressed(
    interaction: discord.Interaction[Any], action: Callable[[Reminders], Awaitable[None]]
) -> None:
    """Run a button's action on the loaded cog; a failure gets one sentence, or a code.

    Dynamic items are answered outside any view of ours, so their errors would
    otherwise only reach discord.py's log and leave the press unanswered.
    """
    try:
        cog = interaction.client.get_cog("Reminders")
        if not isinstance(cog, Reminders):
            raise UserError("Reminders are not available right now.")
        await action(cog)
    except Exception as error:  # discord.py would only log it: the user gets a sentence
        await answer_button_failure(interaction, error)


class Reminders(commands.Cog):
    """Reminders before chosen sessions, the agenda, digests and room posts."""

    agenda = app_commands.Group(name="agenda", description="Your own programme")
    tracks = app_commands.Group(
        name="tracks",
        description="Follow a track: get pinged when its sessions start",
        guild_only=True,
    )
    settings_group = app_commands.Group(name="reminders", description="How you are reminded")

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.planner = bot.services.reminders

    @property
    def answers(self) -> ScheduleAnswers:
        """Return the answers of the schedule in use (a refresh swaps it)."""
        return self.bot.services.answers

    async def cog_load(self) -> None:
        """Register the renderers and buttons; follow schedule changes; plan room posts."""
        delivery = self.bot.services.delivery
        delivery.fallback.hint = FALLBACK_HINT
        delivery.register(REMINDER, self.render_reminder)
        delivery.register(DIGEST, self.render_digest)
        delivery.register(ROOM_POST, self.render_room_post)
        self.bot.add_dynamic_items(RemindButton, StopButton, CalendarButton, RemindSelect)
        await install_page_buttons(self.bot)
        self.bot.answer_hooks.add_list_source(self.reopen_list)
        self.bot.answer_hooks.add_extras(self.session_buttons)
        self.bot.when_ready(self._plan_when_ready)

    async def cog_unload(self) -> None:
        """Stop rendering (rows stay planned) and forget the buttons."""
        for kind in (REMINDER, DIGEST, ROOM_POST):
            self.bot.services.delivery.unregister(kind)
        self.bot.remove_dynamic_items(RemindButton, StopButton, CalendarButton, RemindSelect)
        self.bot.answer_hooks.remove_list_source(self.reopen_list)
        self.bot.answer_hooks.remove_extras(self.session_buttons)

    async def _plan_when_ready(self) -> None:
        """Follow schedule changes, plan room posts and digests once channels are known."""
        now = self.bot.clock.now()
        rooms = self.bot.room_channel_ids()
        await self.planner.follow_schedule(now=now, room_channels=rooms)
        await self.planner.plan_room_posts(rooms, now=now)
        for profile in await self.bot.services.database.users.with_digest():
            reader = await self.bot.reader(profile.user_id)
            await self.planner.plan_digests(profile.user_id, zone=reader.zone, now=now)

    # -- autocomplete -----------------------------------------------------------------

    async def session_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer sessions by title or speaker, upcoming first."""
        return session_choices(self.bot.services.search, current, self.bot.clock.now())

    async def agenda_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the sessions on the user's agenda whose title contains what was typed."""
        wanted = current[:100].casefold()
        index = self.bot.services.schedule
        pairs = [
            (session.title, session.id)
            for subscription in await self.bot.services.database.subscriptions.for_user(
                interaction.user.id
            )
            if (session := index.session(subscription.session_id)) is not None
            and wanted in session.title.casefold()
        ]
        return choices(pairs)

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(name="remind", description="Get a reminder before a session")
    @app_commands.describe(
        session="The session (title or speaker)",
        minutes_before="How long before it starts (default: your /reminders settings)",
    )
    @app_commands.autocomplete(session=session_autocomplete)
    async def remind(
        self,
        interaction: discord.Interaction,
        session: str,
        minutes_before: app_commands.Range[int, 0, 1440] | None = None,
    ) -> None:
        """Add a session to the agenda and queue its reminders."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = self._find(session)
        await self._subscribe(interaction, found, minutes_before)

    @app_commands.command(name="forget", description="Stop the reminders for a session")
    @app_commands.describe(session="A session on your agenda")
    @app_commands.autocomplete(session=agenda_autocomplete)
    async def forget(self, interaction: discord.Interaction, session: str) -> None:
        """Remove a session from the agenda."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.forget_session(interaction, self._find(session).id)

    @agenda.command(name="show", description="Your sessions in your time zone")
    async def agenda_show(self, interaction: discord.Interaction) -> None:
        """Show the user's sessions by local day, overlaps marked, the next one counted down.

        The next few sessions get a "Stop" button each, like /forget.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        answer = await self._agenda_answer(interaction.user.id, now)
        upcoming = [s for s in await self._agenda(interaction.user.id) if s.start > now]
        upcoming.sort(key=lambda session: (session.start, session.id))
        query = ListQuery(AGENDA_LIST, now, ())
        items = page_buttons(self.bot, answer, interaction.user.id, query, 0)
        items += [
            StopButton(session.id, f"Stop: {session.title}")
            for session in upcoming[:AGENDA_STOP_BUTTONS]
        ]
        reply = first_reply(answer)
        arguments = message_arguments(reply)
        if items:
            arguments["view"] = PersistentView(items)
        await interaction.followup.send(ephemeral=True, **arguments)

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer the presser's agenda again, for its page buttons (after restarts too)."""
        if query.kind != AGENDA_LIST:
            return None
        return await self._agenda_answer(interaction.user.id, query.at)

    async def _agenda_answer(self, user_id: int, now: datetime) -> Answer:
        reader = await self.bot.reader(user_id)
        sessions = await self._agenda(user_id)
        return agenda_reply(sessions, self.bot.services.schedule, reader, now=now)

    @agenda.command(name="export", description="Your agenda as a calendar file (.ics)")
    async def agenda_export(self, interaction: discord.Interaction) -> None:
        """Attach agenda.ics with every session on the agenda and an alarm at each lead."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        sessions = await self._agenda(interaction.user.id)
        if not sessions:
            raise UserError("Your agenda is empty: add sessions with /remind first.")
        leads = await self.planner.leads_for(interaction.user.id)
        data = calendar_bytes(
            sessions, self.bot.services.schedule, leads=leads, now=self.bot.clock.now()
        )
        await interaction.followup.send(
            f"Your agenda: {plural(len(sessions), 'session')}. Open the file to add it to your"
            " calendar.",
            file=discord.File(io.BytesIO(data), filename=calendar_filename(None)),
            ephemeral=True,
        )

    @settings_group.command(name="settings", description="Leads, delivery and morning digest")
    @app_commands.describe(
        leads="Minutes before each session, e.g. “60, 10”",
        delivery="A direct message, or a mention in the session's room channel",
        digest="A morning DM with your day's agenda at this local time (e.g. 08:00), or “off”",
    )
    @app_commands.choices(
        delivery=[
            app_commands.Choice(name="Direct message", value="dm"),
            app_commands.Choice(name="Mention in the room's channel", value="channel"),
        ]
    )
    async def reminders_settings(
        self,
        interaction: discord.Interaction,
        leads: str | None = None,
        delivery: str | None = None,
        digest: str | None = None,
    ) -> None:
        """Change (or show) how the user is reminded."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = interaction.user.id
        database = self.bot.services.database
        now = self.bot.clock.now()
        parsed_leads = parse_leads(leads) if leads is not None else None
        digest_time = parse_digest_time(digest) if digest is not None else None
        if parsed_leads is not None:
            await database.users.set_reminder_leads(user_id, parsed_leads)
        if delivery is not None:
            await database.users.set_delivery(user_id, "channel" if delivery == "channel" else "dm")
        if parsed_leads is not None or delivery is not None:
            await self.planner.replan_user(
                user_id, now=now, room_channels=self.bot.room_channel_ids()
            )
        if digest is not None:
            await database.users.set_digest_time(
                user_id, None if digest_time is None else f"{digest_time:%H:%M}"
            )
            reader = await self.bot.reader(user_id)
            await self.planner.plan_digests(user_id, zone=reader.zone, now=now)
        await interaction.followup.send(await self._settings_text(user_id), ephemeral=True)

    async def track_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the schedule's tracks matching what was typed."""
        return track_choices(self.bot.services.schedule, current)

    @tracks.command(name="follow", description="Get pinged when this track's sessions start")
    @app_commands.describe(track="The track to follow")
    @app_commands.autocomplete(track=track_autocomplete)
    async def tracks_follow(self, interaction: discord.Interaction, track: str) -> None:
        """Give the member the track's role, which its "starting soon" posts ping."""
        await defer_ephemeral(interaction)
        found = self._track(track)
        role = await self._role_to_hand_out(interaction, found)
        await self._change_roles(interaction, role, add=True)
        await interaction.followup.send(
            f"You now follow **{neutralise(found.name)}**: each of its sessions' “starting "
            f"soon” post pings {role.mention}. /tracks unfollow stops it.",
            ephemeral=True,
        )

    @tracks.command(name="unfollow", description="Stop the pings for this track")
    @app_commands.describe(track="The track to stop following")
    @app_commands.autocomplete(track=track_autocomplete)
    async def tracks_unfollow(self, interaction: discord.Interaction, track: str) -> None:
        """Take the track's role away."""
        await defer_ephemeral(interaction)
        found = self._track(track)
        role = self.track_role(found.id)
        member = interaction.user
        if role is None or not isinstance(member, discord.Member) or role not in member.roles:
            raise UserError(f"You don't follow **{neutralise(found.name)}**.")
        await self._change_roles(interaction, role, add=False)
        await interaction.followup.send(
            f"You no longer follow **{neutralise(found.name)}**.", ephemeral=True
        )

    def track_role(self, track_id: str) -> discord.Role | None:
        """Return the role that follows ``track_id`` (configured, or "Track: <name>")."""
        track = self.bot.services.schedule.track(track_id)
        configured = self.bot.services.config.tracks.roles.get(track_id)
        for guild in self.bot.guilds:
            if isinstance(configured, int):
                role = guild.get_role(configured)
            elif configured is not None:
                role = discord.utils.get(guild.roles, name=configured)
            else:
                role = (
                    discord.utils.get(guild.roles, name=_track_role_name(track.name))
                    if track
                    else None
                )
            if role is not None:
                return role
        return None

    def _track(self, text: str) -> Track:
        index = self.bot.services.schedule
        found = index.track(self.answers.track_id(text))
        if found is None:
            raise NotFoundError("That track is no longer in the schedule.")
        return found

    async def _role_to_hand_out(
        self, interaction: discord.Interaction, track: Track
    ) -> discord.Role:
        role = self.track_role(track.id)
        if role is not None:
            return role
        if interaction.guild is None or not self.bot.services.config.tracks.create_roles:
            raise UserError("This track has no role to follow yet: ask the organisers to set one.")
        try:
            return await interaction.guild.create_role(
                name=_track_role_name(track.name),
                mentionable=True,
                reason="an attendee followed the track",
            )
        except discord.Forbidden:
            raise UserError(
                "I may not create track roles here: the organisers need to give me the "
                "Manage Roles permission (or map the track to a role)."
            ) from None

    async def _change_roles(
        self, interaction: discord.Interaction, role: discord.Role, *, add: bool
    ) -> None:
        member = interaction.user
        if not isinstance(member, discord.Member):
            raise UserError("Tracks can only be followed in the conference server.")
        try:
            if add:
                await member.add_roles(role, reason="followed a track")
            else:
                await member.remove_roles(role, reason="unfollowed a track")
        except discord.Forbidden:
            raise UserError(
                f"I may not hand out {role.mention}: my role must be above it and have "
                "Manage Roles. Please tell the organisers."
            ) from None

    # -- what buttons call ------------------------------------------------------------

    async def remind_from_button(self, interaction: discord.Interaction, session_id: str) -> None:
        """Subscribe from "Remind me"; if already subscribed, offer "Stop reminding"."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = _session_or_expired(self.bot, session_id)
        existing = await self.bot.services.database.subscriptions.get(
            interaction.user.id, session.id
        )
        if existing is not None:
            view = PersistentView([StopButton(session.id)])
            await interaction.followup.send(
                f"You already get reminders for **{title_of(session)}**.",
                view=view,
                ephemeral=True,
            )
            return
        await self._subscribe(interaction, session, None)

    async def remind_from_select(self, interaction: discord.Interaction, tokens: list[str]) -> None:
        """Subscribe to each session chosen in "Remind me of…"; say what was done, once."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = interaction.user.id
        chosen: list[Session] = []
        gone = 0
        for token in dict.fromkeys(tokens):
            try:
                chosen.append(_session_or_expired(self.bot, token))
            except NotFoundError:
                gone += 1
        lines: list[str] = []
        subscriptions = self.bot.services.database.subscriptions
        added = False
        on_agenda: list[Session] = []
        for session in chosen:
            if await subscriptions.get(user_id, session.id) is not None:
                lines.append(f"You already get reminders for **{title_of(session)}**.")
            elif session.start <= self.bot.clock.now():  # the menu is older than its start
                lines.append(f"**{title_of(session)}** has already started: nothing to remind.")
                continue
            else:
                lines.append(await self._subscribed_text(user_id, session, None))
                added = True
            on_agenda.append(session)
        if gone:
            lines.append(
                f"{plural(gone, 'session')} you chose {'is' if gone == 1 else 'are'} no longer "
                "in the schedule."
            )
        stops = [StopButton(session.id, f"Stop: {session.title}") for session in on_agenda]
        # Read before answering: once answered, the bot may be stopping (nothing may wait).
        by_dm = added and await self.planner.delivery_for(user_id) == "dm"
        await interaction.followup.send(
            truncate("\n".join(lines), MESSAGE_LIMIT),
            view=PersistentView(stops[:SELECT_OPTIONS]) if stops else discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if by_dm:
            self.bot.services.delivery.open_dm_channel_soon(user_id)

    async def forget_session(self, interaction: discord.Interaction, session_id: str) -> None:
        """Remove one session from the agenda and say so."""
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        session = _session_or_expired(self.bot, session_id)
        removed = await self.planner.unsubscribe(interaction.user.id, session.id)
        text = (
            f"Done: no more reminders for **{title_of(session)}**."
            if removed
            else f"**{title_of(session)}** was not on your agenda."
        )
        await interaction.followup.send(text, ephemeral=True)

    async def send_session_calendar(
        self, interaction: discord.Interaction, session_id: str
    ) -> None:
        """Answer "Add to calendar" with the session's .ics file."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = _session_or_expired(self.bot, session_id)
        leads = await self.planner.leads_for(interaction.user.id)
        data = calendar_bytes(
            [session], self.bot.services.schedule, leads=leads, now=self.bot.clock.now()
        )
        await interaction.followup.send(
            f"**{title_of(session)}**: open the file to add it to your calendar.",
            file=discord.File(io.BytesIO(data), filename=calendar_filename(session)),
            ephemeral=True,
        )

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Add "Remind me" and "Add to calendar" to a card about one session ahead, and
        "Remind me of…" to a list page or a speaker card with sessions ahead."""
        index, now = self.bot.services.schedule, self.bot.clock.now()
        session = index.session(reply.session_id or "")
        if session is not None:
            if session.start <= now:
                return []
            return [RemindButton(session.id), CalendarButton(session.id)]
        listed = [found for id_ in reply.listed_session_ids if (found := index.session(id_))]
        for speaker_id in reply.speaker_ids:
            listed.extend(index.sessions_by_speaker(speaker_id))
        ahead = list({s.id: s for s in listed if s.start > now}.values())[:SELECT_OPTIONS]
        if not ahead:
            return []
        return [RemindSelect([_pick_option(found, index) for found in ahead])]

    # -- outbox renderers ---------------------------------------------------------------

    async def render_reminder(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Return a reminder, rendered now (late sends say they are late), with its buttons.

        A reminder to a room channel (delivery "channel") pings that attendee only.

        :raises Skip: the session left the schedule.
        """
        session = self.bot.services.schedule.session(str(item.payload.get("session_id")))
        if session is None:
            raise Skip("the session left the schedule")
        user_id = item.target_user_id or 0
        # Read in a channel by many (a closed-DM fallback): the conference's clocks.
        reader = await self.bot.reader(user_id if context.audience == "dm" else 0)
        text = reminder_text(
            session,
            self.bot.services.schedule,
            reader,
            now=context.now,
            room_channel_id=self.bot.room_channel_ids().get(session.room_id or ""),
        )
        buttons = (
            ButtonSpec("Stop reminders for this session", StopButton(session.id).custom_id),
            ButtonSpec("Open session", id_in_custom_id(f"{PREFIX}:session:", session.id)),
        )
        if item.target_channel_id is not None:
            return OutgoingMessage(
                f"<@{user_id}> {text}", mention_user_ids=(user_id,), buttons=buttons
            )
        return OutgoingMessage(text, buttons=buttons)

    async def render_digest(self, item: OutboxItem, context: RenderContext) -> str:
        """Return the morning digest of the user's sessions on that local day.

        :raises Skip: nothing on the agenda that day (no empty digests).
        """
        user_id = item.target_user_id or 0
        reader = await self.bot.reader(user_id)
        day = date.fromisoformat(str(item.payload.get("day")))
        sessions = [
            session
            for session in await self._agenda(user_id)
            if local_day(session.start, reader.zone) == day
        ]
        if not sessions:
            raise Skip("nothing on the agenda that day")
        return digest_text(day, sessions, self.bot.services.schedule, reader, now=context.now)

    async def render_room_post(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Return a room channel's "starting soon" post with the session card.

        Followers of the session's track are pinged through its role, and nobody else.

        :raises Skip: the session left the schedule.
        """
        index = self.bot.services.schedule
        session = index.session(str(item.payload.get("session_id")))
        if session is None:
            raise Skip("the session left the schedule")
        text = room_post_text(session, index, now=context.now)
        card = session_card(session, index, await self.bot.reader(0))
        role = self.track_role(session.track_id) if session.track_id else None
        if role is None:
            return OutgoingMessage(text, cards=(card,))
        return OutgoingMessage(f"{role.mention} {text}", cards=(card,), mention_role_ids=(role.id,))

    # -- helpers ---------------------------------------------------------------------------

    def _find(self, text: str) -> Session:
        """Return the session an option names (autocomplete sends its id).

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        return self.bot.services.schedule.session(text) or self.answers.find_session(
            text, self.bot.clock.now()
        )

    async def _agenda(self, user_id: int) -> list[Session]:
        index = self.bot.services.schedule
        return [
            session
            for subscription in await self.bot.services.database.subscriptions.for_user(user_id)
            if (session := index.session(subscription.session_id)) is not None
        ]

    async def _subscribe(
        self, interaction: discord.Interaction, session: Session, lead: int | None
    ) -> None:
        text = await self._subscribed_text(interaction.user.id, session, lead)
        view = PersistentView([StopButton(session.id)])
        by_dm = await self.planner.delivery_for(interaction.user.id) == "dm"
        await interaction.followup.send(text, view=view, ephemeral=True)
        if by_dm:
            # Open the DM channel now, paced, so the fan-out later costs one request per DM.
            self.bot.services.delivery.open_dm_channel_soon(interaction.user.id)

    async def _subscribed_text(self, user_id: int, session: Session, lead: int | None) -> str:
        """Subscribe ``user_id`` to ``session``; return the sentence saying when they hear."""
        outcome = await self.planner.subscribe(
            user_id,
            session,
            lead=lead,
            now=self.bot.clock.now(),
            room_channel_id=self.bot.room_channel_ids().get(session.room_id or ""),
        )
        reader = await self.bot.reader(user_id)
        times = ", ".join(format_time(due, reader.zone, clock=reader.clock) for due in outcome.due)
        verb = "I'll remind you" if outcome.added else "Updated: I'll remind you"
        return (
            f"{verb} about **{title_of(session)}** ({when(session, reader)}, "
            f"{discord_timestamp(session.start, 'R')}) at {times}."
        )

    async def _settings_text(self, user_id: int) -> str:
        chosen = await self.planner.preferences(user_id)
        leads, digest = chosen.leads, chosen.digest_time
        where = "a direct message" if chosen.delivery == "dm" else "a mention in the room's channel"
        morning = f"a morning digest at {digest} your time" if digest else "no morning digest"
        return f"Reminders {leads_text(leads)} each session, by {where}; {morning}."


def _track_role_name(track_name: str) -> str:
    """Return the name of the role that follows a track (roles are at most 100 characters)."""
    return f"Track: {track_name}"[:100]


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Reminders(bot))
