"""confbot invite: the OAuth2 address with exactly the permissions the enabled features need."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import parse_config
from bot.invite import PERMISSIONS, client_id_from_token, invite_for

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = 157730590492196864
VIEW, SEND, EMBED = 1 << 10, 1 << 11, 1 << 14
HISTORY, MENTION_ALL, MANAGE_ROLES = 1 << 16, 1 << 17, 1 << 28
CHANNELS = VIEW | SEND | EMBED | HISTORY


@pytest.mark.parametrize(
    ("data", "expected", "features"),
    [
        ({"tracks": {"create_roles": False}}, 0, []),
        ({}, MANAGE_ROLES, ["track roles"]),
        (
            {"guild": {"room_channels": {"main": "main-stage"}}, "tracks": {"create_roles": False}},
            CHANNELS,
            ["posts in channels", "resending safely after an outage"],
        ),
        (
            {"reminders": {"delivery": "channel"}, "tracks": {"create_roles": False}},
            CHANNELS,
            ["posts in channels", "resending safely after an outage"],
        ),
        (
            {
                "guild": {"announcements_channel": "news"},
                "announcements": {"allow_everyone": True},
                "tracks": {"create_roles": False},
            },
            CHANNELS | MENTION_ALL,
            ["posts in channels", "resending safely after an outage", "announcements that ping"],
        ),
        (
            {"tracks": {"create_roles": False, "roles": {"law": "Law track"}}},
            MENTION_ALL | MANAGE_ROLES,
            ["announcements that ping", "track roles"],
        ),
    ],
)
def test_permissions_follow_the_enabled_features(
    data: dict[str, object], expected: int, features: list[str]
) -> None:
    """Each feature the config turns on adds its permissions, and nothing else is asked for."""
    invite = invite_for(parse_config(data), CLIENT_ID)
    assert invite.permissions == expected
    assert [feature.name for feature in invite.features] == features


def test_the_permission_bits_are_discords() -> None:
    """The bits are those of Discord's permissions table (Topics > Permissions)."""
    assert PERMISSIONS == {
        "View Channel": 0x400,
        "Send Messages": 0x800,
        "Embed Links": 0x4000,
        "Read Message History": 0x10000,
        "Mention @everyone, @here and All Roles": 0x20000,
        "Manage Roles": 0x10000000,
    }


def test_the_address_asks_for_both_scopes() -> None:
    """The address is Discord's bot authorization flow with bot and applications.commands."""
    invite = invite_for(parse_config({}), CLIENT_ID)
    assert invite.url == (
        "https://discord.com/oauth2/authorize?client_id=157730590492196864"
        "&scope=bot%20applications.commands&permissions=268435456"
    )


def test_the_client_id_is_read_from_the_token() -> None:
    """A bot token's first part is its id in base64; anything else gives no id."""
    head = base64.b64encode(str(CLIENT_ID).encode()).decode().rstrip("=")
    assert client_id_from_token(f"{head}.GxYz.abc") == CLIENT_ID
    assert client_id_from_token("not a token!") is None


def test_the_command_prints_the_address_and_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """confbot invite prints the address, then each permission with the feature needing it."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    example = str(REPO / "config.example.toml")
    assert main(["invite", "--config", example, "--client-id", str(CLIENT_ID)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(f"permissions={CHANNELS | MANAGE_ROLES}")
    assert "- Manage Roles - track roles: /tracks follow gives the member" in "\n".join(lines)
    assert any(line.startswith("- Read Message History - resending safely") for line in lines)


def test_the_command_without_an_id_or_token_says_what_to_give(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --client-id and without a token, one sentence says what is missing."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["invite", "--config", str(REPO / "config.example.toml")]) == 2
    assert capsys.readouterr().err == (
        "confbot: give --client-id (the application id from Discord's developer portal)"
        " or set DISCORD_TOKEN\n"
    )
