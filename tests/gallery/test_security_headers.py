"""Every page tells the browser what it may run and frame, and search engines what to skip;
each side's production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from proofroom.gallery.accounts import Account
from tests.cast import Published, sign_in

CLI = [sys.executable, "-m", "proofroom.cli"]
PUBLIC = {"gallery:root", "gallery:landing", "gallery:login"}
POLICY = {
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def production_env(side: str) -> dict[str, str]:
    # An operator's environment: none of this test run's settings, nor the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (which the deploy checks rightly refuse).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PROOFROOM_", "DATABASE_URL")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "PROOFROOM_SIDE": side,
            "PROOFROOM_BEHIND_HTTPS_PROXY": "true",
            "PROOFROOM_SECRET_KEY": secrets.token_urlsafe(50),
            "PROOFROOM_ALLOWED_HOSTS": "photos.example",
        }
    )
    return env


@pytest.mark.parametrize("side", ["studio", "gallery"])
def test_deploy_checks_pass_behind_an_https_proxy(side: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 15: `check --deploy` warned about HSTS and the HTTPS redirect on
    both sides even behind an HTTPS proxy; the settings now ask for both."""
    env = production_env(side) | {"PROOFROOM_DATA": str(tmp_path)}
    checked = subprocess.run(
        [*CLI, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("side", ["studio", "gallery"])
def test_plain_http_is_sent_to_https_but_the_health_check(side: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Behind the proxy, a plain-HTTP request is redirected and HSTS is sent over HTTPS; the
    load balancer's /healthz still answers over plain HTTP."""
    env = production_env(side) | {"PROOFROOM_DATA": str(tmp_path)}
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='photos.example')\n"
        "page = '/desk/login/' if '" + side + "' == 'studio' else '/'\n"
        "plain = c.get(page)\n"
        "print(plain.status_code, plain.headers.get('Location'))\n"
        "tls = c.get(page, HTTP_X_FORWARDED_PROTO='https')\n"
        "print(tls.headers.get('Strict-Transport-Security'))\n"
        "print(c.get('/healthz').status_code)\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "proofroom.settings"
    subprocess.run([*CLI, "migrate"], env=env, check=True, capture_output=True)
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    redirect, hsts, health = run.stdout.splitlines()
    assert redirect.startswith("301 https://photos.example/")
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert health == "200"


def routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(route, name) of every path()-style URL pattern, e.g. ('s/<slug:studio_slug>/', ...)."""
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regular expressions: its index is walked by hand
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{entry.name}"


def fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        return values.get(name) or {"int": "1", "uuid": str(uuid.uuid4())}.get(converter, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def assert_headers(response, *, public: bool, where: str) -> None:  # type: ignore[no-untyped-def]
    policy = dict(
        [*part.split(" ", 1), ""][:2]
        for part in response.headers.get("Content-Security-Policy", "").split("; ")
    )
    for directive, source in POLICY.items():
        assert policy.get(directive) == source, (where, directive, policy)
    assert policy["form-action"].startswith("'self'"), where
    assert "'unsafe-inline'" not in policy.get("script-src", ""), where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    if public:
        assert "X-Robots-Tag" not in response.headers, where
    else:
        assert response.headers.get("X-Robots-Tag") == "noindex", where


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(
    client: Browser, published: Published, ada: Account, owner: object
) -> None:
    """Every URL pattern of both sides, as a signed-in client and as the desk's owner: the
    Content-Security-Policy, frame, type and referrer headers on every answer (404s too), and
    `X-Robots-Tag: noindex` on all but the studio's landing and login pages."""
    sign_in(client, ada)
    image = published.images[0]
    values = {
        "studio_slug": "northlight",
        "session_uuid": str(published.session.uuid),
        "image_uuid": str(image.uuid),
    }
    walked = 0
    for route, name in routes(get_resolver().url_patterns):
        path = fill(route, values)
        if name.startswith("studio:"):
            continue  # walked below, as staff
        if name in {"gallery:logout"}:
            continue  # would end the client's visit for the pages after it
        response = client.get(path)
        assert_headers(response, public=name in PUBLIC, where=path)
        walked += 1
    assert walked > 30

    desk = Browser()
    desk.force_login(owner)  # type: ignore[arg-type]
    anonymous = Browser()
    for route, name in routes(get_resolver().url_patterns):
        if not name.startswith("studio:"):
            continue
        path = fill(route, {"number": "1"})
        assert_headers(desk.get(path), public=False, where=path)
        assert_headers(anonymous.get(path), public=False, where=f"anonymous {path}")
        walked += 1
    assert walked > 60
    assert_headers(desk.get("/desk/admin/"), public=False, where="/desk/admin/")


@pytest.mark.django_db
def test_the_public_pages_may_be_indexed(client: Browser, published: Published) -> None:
    """The studio's landing and login pages are the ones a search engine should find."""
    for path in ("/", "/s/northlight/", "/s/northlight/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "X-Robots-Tag" not in response.headers, path
    event = client.get(f"/s/northlight/e/{published.session.uuid}/")
    assert event.headers["X-Robots-Tag"] == "noindex"
