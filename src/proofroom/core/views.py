"""Views that belong to the process rather than to a side."""

from __future__ import annotations

from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when every database answers."""
    status: dict[str, str] = {}
    healthy = True
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            status[alias] = "ok"
        except DatabaseError as exc:
            healthy = False
            status[alias] = f"error: {exc.__class__.__name__}"
    return JsonResponse({"ok": healthy, "databases": status}, status=200 if healthy else 503)
