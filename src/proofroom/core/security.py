"""Response headers that keep pages out of search engines, frames and injected scripts.

The Content-Security-Policy itself is django-csp's (configured in settings); this module
adds the payment gateway's hosted checkout to ``form-action`` (Chromium checks a form's
redirect target against the policy of the page that posted it) and ``X-Robots-Tag:
noindex`` to every response that a view has not declared public.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

STRIPE_API = "https://api.stripe.com"
STRIPE_CHECKOUT = "https://checkout.stripe.com"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def indexable(view: View) -> View:
    """Mark a view's pages as public: search engines may list them (no ``X-Robots-Tag``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response.indexable = True  # type: ignore[attr-defined]
        return response

    return wrapper  # type: ignore[return-value]


def checkout_origins() -> list[str]:
    """Where a checkout form's redirect may lead: the card gateway's hosted page."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if base == STRIPE_API:
        return [STRIPE_CHECKOUT]
    parts = urlsplit(base)  # a stand-in for Stripe's API (tests) hosts its checkout page too
    return [f"{parts.scheme}://{parts.netloc}"]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the card gateway's checkout allowed as a form target."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if settings.RUNS_GALLERY and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *checkout_origins()]
            parts.update = update
        return parts


class NoIndexMiddleware:
    """``X-Robots-Tag: noindex`` on every response but those of views marked ``indexable``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not getattr(response, "indexable", False):
            response.headers.setdefault("X-Robots-Tag", "noindex")
        return response
