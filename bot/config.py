"""Configuration: strict, typed models loaded from one TOML file.

Every section forbids unknown keys, so a typo fails loudly with the key named.
The bot token comes from ``DISCORD_TOKEN`` (preferred) or ``bot.token``; it is a
:class:`pydantic.SecretStr`, so it never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from bot.errors import ConfigError
from bot.text_files import read_text_file
from bot.timezones import is_valid_zone

TOKEN_ENVIRONMENT_VARIABLE = "DISCORD_TOKEN"  # noqa: S105 - a variable name, not a secret

# A config file is a few hundred bytes; anything this big is the wrong file.
MAX_CONFIG_BYTES = 1024 * 1024

# A channel or role is named by its Discord id (an integer) or by its name.
ChannelRef = int | str


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class IntentsConfig(_Section):
    """Privileged gateway intents the bot asks for."""

    message_content: bool = True
    members: bool = False


class BotConfig(_Section):
    """How the bot connects to Discord."""

    token: SecretStr | None = None
    command_prefix: str = "!"
    intents: IntentsConfig = IntentsConfig()
    # Guilds to register commands in directly (instant) instead of globally.
    command_guild_ids: list[int] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


class StorageConfig(_Section):
    """Where the database lives: a SQLite file, or a PostgreSQL database by URL."""

    # A file path (SQLite, the default), or postgresql://user@host:port/database.
    database: Path | str = Path("confbot.db")
    # The environment variable holding PostgreSQL's password (never in this file).
    password_env: str | None = None
    # Where files beside the database go (the schedule's last good copy); default:
    # the SQLite file's folder, or "confbot-data" in the working directory for PostgreSQL.
    data_dir: Path | None = None
    # PostgreSQL only: several `confbot run` may share the database; one is active, and a
    # standby takes over within this many seconds of the active one dying or hanging.
    takeover_seconds: Annotated[float, Field(ge=3, le=600)] = 30.0

    @field_validator("database", mode="before")
    @classmethod
    def _path_or_url(cls, value: object) -> object:
        if isinstance(value, str) and value.startswith(POSTGRESQL_SCHEMES):
            if urlsplit(value).password is not None:
                raise ValueError(
                    "a password does not belong in the config file: name the environment"
                    " variable that holds it in storage.password_env"
                )
            return value
        return Path(value) if isinstance(value, str) else value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _path(cls, value: object) -> object:
        return Path(value) if isinstance(value, str) else value

    @property
    def is_postgresql(self) -> bool:
        """Return whether the database is a PostgreSQL URL (else a SQLite file)."""
        return isinstance(self.database, str)

    @property
    def files_dir(self) -> Path:
        """Return the folder for files kept beside the database."""
        if self.data_dir is not None:
            return self.data_dir
        if isinstance(self.database, Path):
            return self.database.parent
        return Path("confbot-data")

    def password(self, environ: dict[str, str] | None = None) -> str | None:
        """Return PostgreSQL's password from the variable ``password_env`` names, if any.

        :raises ConfigError: ``password_env`` names a variable that is not set.
        """
        if self.password_env is None:
            return None
        environ = dict(os.environ) if environ is None else environ
        secret = environ.get(self.password_env)
        if not secret:
            raise ConfigError(
                [f"storage.password_env: the environment variable {self.password_env} is not set"]
            )
        return secret


class ScheduleConfig(_Section):
    """Where the conference schedule comes from, and how often it is fetched again."""

    # A file path (any format bot/schedule reads) or an http(s) address (kept as text).
    source: Annotated[Path, Field(strict=False)] | str = Path("examples/seed-conference.toml")
    # Minutes between fetches of the source; 0 turns periodic refresh off.
    refresh_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 10
    # How long one fetch of an http(s) source may take before it counts as failed.
    fetch_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0

    @field_validator("source", mode="before")
    @classmethod
    def _path_unless_address(cls, source: object) -> object:
        # An address must stay text: Path("https://x") would fold the double slash.
        if isinstance(source, str) and not is_address(source):
            return Path(source)
        return source

    @property
    def is_address(self) -> bool:
        """Return whether the source is an http(s) address rather than a file."""
        return isinstance(self.source, str)


def is_address(source: object) -> bool:
    """Return whether ``source`` is an http(s) address (not a file path)."""
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


class GuildConfig(_Section):
    """Settings for the conference's Discord server."""

    zone: str | None = None
    announcements_channel: ChannelRef | None = None
    schedule_updates_channel: ChannelRef | None = None
    moderation_log_channel: ChannelRef | None = None
    moderator_role: ChannelRef | None = "Moderator"
    room_channels: dict[str, ChannelRef] = Field(default_factory=dict)

    @field_validator("zone")
    @classmethod
    def _zone_exists(cls, zone: str | None) -> str | None:
        if zone is not None and not is_valid_zone(zone):
            raise ValueError(f"{zone!r} is not an IANA time zone (e.g. Europe/Paris)")
        return zone


