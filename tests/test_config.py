"""Configuration comes from the environment and is checked at start, with errors that say what to do."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings


def test_http_mode_names_what_is_missing_and_where_to_find_it() -> None:
    with pytest.raises(ConfigError) as e:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1-2-abc"}).require_http()
    assert "missing SLACK_SIGNING_SECRET" in str(e.value) and "Signing Secret" in str(e.value)
    assert "factdesk console" in str(e.value)


def test_socket_mode_wants_an_app_level_token() -> None:
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN must be an app-level token"):
        Settings.from_env({"SLACK_APP_TOKEN": "xoxb-wrong-kind", "SLACK_BOT_TOKEN": "xoxb-1-2-abc"}).require_socket()


def test_oauth_needs_client_credentials_not_a_bot_token() -> None:
    half = Settings.from_env({"SLACK_SIGNING_SECRET": "s" * 32, "SLACK_CLIENT_ID": "111.222"})
    assert half.oauth
    with pytest.raises(ConfigError, match=r"missing SLACK_CLIENT_SECRET\. .*Client Secret"):
        half.require_http()
    whole = Settings.from_env({"SLACK_SIGNING_SECRET": "s" * 32, "SLACK_CLIENT_ID": "111.222",
                               "SLACK_CLIENT_SECRET": "c" * 32})  # fmt: skip
    whole.require_http()  # no SLACK_BOT_TOKEN needed: each workspace's token comes from its installation
    assert whole.slack_mode() == "http"  # the main job serves Slack over HTTP, not the console


def test_numbers_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"^FACTDESK_PORT='http' is not an integer; set it to e.g. 3000 or unset it$"):
        Settings.from_env({"FACTDESK_PORT": "http"})
    with pytest.raises(ConfigError, match=r"^FACTDESK_WATCH_SECONDS='-1' is out of range: it must be at least 0\.0"):
        Settings.from_env({"FACTDESK_WATCH_SECONDS": "-1"})


@pytest.mark.parametrize("port", ["99999", "0", "65536", "-1"])
def test_ports_are_range_checked_not_wrapped(port: str) -> None:
    with pytest.raises(ConfigError) as e:
        Settings.from_env({"FACTDESK_PORT": port})
    assert str(e.value) == f"FACTDESK_PORT={port!r} is out of range: it must be from 1 to 65535; unset it for 3000"
    assert Settings.from_env({"FACTDESK_PORT": "65535"}).port == 65535


def test_lenient_reading_keeps_problems_for_the_command_that_needs_them() -> None:
    s = Settings.from_env({"FACTDESK_PORT": "abc", "FACTDESK_LOG_FORMAT": "xml"}, strict=False)
    assert s.port == 3000 and set(s.problems) == {"FACTDESK_PORT", "FACTDESK_LOG_FORMAT"}
    s.require_valid("FACTDESK_WORKERS")  # not this one's problem
    with pytest.raises(ConfigError, match=r"^FACTDESK_PORT='abc'"):
        s.require_serving()


def test_main_job_mode_from_credentials() -> None:
    assert Settings.from_env({}).slack_mode() is None
    assert Settings.from_env({"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}).slack_mode() == "socket"
    assert Settings.from_env({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}).slack_mode() == "http"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "SLACK_BOT_TOKEN is set but not how Slack reaches the bot: also set SLACK_APP_TOKEN",
        ),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "missing SLACK_BOT_TOKEN."),
        ({"SLACK_SIGNING_SECRET": "s"}, "missing SLACK_BOT_TOKEN."),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "missing SLACK_CLIENT_SECRET."),
    ],
)
def test_partial_slack_credentials_name_what_is_missing(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as e:
        Settings.from_env(env).slack_mode()
    assert str(e.value).startswith(says) and "\n" not in str(e.value)


def test_every_secret_is_known_to_the_redactor_and_hidden_from_repr() -> None:
    s = Settings.from_env({"SLACK_SIGNING_SECRET": "sign-secret-1", "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
                           "SLACK_CLIENT_SECRET": "client-secret-1", "FACTDESK_ADMIN_TOKEN": "admin-token-1",
                           "FACTDESK_DATABASE_URL": "postgresql://factdesk:db-pass-1@db/factdesk"})  # fmt: skip
    assert set(s.secrets()) == {"sign-secret-1", "xoxb-1-2-abc", "client-secret-1", "admin-token-1", "db-pass-1"}
    assert not any(secret in repr(s) for secret in s.secrets())
