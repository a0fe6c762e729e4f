"""A workspace installing the app: the OAuth round trip a browser makes, against a running `factdesk serve`."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.support import slack_client as sc
from tests.support.server import Running

CLIENT_ID = "111111111.222222222"
INSTALLED_TOKEN = "xoxb-222222222-333333333-installedTOKENfake"


def install(bot: Running) -> sc.Response:
    """What a workspace admin's browser does: open the install page, follow Slack's redirect back."""
    page = sc.request(bot.port, "GET", "/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body.decode())
    assert link is not None, page.body[:500]
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == {"commands", "chat:write", "app_mentions:read", "im:history",
                                                 "usergroups:read"}  # fmt: skip
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    state = query["state"][0]
    return sc.request(bot.port, "GET", f"/slack/oauth_redirect?code=the-code&state={state}", headers={"Cookie": cookie})
