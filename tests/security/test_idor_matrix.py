"""Issue 13, attacker's pass: the IDOR matrix.

Every URL pattern of the gallery (from the URL resolver) is tried with the ids of client
A's own things by anonymous, a guest, client B of the same studio and a rival studio's
client (on the rival's own site), and every sync API endpoint with no key and with a
rival studio's key. The owner gets the page; everyone else gets the same 404 for "exists
but not yours" as for "does not exist" (or, anonymous, a sign-in redirect). A pattern
added without an entry here fails the test, so nobody forgets one. Every desk URL sends
an anonymous visitor to the desk's login.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.prepaid import PrepaidOrder
from tests.cast import JSON, photo
from tests.security.cast import Cast, build_cast, scrubbed

pytestmark = pytest.mark.django_db

Params = Callable[[Cast], dict[str, Any]]


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for found in patterns:
        if isinstance(found, URLResolver):
            yield from walk(found.url_patterns, prefix + str(found.pattern))
        else:
            yield prefix + str(found.pattern), found


def patterns_under(prefix: str) -> dict[str, str]:
    """name → route of every pattern of the running site whose route starts with ``prefix``."""
    return {
        str(p.name): route
        for route, p in walk(get_resolver().url_patterns)
        if route.startswith(prefix)
    }


def gallery_names() -> set[str]:
    return {str(p.name) for _, p in walk(get_resolver("proofroom.gallery.urls").url_patterns)}


@dataclass(frozen=True)
class Probe:
    """One request at one of the owner's things: the path parameters (her ids), the form
    data and query (which may carry an id too: ``real`` False asks for one that names
    nothing), what the owner gets, and whether anonymous is sent to sign in first."""

    method: str
    params: Params
    owner: int = 200
    data: Callable[[Cast, bool], dict[str, Any]] = field(default=lambda cast, real: {})
    login: bool = False
    query: Callable[[Cast, bool], str] = field(default=lambda cast, real: "")
    url_name: str = ""


def _event(cast: Cast) -> dict[str, Any]:
    return {"session_uuid": cast.shop.session.uuid}


def _image(cast: Cast) -> dict[str, Any]:
    return {**_event(cast), "image_uuid": cast.shop.images[1].uuid}


PROBES: dict[str, Probe] = {
    "event": Probe("get", _event),
    "image": Probe("get", _image),
    "favourite": Probe("post", _image, data=lambda c, real: {"on": "1"}),
    "group_create": Probe("post", _event, data=lambda c, real: {"name": "Mine"}),
    "group_add": Probe(
        "post",
        _event,
        data=lambda c, real: {
            "group": c.group.pk if real else 999_999,
            "images": str(c.shop.images[2].uuid),
        },
    ),
    "group_remove": Probe(
        "post",
        _event,
        data=lambda c, real: {
            "group": c.group.pk if real else 999_999,
            "images": str(c.shop.images[2].uuid),
        },
    ),
    "group_rename": Probe(
        "post",
        lambda c: {**_event(c), "group_id": c.group.pk},
        data=lambda c, real: {"name": "Best"},
    ),
    "group_delete": Probe("post", lambda c: {**_event(c), "group_id": c.doomed_group.pk}),
    "yearbook": Probe("post", _event, data=lambda c, real: {"image": str(c.shop.images[0].uuid)}),
    # The owner is signed in already: the sign-up page sends her to her event.
    "guest_signup": Probe("get", lambda c: {"session_uuid": c.private.session.uuid}, owner=302),
    "invite": Probe(
        "post", _event, owner=302, data=lambda c, real: {"email": "uncle@souza.example"}
    ),
    "cart_add": Probe(
        "post",
        _event,
        data=lambda c, real: {
            "product": "00000000-0000-4000-8000-000000000810",
            "image": str(c.shop.images[3].uuid),
            "quantity": "1",
        },
    ),
    "checkout": Probe("get", _event, login=True),
    "cart_line": Probe(
        "post", lambda c: {"line_id": c.line.pk}, data=lambda c, real: {"quantity": "2"}, login=True
    ),
    # Last of the owner's line probes: the owner's pass takes the line out.
    "cart_line_remove": Probe("post", lambda c: {"line_id": c.line.pk}, login=True),
    "cart_package": Probe("get", lambda c: {"line_id": c.package_line.pk}, login=True),
    "order": Probe("get", lambda c: {"number": c.order.display_number}, login=True),
    # With the manual gateway the order is placed unpaid, not awaiting a card: "paid already".
    "order_pay": Probe("post", lambda c: {"number": c.order.display_number}, owner=302, login=True),
    "prepaid": Probe("get", lambda c: {"order_uuid": c.prepaid.uuid}, login=True),
    "prepaid_save": Probe(
        "post",
        lambda c: {"order_uuid": c.prepaid.uuid},
        owner=302,
        data=lambda c, real: {f"item-{c.prepaid.items.first().uuid}": str(c.shop.images[0].uuid)},
        login=True,
    ),
    "prepaid_submit": Probe(
        "post", lambda c: {"order_uuid": c.prepaid.uuid}, owner=302, login=True
    ),
    "thumb": Probe("get", lambda c: {"image_uuid": c.shop.images[1].uuid}),
    "preview": Probe("get", lambda c: {"image_uuid": c.shop.images[1].uuid}),
}

# Patterns that show no one person's things, each with why.
NOT_OWNED: dict[str, str] = {
    "root": "the list of studios this gallery serves",
    "landing": "the studio's public front page",
    "login": "signing in",
    "set_password": "the visitor's own password",
    "logout": "signing out",
    "home": "the signed-in visitor's own galleries (see test_own_pages_need_a_login)",
    "account": "the signed-in visitor's own account (see test_own_pages_need_a_login)",
    "account_username": "the signed-in visitor's own user name",
    "account_password": "the signed-in visitor's own password",
    "events": "public events only",
    "code": "opening an event by its code (throttled, tested in test_gallery_access)",
    "invitation": "a capability link: the emailed token is the proof",
    "guest_confirm": "a capability link: the mailed sign-up token is the proof (test_guests)",
    "cart": "the signed-in visitor's own carts (see test_own_pages_need_a_login)",
    "orders": "the signed-in visitor's own orders (see test_own_pages_need_a_login)",
    "stripe_webhook": "the card gateway's signed webhook, no visitor",
}

OWN_PAGES = ["home", "account", "cart", "orders"]


def fake(value: Any) -> Any:
    """An id of the same shape that names nothing."""
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, int):
        return value + 100_000
    return "ZZZZ-ZZZZ"


def test_every_gallery_pattern_is_in_the_matrix() -> None:
    """A new URL pattern fails here until someone decides who may open it."""
    names = gallery_names()
    assert names == set(PROBES) | set(NOT_OWNED), (
        f"add to PROBES or NOT_OWNED: {sorted(names - set(PROBES) - set(NOT_OWNED))}; "
        f"gone: {sorted((set(PROBES) | set(NOT_OWNED)) - names)}"
    )
    assert not set(PROBES) & set(NOT_OWNED)


def _ask(browser: Client, probe: Probe, url: str, cast: Cast, real: bool = True) -> Any:
    query = probe.query(cast, real)
    url = f"{url}?{query}" if query else url
    if probe.method == "get":
        return browser.get(url)
    return browser.post(url, probe.data(cast, real), headers=JSON)


def _seen(response: Any, real: dict[str, Any], fake_params: dict[str, Any]) -> tuple[int, str]:
    """Status and body (and where it redirects), with the fake ids put back to the real ones."""
    text = scrubbed(response.content) + "\n" + response.headers.get("Location", "")
    for name, value in fake_params.items():
        text = text.replace(str(value), str(real[name]))
    return response.status_code, text


def run_matrix(
    cast: Cast, probes: dict[str, Probe], owner: str, visitors: dict[str, tuple[str, Client]]
) -> list[str]:
    """Each probe by each visitor, at the owner's ids and at ids that name nothing; then
    by the owner. What went wrong, one line each."""
    failures: list[str] = []
    for label, probe in probes.items():
        name = probe.url_name or label
        real = probe.params(cast)
        fake_params = {k: fake(v) for k, v in real.items()}
        for who, (slug, browser) in visitors.items():
            url = reverse(f"gallery:{name}", kwargs={"studio_slug": slug, **real})
            other = reverse(f"gallery:{name}", kwargs={"studio_slug": slug, **fake_params})
            mine = _ask(browser, probe, url, cast)
            nobody = _ask(browser, probe, other, cast, real=False)
            status = mine.status_code
            if who == "anonymous" and probe.login:
                expected = 302
                if not mine.headers.get("Location", "").startswith(f"/s/{slug}/login/"):
                    failures.append(f"{label} × {who}: no sign-in redirect ({status})")
            else:
                expected = 404
            if status != expected:
                failures.append(f"{label} × {who}: {status}, not {expected}")
            elif _seen(mine, real, fake_params) != _seen(nobody, real, fake_params):
                failures.append(f"{label} × {who}: the answer differs from a missing id's")
    browser = cast.client_for(owner)
    for label, probe in probes.items():
        kwargs = {"studio_slug": "northlight", **probe.params(cast)}
        status = _ask(
            browser, probe, reverse(f"gallery:{probe.url_name or label}", kwargs=kwargs), cast
        ).status_code
        if status != probe.owner:
            failures.append(f"{label} × owner: {status}, not {probe.owner}")
    return failures


def test_only_the_owner_reaches_her_things_and_others_get_the_same_404() -> None:
    """Issue 13 (attacker): client A's sessions, images, groups, cart lines, orders and
    prepaid orders open for A alone; B, a guest, anonymous and a rival studio's client get
    a 404 that is identical to the one for an id that does not exist."""
    cast = build_cast()
    visitors = {
        "anonymous": ("northlight", cast.client_for("anonymous")),
        "guest": ("northlight", cast.client_for("guest")),
        "client B": ("northlight", cast.client_for("bea")),
        "rival's client": ("rival", cast.client_for("rex")),
    }
    failures = run_matrix(cast, PROBES, "ada", visitors)
    assert not failures, "\n".join(failures)


def _public(cast: Cast) -> dict[str, Any]:
    return {"session_uuid": cast.public.session.uuid}


def _guest_group(cast: Cast, real: bool) -> int:
    return cast.guest_group.pk if real else 999_999


# A guest's own things on a public event, which everyone may view: her groups (also as the
# grid's ``?mine=`` filter), cart lines and orders.
GUEST_PROBES: dict[str, Probe] = {
    "event ?mine=": Probe(
        "get", _public, url_name="event", query=lambda c, real: f"mine={_guest_group(c, real)}"
    ),
    "image ?mine=": Probe(
        "get",
        lambda c: {**_public(c), "image_uuid": c.public.images[0].uuid},
        url_name="image",
        query=lambda c, real: f"mine={_guest_group(c, real)}",
    ),
    "group_add": Probe(
        "post",
        _public,
        data=lambda c, real: {
            "group": _guest_group(c, real),
            "images": str(c.public.images[1].uuid),
        },
    ),
    "group_remove": Probe(
        "post",
        _public,
        data=lambda c, real: {
            "group": _guest_group(c, real),
            "images": str(c.public.images[1].uuid),
        },
    ),
    "group_rename": Probe(
        "post",
        lambda c: {**_public(c), "group_id": c.guest_group.pk},
        data=lambda c, real: {"name": "Renamed"},
    ),
    "group_delete": Probe("post", lambda c: {**_public(c), "group_id": c.guest_doomed_group.pk}),
    "cart_line": Probe(
        "post",
        lambda c: {"line_id": c.guest_line.pk},
        data=lambda c, real: {"quantity": "2"},
        login=True,
    ),
    "cart_line_remove": Probe("post", lambda c: {"line_id": c.guest_line.pk}, login=True),
    "cart_package": Probe("get", lambda c: {"line_id": c.guest_package_line.pk}, login=True),
    "order": Probe("get", lambda c: {"number": c.guest_order.display_number}, login=True),
    "order_pay": Probe(
        "post", lambda c: {"number": c.guest_order.display_number}, owner=302, login=True
    ),
}


def test_a_guests_things_on_a_public_event_are_hers_alone() -> None:
    """Issue 13 (attacker): on a public event everyone may view, a guest's own groups, cart
    lines and orders stay hers: the event's client, another client, anonymous and a
    rival's client get the same 404 as for ids that do not exist."""
    cast = build_cast()
    visitors = {
        "anonymous": ("northlight", cast.client_for("anonymous")),
        "client A (the event's client)": ("northlight", cast.client_for("ada")),
        "client B": ("northlight", cast.client_for("bea")),
        "rival's client": ("rival", cast.client_for("rex")),
    }
    failures = run_matrix(cast, GUEST_PROBES, "guest", visitors)
    assert not failures, "\n".join(failures)