class RemindersConfig(_Section):
    """Defaults for reminders before sessions."""

    lead_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 10
    delivery: Literal["dm", "channel"] = "dm"
    room_post_lead_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 5


class TracksConfig(_Section):
    """Roles that attendees follow to be pinged when a track's sessions start."""

    # Track id (from the schedule) -> role (id or name) its "starting soon" posts ping.
    roles: dict[str, ChannelRef] = Field(default_factory=dict)
    # Create a mentionable "Track: <name>" role the first time someone follows an
    # unmapped track (needs the bot's Manage Roles permission).
    create_roles: bool = True


class SpeakersConfig(_Section):
    """Settings for speakers who are on Discord."""

    dm_lead_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15


class DeliveryConfig(_Section):
    """How the delivery engine paces and retries what the bot sends on its own."""

    # Our own budget, below Discord's 50 requests/s per bot, so interactions and the
    # rest of the bot keep room. Tests and benchmarks against a sandbox raise both.
    requests_per_second: Annotated[float, Field(gt=0, le=100_000)] = 40.0
    # Opening a DM channel with someone never DMed before is limited apart (Discord answers
    # 40003 "opening DMs too fast"); after that the stored channel costs nothing extra.
    dm_opens_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = 25
    max_concurrent_sends: Annotated[int, Field(ge=1, le=1000)] = 50
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 6
    # Rows with no deadline of their own (heads-ups have one) may be this late.
    grace_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 15
    # A big fan-out starts up to this long before its due time, so the last lands on time.
    max_head_start_minutes: Annotated[float, Field(ge=0, le=24 * 60)] = 10.0
    # On SIGTERM, in-flight sends get this long to finish.
    drain_seconds: Annotated[float, Field(ge=0, le=600)] = 10.0
    # Where people whose DMs are closed are mentioned instead (rows may name their own).
    fallback_channel: ChannelRef | None = None


class AnnouncementsConfig(_Section):
    """Moderators' announcements: whom they may ping, how late one may still go out."""

    # Roles (ids or names) an announcement may ping; any other role is refused.
    pingable_roles: list[ChannelRef] = Field(default_factory=list)
    # Whether an announcement may ping @everyone or @here.
    allow_everyone: bool = False
    # A scheduled announcement the bot could not post this long after its time is
    # skipped and reported to the moderation log instead of arriving stale.
    grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 10


class EventRoomConfig(_Section):
    """A room whose sessions are Discord voice or stage events (started and ended by the bot)."""

    type: Literal["voice", "stage"]
    channel: ChannelRef


class EventsConfig(_Section):
    """The programme mirrored into Discord's scheduled events (the server's event list)."""

    enabled: bool = False
    # Sessions starting within this many hours (and not yet ended) are mirrored.
    window_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 48
    # At most this many at once; Discord allows 100 SCHEDULED or ACTIVE events per server,
    # so the default leaves room for the organisers' own.
    cap: Annotated[int, Field(ge=1, le=100)] = 80
    # Room id -> a voice or stage channel; every other room is an EXTERNAL event whose
    # location is its room channel's link (or its stream, or its name).
    rooms: dict[str, EventRoomConfig] = Field(default_factory=dict)
    # How often the window rolls forward (and edits people made are looked at again).
    refresh_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15


