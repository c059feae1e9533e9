"""The desk's areas and who may open them.

Each area (clients, sessions, invoices and deposits, the synchronizer, settings,
maintenance, the team's tasks) is a permission that security groups grant; only active staff logins
use the desk at all. The home page is every staff member's; every other desk page
belongs to one area and answers a staff member without its permission with a 403
desk page that leads back home.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views import defaults


class Area(models.TextChoices):
    CLIENTS = "clients", "Clients"
    SESSIONS = "sessions", "Sessions and images"
    INVOICES = "invoices", "Invoices and deposits"
    SYNC = "sync", "Synchronizer"
    SETTINGS = "settings", "Settings and price lists"
    MAINTENANCE = "maintenance", "Maintenance lists"
    TASKS = "tasks", "Tasks"
    COMMUNICATION = "communication", "Form letters and client mail"


class DeskArea(models.Model):
    """No rows: it only carries the areas' permissions, which security groups grant."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (f"desk_{area.value}", f"Can open the desk's {area.label.lower()}") for area in Area
        ]

    def __str__(self) -> str:
        return "desk area"


def area_permission(area: Area) -> str:
    return f"studio.desk_{area.value}"


def is_desk_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def may_open(user: Any, area: Area) -> bool:
    return is_desk_user(user) and bool(user.has_perm(area_permission(area)))


def areas_open_to(user: Any) -> dict[str, bool]:
    """For the top bar: each area's name and whether this user may open it."""
    return {area.value: may_open(user, area) for area in Area}


NOT_STAFF = "This login is not a desk login: ask the studio's owner for one."


def desk_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "studio/refused.html", {"message": message}, status=403)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The process's 403 handler: on the desk a desk page with a way back home."""
    if not request.path_info.startswith("/desk/"):
        return defaults.permission_denied(request, exception)
    message = str(exception) if isinstance(exception, PermissionDenied) else ""
    return desk_refused(request, message or "You may not open this page.")


def maintenance_open(request: HttpRequest) -> bool:
    """The maintenance lists (Django's admin) belong to the maintenance area."""
    return may_open(request.user, Area.MAINTENANCE)


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def desk_page(area: Area | None) -> Callable[[View], View]:
    """A desk page of ``area`` (None: the home page, every staff member's)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_desk_user(user):
                return desk_refused(request, NOT_STAFF)
            if area is not None and not user.has_perm(area_permission(area)):
                return desk_refused(
                    request,
                    f"Your security group does not open the desk's {area.label.lower()}: "
                    "ask the studio's owner if you need it.",
                )
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