def test_own_pages_need_a_login() -> None:
    """The visitor's own pages (galleries, account, carts, orders) ask anonymous to sign in."""
    cast = build_cast()
    anonymous = Client()
    for name in OWN_PAGES:
        url = reverse(f"gallery:{name}", args=["northlight"])
        response = anonymous.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/s/northlight/login/?next="), name
        assert cast.client_for("ada").get(url).status_code == 200, name


# --------------------------------------------------------------------------- the sync API


@dataclass(frozen=True)
class ApiProbe:
    method: str
    params: Params
    body: Callable[[Cast, dict[str, Any]], Any] = field(default=lambda cast, params: None)
    owner: int = 200


def _session_body(cast: Cast, params: dict[str, Any]) -> dict[str, Any]:
    images = cast.shop.images
    return {
        "uuid": str(params["session_uuid"]),
        "number": 1001,
        "client": str(cast.ada.client_uuid),
        "date": str(cast.shop.session.date),
        "title": "Taken over",
        "expire_date": str(cast.shop.session.expire_date),
        "event_type": "public",
        "images": [
            {
                "uuid": str(i.uuid),
                "file_name": i.file_name,
                "position": i.position,
                "preview": i.preview,
                "preview_width": i.preview_width,
                "preview_height": i.preview_height,
                "thumbnail": i.thumbnail,
            }
            for i in images
        ],
    }