class WebConfig(_Section):
    """The bot's small web server (personal calendar feeds); off unless ``[web]`` is present."""

    # Loopback by default: put a reverse proxy with TLS in front to reach it from outside.
    listen: str = "127.0.0.1"
    # 0 lets the system choose a free port (tests); the link then names the port it chose.
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    # The address people are given (the reverse proxy's https URL); by default
    # http://<listen>:<port>, which only this machine can reach.
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _http_address(cls, public_url: str | None) -> str | None:
        if public_url is not None and not is_address(public_url):
            raise ValueError(f"{public_url!r} is not an http(s) address")
        return public_url.rstrip("/") if public_url is not None else None


class Config(_Section):
    """The whole configuration file."""

    bot: BotConfig = BotConfig()
    storage: StorageConfig = StorageConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    guild: GuildConfig = GuildConfig()
    reminders: RemindersConfig = RemindersConfig()
    speakers: SpeakersConfig = SpeakersConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    tracks: TracksConfig = TracksConfig()
    announcements: AnnouncementsConfig = AnnouncementsConfig()
    web: WebConfig | None = None
    events: EventsConfig = EventsConfig()

    def token(self, environ: dict[str, str] | None = None) -> str | None:
        """Return the bot token: ``DISCORD_TOKEN`` wins over ``bot.token``."""
        environ = dict(os.environ) if environ is None else environ
        from_environment = environ.get(TOKEN_ENVIRONMENT_VARIABLE, "").strip()
        if from_environment:
            return from_environment
        return self.bot.token.get_secret_value() if self.bot.token else None


def _describe(error: dict[str, object]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"  # type: ignore[attr-defined]
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{location}: unknown key"
    if kind == "missing":
        return f"{location}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if "input" in error and kind != "value_error" and not location.endswith("token"):
        return f"{location}: {message} (got {error['input']!r})"
    return f"{location}: {message}"


def parse_config(
    data: dict[str, object], *, source: str = "config", base_dir: Path | None = None
) -> Config:
    """Return the validated configuration; relative paths resolve against ``base_dir``.

    :raises ConfigError: listing every problem, each naming its key.
    """
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        problems = [f"{source}: {_describe(dict(item))}" for item in error.errors()]
        raise ConfigError(problems) from None
    if base_dir is not None:
        config = config.model_copy(
            update={
                "storage": config.storage.model_copy(
                    update={
                        "database": config.storage.database
                        if isinstance(config.storage.database, str)
                        else _resolve(config.storage.database, base_dir),
                        "data_dir": None
                        if config.storage.data_dir is None
                        else _resolve(config.storage.data_dir, base_dir),
                    }
                ),
                "schedule": config.schedule.model_copy(
                    update={
                        "source": config.schedule.source
                        if isinstance(config.schedule.source, str)
                        else _resolve(config.schedule.source, base_dir)
                    }
                ),
            }
        )
    return config


def _resolve(path: Path, base_dir: Path) -> Path:
    return path if path.is_absolute() else base_dir / path


def load_config(path: str | Path | None) -> Config:
    """Read and validate a TOML config file; ``None`` gives the defaults.

    Relative paths in the file resolve against the file's directory, so the bot
    behaves the same whatever directory it is started from.

    :raises ConfigError: the file is missing, unreadable, binary, not UTF-8, not TOML,
        or has invalid keys; each problem is one line naming the file.
    """
    if path is None:
        return parse_config({}, base_dir=Path.cwd())
    path = Path(path)
    text = read_text_file(path, what="config file", limit=MAX_CONFIG_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: {error}"]) from None
    return parse_config(data, source=path.name, base_dir=path.resolve().parent)
