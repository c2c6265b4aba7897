"""Every service a running confbot holds, built once, opened and closed together.

:class:`Services` is the composition root: :meth:`Services.open` builds the core
(:class:`~bot.core.Core`) and each feature's service on it, in an order that does not
depend on which cogs load, and registers the features' hooks (the schedule's
followers). Cogs receive these services; they never build one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import __version__
from bot.announcements.planning import ANNOUNCEMENT
from bot.announcements.service import AnnouncementService
from bot.answers.conversation import Conversation
from bot.answers.current import CurrentSchedule
from bot.answers.profile import Profiles
from bot.channels import ChannelDirectory, NoChannels
from bot.clock import Clock
from bot.conference import ConferenceService
from bot.config import Config
from bot.core import Core
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.events import EVENT_KIND, EventMirror
from bot.events.interest import InterestSubscriber
from bot.feeds import FeedService
from bot.feeds.routes import feed_routes
from bot.moderation import ModerationLog
from bot.pictures.picture import agenda_day_png
from bot.programme.apply import ScheduleApplier
from bot.programme.live import LiveSchedule
from bot.programme.refresh import initial_schedule
from bot.programme.renderers import SCHEDULE_CHANGE_KIND, schedule_change_renderer
from bot.reminders.service import ReminderService
from bot.rendering.about import about_text
from bot.schedule.model import Session
from bot.scheduler import KeyedScheduler
from bot.speakers.heads_ups import SPEAKER_ALERT_KIND
from bot.speakers.service import SpeakerService
from bot.storage.database import Database, open_database
from bot.web import WebServer


@dataclass(slots=True)
class Services(Core):
    """The core, and the features' services built on it."""

    moderation: ModerationLog
    profiles: Profiles
    conversation: Conversation
    applier: ScheduleApplier
    live_schedule: LiveSchedule
    reminders: ReminderService
    conference: ConferenceService
    speakers: SpeakerService
    announcements: AnnouncementService
    feeds: FeedService
    events: EventMirror
    web: WebServer | None
    """The web server (feeds), or ``None`` when the config has no ``[web]``."""

    @classmethod
    async def open(
        cls, config: Config, clock: Clock, channels: ChannelDirectory | None = None
    ) -> Services:
        """Open and migrate the database, load the schedule, and build every service.

        The schedule is the last one applied (kept in the database), else the source,
        else the last good copy on disk: a source that is down does not stop the bot.

        :raises ConfigError: there is no usable schedule anywhere, or the database's
            password variable is not set.
        :raises DatabaseVersionError: the database is newer than this confbot.
        """
        database = await open_database(config.storage.database, password=config.storage.password())
        try:
            live = await initial_schedule(config, database)
        except BaseException:
            await database.close()
            raise
        current = CurrentSchedule(live, zone_override=config.guild.zone)
        scheduler = KeyedScheduler(clock)
        delivery = DeliveryEngine(
            database, scheduler, clock, DeliverySettings.from_config(config.delivery)
        )
        core = Core(config, clock, database, current, scheduler, delivery)
        return cls.build(core, channels or NoChannels())

    @classmethod
    def build(cls, core: Core, channels: ChannelDirectory) -> Services:
        """Build each feature's service on ``core`` and register their hooks.

        ``channels`` resolves configured channels once the gateway is ready (the bot).
        """
        moderation = ModerationLog(
            core.config, core.clock, core.delivery, channels, lambda: core.conference_zone
        )
        profiles = Profiles(
            core.database, core.delivery, conference_zone=lambda: core.conference_zone
        )
        reminders = ReminderService(core, channels)
        reminders.register_kinds()  # renderers of reminders, digests, room posts; DM hint
        applier = ScheduleApplier(core)
        # Followers run inside every apply's transaction, in this order.
        applier.follow(reminders.planner)
        speakers = SpeakerService(core, moderation, channels)
        core.delivery.register(SPEAKER_ALERT_KIND, speakers.render_heads_up)
        applier.follow(speakers)
        web = WebServer(core.config.web) if core.config.web is not None else None
        feeds = FeedService(
            core,
            (lambda: web.public_url) if web is not None else None,
            channels=channels,
            draw_day=lambda reader, day, sessions, now: agenda_day_png(
                core.schedule, reader, day, sessions, now
            ),
        )
        applier.follow(feeds)  # sessions' calendar versions (SEQUENCE, DTSTAMP)
        if web is not None:
            web.add_routes(feed_routes(feeds))
        events = EventMirror(core, moderation, channels, RemindersForInterest(reminders))
        core.delivery.register_action(EVENT_KIND, events.actions.perform)
        applier.follow(events)  # move, retitle or cancel the sessions' Discord events
        # "Remind me" makes a subscription Interested made the person's own; the agenda
        # links each session's Discord event.
        reminders.add_asked_hook(events.interest.claimed)
        reminders.use_event_links(events.link_now)
        live_schedule = LiveSchedule(
            core, applier=applier, channels=channels, moderation=moderation
        )
        # Subscribers' change DMs, worded at send time in each reader's zone.
        core.delivery.register(
            SCHEDULE_CHANGE_KIND,
            schedule_change_renderer(core.database, lambda: core.conference_zone),
        )
        conference = ConferenceService(core, live_schedule, moderation)
        conference.add_status_line(events.status)
        announcements = AnnouncementService(core, moderation)
        core.delivery.register(
            ANNOUNCEMENT, announcements.render, after_sent=announcements.crossposts.after_sent
        )
        conversation = Conversation(
            core.current,
            core.database,
            profiles,
            about=lambda: about_text(
                core.schedule.schedule.conference, core.conference_zone, __version__
            ),
            speaker_answerer=speakers.answer_question,
        )
        return cls(
            core.config,
            core.clock,
            core.database,
            core.current,
            core.scheduler,
            core.delivery,
            moderation=moderation,
            profiles=profiles,
            conversation=conversation,
            applier=applier,
            live_schedule=live_schedule,
            reminders=reminders,
            conference=conference,
            speakers=speakers,
            announcements=announcements,
            feeds=feeds,
            events=events,
            web=web,
        )

    async def when_ready(self, channels: ChannelDirectory) -> None:
        """Do each feature's start-up work once channels are known, before delivery starts.

        In this order, whichever cogs are loaded: speakers' heads-ups are planned; reminders
        follow what changed while the bot was down and plan room posts and digests;
        announcements' copies posted just before a stop are crossposted; the schedule
        refresh job starts (its first run fetches what changed meanwhile).
        """
        now = self.clock.now()
        await self.speakers.plan_heads_ups(now=now)
        await self.reminders.on_ready(now, channels.room_channel_ids())
        await self.announcements.crosspost_left_over()
        await self.conference.start()
        await self.events.start()

    async def start_web(self) -> None:
        """Start the web server if the config has one (it needs no gateway)."""
        if self.web is not None:
            await self.web.start()

    async def close(self) -> None:
        """Stop delivering (call ``delivery.drain()`` first to let sends land), close the rest."""
        if self.web is not None:
            await self.web.stop()
        await self.delivery.stop()
        await self.scheduler.drain()
        await self.database.close()


class RemindersForInterest(InterestSubscriber):
    """Interested on a mirrored event, as the reminders feature's subscription."""

    def __init__(self, reminders: ReminderService) -> None:
        self._reminders = reminders

    async def is_subscribed(self, user_id: int, session_id: str) -> bool:
        """Return whether the session is in the person's agenda already."""
        return await self._reminders.is_subscribed(user_id, session_id)

    async def subscribe(self, user_id: int, session: Session) -> bool:
        """Subscribe with the person's own leads; ``False`` if it has started."""
        return await self._reminders.subscribe_quietly(user_id, session)

    async def unsubscribe(self, user_id: int, session_id: str) -> None:
        """Remove the session from the agenda, cancelling its reminders."""
        await self._reminders.planner.unsubscribe(user_id, session_id)


__all__ = ["Database", "Services"]