def _prepaid_body(cast: Cast, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "uuid": str(params["order_uuid"]),
        "number": 1042,
        "client": str(cast.ada.client_uuid),
        "session": str(cast.shop.session.uuid),
        "currency": "USD",
        "total": 1,
        "paid": 1,
        "items": [{"uuid": str(uuid.uuid4()), "name": "Print", "quantity": 1}],
    }


_PREVIEW_SHA = photo(0, 600, 400)[0]

API_PROBES: dict[str, ApiProbe] = {
    "get_session": ApiProbe("get", lambda c: {"session_uuid": c.shop.session.uuid}),
    "put_session": ApiProbe(
        "put", lambda c: {"session_uuid": c.shop.session.uuid}, body=_session_body
    ),
    "delete_session": ApiProbe("delete", lambda c: {"session_uuid": c.private.session.uuid}),
    "put_prepaid_order": ApiProbe(
        "put", lambda c: {"order_uuid": c.prepaid.uuid}, body=_prepaid_body
    ),
    "delete_prepaid_order": ApiProbe("delete", lambda c: {"order_uuid": c.prepaid.uuid}),
    "post_blobs_missing": ApiProbe(
        "post", lambda c: {}, body=lambda c, p: {"hashes": [_PREVIEW_SHA]}
    ),
}

