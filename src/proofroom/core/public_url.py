"""The address the server is reached at, for links that leave it (mail, printed hints).

``PROOFROOM_PUBLIC_URL`` names it when a proxy or a domain stands in front. Without it the
address is the one the server listens on: ``proofroom serve --port 8100`` (and the demo)
must not mail links to the default port 8000. The server process records its address in
its settings and in the environment its worker processes inherit, since mail is written
both in requests and in background tasks.
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings

PUBLIC_URL_VARIABLE = "PROOFROOM_PUBLIC_URL"
# A server listening on every interface is reached on this machine by loopback.
_WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104 - compared against, never bound


def listening_url(*, host: str, port: int) -> str:
    """``http://host:port`` for a listening socket, an IPv6 host in brackets."""
    if host in _WILDCARDS:
        host = "127.0.0.1"
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a host name
    return f"http://{host}:{port}"


def public_url_follow_listener(*, host: str, port: int) -> str:
    """Make links point at this server's listening address unless the operator named one.

    Called by the server before it serves and before it starts its workers; returns the
    address links now use.
    """
    if os.environ.get(PUBLIC_URL_VARIABLE, "").strip():
        return str(settings.PUBLIC_URL)
    url = listening_url(host=host, port=port)
    os.environ[PUBLIC_URL_VARIABLE] = url
    settings.PUBLIC_URL = url
    return url
