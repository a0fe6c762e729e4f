"""The shapes of Slack's requests, as far as Bolt relies on them.

Bolt indexes some fields of a request unguarded while it routes it (`body["view"]["type"]`, an action's
`action_id`, `event.get(...)`), so a signed request with a field of the wrong shape was a 500 with a
traceback. Slack documents these shapes and always sends them; `malformed` checks them first (the
RejectMalformed middleware in app.py), so anything else is a 400 that names the field.
"""

from __future__ import annotations

from typing import Any

#: What every request of each kind must carry; a signed request missing them is malformed (400), not a crash.
REQUIRED = {
    "command": ("command", "user_id"),
    "block_actions": ("user", "actions"),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "event_callback": ("event",),
}
#: What each event the listeners handle must carry (Slack always sends these); others are Bolt's 404.
EVENT_REQUIRED = {
    "app_mention": ("channel", "ts"),
    "message": ("channel", "ts"),
    "app_home_opened": ("user",),
}
#: Fields Bolt reads while routing any request, with the shape Slack gives them: an object with a string
#: "id", or (for some payloads) a plain string id.
_ID_OBJECTS = ("user", "team", "channel", "enterprise", "container", "view")


def malformed(body: dict[str, Any]) -> str | None:
    """The first field of a signed request whose shape is wrong, or None."""
    kind = body.get("type")
    if kind is None and {"command", "user_id", "text"} & body.keys():
        kind = "command"
    if kind is not None and not isinstance(kind, str):
        return "type"
    for key in REQUIRED.get(str(kind), ()):
        if not body.get(key):
            return key
    for key in _ID_OBJECTS:
        value = body.get(key)
        if key == "view" and key in body and not isinstance(value, dict):  # Bolt reads a present view's fields
            return key
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, dict) or not isinstance(value.get("id", ""), str):
            return key
    if "actions" in body:
        actions = body["actions"]
        if not isinstance(actions, list) or not all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
        ):
            return "actions"
    if kind in ("block_actions", "view_submission", "view_closed") and not isinstance(body["user"], dict):
        return "user"
    if kind in ("view_submission", "view_closed"):
        view = body["view"]
        if not isinstance(view.get("type"), str) or not isinstance(view.get("callback_id"), str):
            return "view"
    if "event" in body:
        event = body["event"]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event"
        if event["type"] != "message" or not (event.get("subtype") or event.get("bot_id")):
            for key in EVENT_REQUIRED.get(event["type"], ()):
                if not isinstance(event.get(key), str) or not event[key]:
                    return f"event.{key}"
    for key in ("command", "user_id", "text", "channel_id", "team_id", "response_url", "trigger_id"):
        if key in body and not isinstance(body[key], str):
            return key
    return None