# Endpoints that name none of another studio's things: the key's own studio is all they touch.
API_OWN_STUDIO: dict[str, str] = {
    "ping": "checks the key",
    "put_studio": "the key's own studio profile",
    "put_client": "keyed by (studio, uuid): a rival's PUT makes the rival's own client",
    "put_price_list": "keyed by (studio, uuid), like clients",
    "post_blob_batch": "blobs are stored per studio (see test_a_blob_is_per_studio)",
    "put_blob": "blobs are stored per studio (see test_a_blob_is_per_studio)",
    "get_changes": "the key's own studio's feed",
    "post_changes_ack": "the key's own studio's feed",
}
API_PUBLIC = {"openapi-json": "the published contract", "api-root": "ninja's index"}


def test_every_sync_api_pattern_is_in_the_matrix() -> None:
    names = set(patterns_under("api/sync/"))
    known = set(API_PROBES) | set(API_OWN_STUDIO) | set(API_PUBLIC)
    assert names == known, f"unlisted: {sorted(names - known)}; gone: {sorted(known - names)}"


def _call(name: str, cast: Cast, params: dict[str, Any], key: str | None) -> Any:
    probe = API_PROBES[name]
    route = patterns_under("api/sync/")[name]
    path = "/" + route
    for param, value in params.items():
        path = path.replace(f"<{param}>", str(value))
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = probe.body(cast, params)
    browser = Client()
    if body is None:
        return getattr(browser, probe.method)(path, headers=headers)
    return getattr(browser, probe.method)(
        path, body, content_type="application/json", headers=headers
    )


