"""Who is asking: the client's address behind the proxies we run.

Behind a load balancer every request comes from the balancer's address, so a throttle
keyed on REMOTE_ADDR would count every visitor as one, and twenty failed logins anywhere
would lock everybody out. Each proxy appends the address it received the request from to
``X-Forwarded-For``; with N trusted proxies in front of us the client's address is the
Nth entry from the right. Entries further left were written by the client and are never
believed (a visitor could name any address there to dodge the throttle).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_address(meta: Mapping[str, Any], *, trusted_proxies: int = 0) -> str:
    """The client's address from a request's META (REMOTE_ADDR, HTTP_X_FORWARDED_FOR)."""
    remote = str(meta.get("REMOTE_ADDR") or "")
    if trusted_proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < trusted_proxies:
        return remote  # not through all our proxies: the connection is what we know
    return _valid(hops[-trusted_proxies]) or remote
