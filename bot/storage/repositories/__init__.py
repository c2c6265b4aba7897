"""One repository per table; each method is one intention, with aware-UTC datetimes."""

from bot.storage.repositories.announcements import (
    Announcement,
    AnnouncementRepository,
    AnnouncementStatus,
)
from bot.storage.repositories.feeds import FeedRepository, FeedToken, SessionVersion
from bot.storage.repositories.guilds import (
    GuildSettings,
    GuildSettingsRepository,
    GuildSettingsUpdate,
)
from bot.storage.repositories.leases import Lease, LeaseRepository
from bot.storage.repositories.meta import MetaRepository
from bot.storage.repositories.outbox import (
    NewOutboxRow,
    OutboxItem,
    OutboxRepository,
    OutboxStatus,
)
from bot.storage.repositories.recipients import Recipient, RecipientRepository
from bot.storage.repositories.snapshots import Snapshot, SnapshotRepository
from bot.storage.repositories.speaker_links import SpeakerLink, SpeakerLinkRepository
from bot.storage.repositories.subscriptions import Subscription, SubscriptionRepository
from bot.storage.repositories.users import ClockStyle, Delivery, UserProfile, UserRepository

__all__ = [
    "Announcement",
    "AnnouncementRepository",
    "AnnouncementStatus",
    "ClockStyle",
    "Delivery",
    "FeedRepository",
    "FeedToken",
    "GuildSettings",
    "GuildSettingsRepository",
    "GuildSettingsUpdate",
    "Lease",
    "LeaseRepository",
    "MetaRepository",
    "NewOutboxRow",
    "OutboxItem",
    "OutboxRepository",
    "OutboxStatus",
    "Recipient",
    "RecipientRepository",
    "SessionVersion",
    "Snapshot",
    "SnapshotRepository",
    "SpeakerLink",
    "SpeakerLinkRepository",
    "Subscription",
    "SubscriptionRepository",
    "UserProfile",
    "UserRepository",
]