def test_a_rival_studios_key_reaches_nothing_of_ours() -> None:
    """Issue 13 (attacker): the rival's sync key gets, for our ids, what it gets for ids
    that do not exist, and changes nothing of ours; no key is a 401; our key works."""
    cast = build_cast()
    failures: list[str] = []
    for name, probe in API_PROBES.items():
        real = probe.params(cast)
        fake_params = {k: fake(v) for k, v in real.items()}
        if _call(name, cast, real, None).status_code != 401:
            failures.append(f"{name} without a key is not a 401")
        mine = _call(name, cast, real, cast.rival_key)
        nobody = _call(name, cast, fake_params, cast.rival_key)
        if mine.status_code >= 500 or _seen(mine, real, fake_params) != _seen(
            nobody, real, fake_params
        ):
            failures.append(f"{name} × rival key: {mine.status_code} {mine.content[:200]!r}")
    answer = _call("post_blobs_missing", cast, {}, cast.rival_key).json()
    if answer != {"missing": [_PREVIEW_SHA]}:
        failures.append(f"post_blobs_missing × rival key tells what we hold: {answer}")
    session = OnlineSession.objects.get(pk=cast.shop.session.pk)
    assert (session.title, session.event_type, session.taken_down_at) == (
        "Ada's portraits",
        "none",
        None,
    )
    assert OnlineSession.objects.get(pk=cast.private.session.pk).taken_down_at is None
    assert PrepaidOrder.objects.get(pk=cast.prepaid.pk).withdrawn_at is None
    assert Account.objects.get(pk=cast.ada.pk).studio_id == cast.studio.pk
    for name, probe in API_PROBES.items():
        status = _call(name, cast, probe.params(cast), cast.key).status_code
        if status != probe.owner:
            failures.append(f"{name} × our key: {status}, not {probe.owner}")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- the desk


def test_every_desk_url_sends_anonymous_to_the_desk_login(db: None) -> None:
    """Issue 13 (attacker): no desk page, form or file answers an anonymous visitor."""
    anonymous = Client()
    values = {"int": "1", "slug": "thumb", "uuid": str(uuid.uuid4()), "str": "x", "path": "x"}
    failures = []
    routes = [
        (str(p.name), route)
        for route, p in walk(get_resolver().url_patterns)
        if route.startswith("desk/") and not route.startswith("desk/admin/")
    ] + [("admin", "desk/admin/")]
    assert len(routes) > 40
    for name, route in routes:
        path = "/" + route
        for converter, value in values.items():
            while f"<{converter}:" in path:
                start = path.index(f"<{converter}:")
                path = path[:start] + value + path[path.index(">", start) + 1 :]
        assert "<" not in path, route
        if name in ("login", "logout"):
            continue
        answers = [getattr(anonymous, method)(path) for method in ("get", "post")]
        logins = ("/desk/login/", "/desk/admin/login/")
        to_login = [a.status_code == 302 and a["Location"].startswith(logins) for a in answers]
        # A method the URL does not take is a bare 405 before anything is looked up.
        refused = [ok or a.status_code == 405 for ok, a in zip(to_login, answers, strict=True)]
        if not any(to_login) or not all(refused):
            failures.append(f"{path}: {[(a.status_code, a.get('Location')) for a in answers]}")
    assert not failures, "\n".join(failures)
