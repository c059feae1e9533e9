"""Issue 13, attacker's pass: CSRF on every state-changing form.

Every URL of both sides (taken from the resolver, with client A's ids on the gallery) is
posted to without a CSRF token by a signed-in visitor, as a forged cross-site form would.
All are refused with 403, but the two that take no cookies: the sync API (a bearer key)
and the card gateway's webhook (its signature).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import get_resolver, reverse

from proofroom.studio.studios import Studio as DeskStudio
from tests.security.cast import Cast, build_cast
from tests.security.test_idor_matrix import PROBES, patterns_under, walk

pytestmark = pytest.mark.django_db

EXEMPT = {"stripe_webhook": "signed by the gateway, no cookie is trusted"}
FORGED = "CSRF verification failed"


def strict_copy_of(browser: Client) -> Client:
    """The same signed-in browser, now checking CSRF as a real one would."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    return strict


def gallery_urls(cast: Cast) -> dict[str, str]:
    urls = {}
    for route, pattern in walk(get_resolver("proofroom.gallery.urls").url_patterns):
        name = str(pattern.name)
        params = PROBES[name].params(cast) if name in PROBES else {}
        if "<str:token>" in route:
            params = {"token": cast.invitation.token}
        if "<slug:studio_slug>" in route:
            params["studio_slug"] = "northlight"
        urls[name] = reverse(f"gallery:{name}", kwargs=params)
    return urls


def test_no_gallery_post_is_accepted_without_a_token() -> None:
    """Issue 13 (attacker): a forged form cannot heart, group, order, pay, invite, sign up,
    change a password or sign a client out."""
    cast = build_cast()
    ada = strict_copy_of(cast.client_for("ada"))
    anonymous = Client(enforce_csrf_checks=True)
    failures = []
    for name, url in gallery_urls(cast).items():
        for who, browser in (("client A", ada), ("anonymous", anonymous)):
            response = browser.post(url, {"name": "x", "on": "1", "quantity": "2"})
            if name in EXEMPT:
                if response.status_code == 403:
                    failures.append(f"{name} needs no CSRF token but was refused")
            elif response.status_code != 403 or FORGED not in response.content.decode():
                failures.append(f"POST {url} × {who}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_desk_post_is_accepted_without_a_token(studio: DeskStudio, owner: User) -> None:
    """Issue 13 (attacker): a forged form cannot change anything on the desk, logged in
    as the owner (every right) or not."""
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(owner)
    values = {"int": "1", "slug": "thumb", "uuid": "7d9c1c5e-0a47-4d8e-9c68-3f1d1c2a0b11"}
    failures = []
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("desk/") or (
            route.startswith("desk/admin/") and route not in ("desk/admin/", "desk/admin/login/")
        ):
            continue
        path = "/" + route
        for converter, value in values.items():
            while f"<{converter}:" in path:
                start = path.index(f"<{converter}:")
                path = path[:start] + value + path[path.index(">", start) + 1 :]
        for who, browser in (("owner", signed_in), ("anonymous", Client(enforce_csrf_checks=True))):
            response = browser.post(path, {"name": "x"})
            if response.status_code != 403 or FORGED not in response.content.decode():
                failures.append(f"POST {path} ({pattern.name}) × {who}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_sync_api_takes_a_bearer_key_without_a_csrf_token() -> None:
    """The sync API has no cookies to forge: a keyed call needs no CSRF token."""
    cast = build_cast()
    strict = Client(enforce_csrf_checks=True)
    ping = "/" + patterns_under("api/sync/")["ping"]
    assert strict.get(ping, headers={"Authorization": f"Bearer {cast.key}"}).status_code == 200
    missing = "/" + patterns_under("api/sync/")["post_blobs_missing"]
    answer = strict.post(
        missing,
        {"hashes": []},
        content_type="application/json",
        headers={"Authorization": f"Bearer {cast.key}"},
    )
    assert answer.status_code == 200
