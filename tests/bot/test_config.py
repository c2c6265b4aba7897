"""Configuration: valid files load, every invalid key is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config, parse_config
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_example_config_loads() -> None:
    """config.example.toml is valid and points at the seed schedule."""
    config = load_config(REPO / "config.example.toml")
    assert config.schedule.source == REPO / "examples" / "seed-conference.toml"
    assert config.reminders.lead_minutes == 10


def test_defaults_need_no_file() -> None:
    """No file at all gives a complete default configuration."""
    config = load_config(None)
    assert config.bot.command_prefix == "!"
    assert config.reminders.delivery == "dm"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"bot": {"prefix": "!"}}, "bot.prefix: unknown key"),
        ({"bot": {"intents": {"message_contnt": True}}}, "bot.intents.message_contnt: unknown key"),
        ({"stroage": {}}, "stroage: unknown key"),
        (
            {"guild": {"zone": "Mars/Olympus"}},
            "guild.zone: 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            {"reminders": {"lead_minutes": "ten"}},
            "reminders.lead_minutes: Input should be a valid integer",
        ),
        (
            {"reminders": {"lead_minutes": -5}},
            "reminders.lead_minutes: Input should be greater than or equal to 0",
        ),
        (
            {"reminders": {"delivery": "pigeon"}},
            "reminders.delivery: Input should be 'dm' or 'channel'",
        ),
        ({"bot": {"log_level": "LOUD"}}, "bot.log_level"),
        (
            {"bot": {"intents": {"members": "yes"}}},
            "bot.intents.members: Input should be a valid boolean",
        ),
        (
            {"speakers": {"dm_lead_minutes": 5000}},
            "speakers.dm_lead_minutes: Input should be less than or equal to 1440",
        ),
    ],
)
def test_invalid_key_is_named(data: dict[str, object], expected: str) -> None:
    """Each invalid setting fails with a message that names its key."""
    with pytest.raises(ConfigError) as raised:
        parse_config(data, source="config.toml")
    assert any(
        problem.startswith(f"config.toml: {expected}") for problem in raised.value.problems
    ), raised.value.problems


def test_every_problem_is_reported() -> None:
    """Several mistakes in one file are all listed, not just the first."""
    with pytest.raises(ConfigError) as raised:
        parse_config({"bot": {"prefix": "!"}, "reminders": {"delivery": "pigeon"}, "x": 1})
    assert len(raised.value.problems) == 3


def test_token_never_appears_in_errors_or_repr() -> None:
    """A token of the wrong type is reported without echoing it; a valid one is masked."""
    with pytest.raises(ConfigError) as raised:
        parse_config({"bot": {"token": ["secret-token-value"]}})
    assert "secret-token-value" not in str(raised.value)
    config = parse_config({"bot": {"token": "secret-token-value"}})
    assert "secret-token-value" not in repr(config)


@pytest.mark.parametrize(
    ("file_token", "environment", "expected"),
    [
        ("from-file", {}, "from-file"),
        ("from-file", {"DISCORD_TOKEN": "from-env"}, "from-env"),
        (None, {"DISCORD_TOKEN": "  "}, None),
        (None, {}, None),
    ],
)
def test_token_source(
    file_token: str | None, environment: dict[str, str], expected: str | None
) -> None:
    """DISCORD_TOKEN wins over the file; blank means unset."""
    data: dict[str, object] = {"bot": {"token": file_token}} if file_token else {}
    assert parse_config(data).token(environment) == expected


def test_relative_paths_follow_the_config_file(tmp_path: Path) -> None:
    """Relative database and schedule paths resolve against the file's folder."""
    path = tmp_path / "conf.toml"
    path.write_text('[storage]\ndatabase = "data/c.db"\n[schedule]\nsource = "s.toml"\n')
    config = load_config(path)
    assert config.storage.database == tmp_path / "data" / "c.db"
    assert config.schedule.source == tmp_path / "s.toml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[bot\n", "not valid TOML"),
        ("[bot]\ncommand_prefix = \n", "not valid TOML"),
    ],
)
def test_broken_toml_is_reported(tmp_path: Path, text: str, expected: str) -> None:
    """A file that is not TOML is one clear problem naming the file."""
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.problems[0].startswith(f"{path}: {expected}")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    """A config path that does not exist is a problem, not a traceback."""
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path / "nope.toml")


def test_config_is_immutable() -> None:
    """Configuration cannot be changed after loading."""
    config = Config()
    with pytest.raises(ValueError, match="frozen"):
        config.bot.command_prefix = "?"  # type: ignore[misc]


def test_a_postgresql_url_is_kept_as_written(tmp_path: Path) -> None:
    """storage.database may be a postgresql:// URL; it is not read as a relative path."""
    url = "postgresql://confbot@db.example:5432/conference"
    config = parse_config({"storage": {"database": url}}, base_dir=tmp_path)
    assert config.storage.database == url
    assert config.storage.is_postgresql
    assert config.storage.files_dir == Path("confbot-data")


def test_a_password_in_the_database_url_is_refused() -> None:
    """A password written into the config file is refused, and the error does not repeat it."""
    with pytest.raises(ConfigError) as raised:
        parse_config({"storage": {"database": "postgresql://confbot:hunter2@db/conference"}})
    assert "storage.database: a password does not belong in the config file" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_the_database_password_comes_from_the_named_variable() -> None:
    """storage.password_env names the variable; an unset one is a config error naming it."""
    config = parse_config(
        {"storage": {"database": "postgresql://confbot@db/c", "password_env": "CONFBOT_DB_PW"}}
    )
    assert config.storage.password({"CONFBOT_DB_PW": "s3cret"}) == "s3cret"
    with pytest.raises(ConfigError, match="CONFBOT_DB_PW is not set"):
        config.storage.password({})
    assert parse_config({}).storage.password({}) is None


def test_files_beside_a_sqlite_database_go_to_its_folder(tmp_path: Path) -> None:
    """Without data_dir, the last good schedule is kept next to the SQLite file."""
    config = parse_config({"storage": {"database": "data/bot.db"}}, base_dir=tmp_path)
    assert config.storage.files_dir == tmp_path / "data"
    explicit = parse_config({"storage": {"data_dir": "keep"}}, base_dir=tmp_path)
    assert explicit.storage.files_dir == tmp_path / "keep"
