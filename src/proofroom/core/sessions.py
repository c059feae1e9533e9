"""Sessions kept per side: the desk's in the studio database, the gallery's in its own.

Django's SessionMiddleware reads one ``SESSION_ENGINE`` and one cookie name;
this one picks both by the request's path from ``settings.SESSION_SIDES`` (a
list of ``(path prefix, engine module, cookie name)``, most specific first), so
a desk login and a gallery login never see each other even on one host name.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date


class SideSessionMiddleware(SessionMiddleware):
    def __init__(self, get_response: Any) -> None:
        # Skip SessionMiddleware.__init__: it imports the one global engine,
        # which in a gallery-only process is not installed.
        MiddlewareMixin.__init__(self, get_response)
        self.sides = [
            (prefix, import_module(engine).SessionStore, cookie)
            for prefix, engine, cookie in settings.SESSION_SIDES
        ]

    def process_request(self, request: HttpRequest) -> None:
        _, store, cookie = next(
            (side for side in self.sides if request.path_info.startswith(side[0])),
            self.sides[-1],
        )
        request.session_cookie_name = cookie  # type: ignore[attr-defined]
        request.session = store(request.COOKIES.get(cookie))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            cookie: str = request.session_cookie_name  # type: ignore[attr-defined]
            session = request.session
            accessed, modified, empty = session.accessed, session.modified, session.is_empty()
        except AttributeError:
            return response
        if cookie in request.COOKIES and empty:
            response.delete_cookie(
                cookie,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
            need_vary_cookie = True
        else:
            need_vary_cookie = accessed
            if (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
                if session.get_expire_at_browser_close():
                    max_age: int | None = None
                    expires = None
                else:
                    max_age = session.get_expiry_age()
                    expires = http_date(time.time() + max_age)
                if response.status_code < 500:
                    try:
                        session.save()
                    except UpdateError:
                        raise SessionInterrupted(
                            "The session was deleted before the request completed "
                            "(a logout in another tab, for example)."
                        ) from None
                    response.set_cookie(
                        cookie,
                        str(session.session_key),
                        max_age=max_age,
                        expires=expires,
                        domain=settings.SESSION_COOKIE_DOMAIN,
                        path=settings.SESSION_COOKIE_PATH,
                        secure=bool(settings.SESSION_COOKIE_SECURE),
                        httponly=bool(settings.SESSION_COOKIE_HTTPONLY),
                        samesite=settings.SESSION_COOKIE_SAMESITE,  # type: ignore[arg-type]
                    )
                    need_vary_cookie = True
        if need_vary_cookie:
            patch_vary_headers(response, ("Cookie",))
        return response
