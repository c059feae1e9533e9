"""The sync API's object: the studio's key as its authentication, and the errors every
endpoint answers alike.

Every request carries a studio's API key (``Authorization: Bearer prk_…``) and is scoped
to that studio: another studio's uuid is simply not found (404). Bad input is the caller's
error, never a 500: the schemas in ``protocol`` refuse what the gallery cannot store (422,
with the field); what only a service or the database can tell (a model's validation, a
uniqueness, a value that does not fit) is turned into a 422 or 409 naming the field here,
once, for every endpoint.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.security import HttpBearer

from proofroom.gallery.tenants import Studio, studio_for_api_key
from proofroom.sync import protocol


class StudioKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Studio | None:
        return studio_for_api_key(token)


class SyncAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Named after the module the API was first written in: the ids are part of the
        # published v1 contract, so they stay as they are wherever the code lives.
        return f"proofroom_sync_api_{operation.view_func.__name__}"


api = SyncAPI(
    title="Proofroom sync",
    version=str(protocol.VERSION),
    description="Studio → gallery uploads and the gallery's change feed.",
    urls_namespace="sync",
    auth=StudioKey(),
    docs_url=None,
)


def _problems(errors: DjangoValidationError) -> list[dict[str, object]]:
    """A model's validation errors in the shape of the API's own 422s."""
    if not hasattr(errors, "error_dict"):
        return [{"type": "invalid", "loc": ["body"], "msg": msg} for msg in errors.messages]
    return [
        {
            "type": "invalid",
            "loc": ["body"] if field == "__all__" else ["body", field],
            "msg": msg,
        }
        for field, messages in errors.message_dict.items()
        for msg in messages
    ]


@api.exception_handler(DjangoValidationError)
def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _problems(exc)}, status=422)


# The columns a constraint names, as SQLite ("UNIQUE constraint failed: t.a, t.b") and
# PostgreSQL ('Key (a, b)=(…) already exists', 'null value in column "a"') word it.
_COLUMNS = (
    re.compile(r"constraint failed: ([\w., ]+)"),
    re.compile(r"Key \(([^)]+)\)="),
    re.compile(r'column "(\w+)"'),
)


def _columns(exc: Exception) -> list[str]:
    for pattern in _COLUMNS:
        found = pattern.search(str(exc))
        if found:
            names = [name.strip().rsplit(".", 1)[-1] for name in found.group(1).split(",")]
            return [name.removesuffix("_id") for name in names if name and name != "studio"]
    return []


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A uniqueness or reference the upload breaks: the caller's data conflicts with ours."""
    fields = _columns(exc)
    detail = "This conflicts with what the gallery holds" + (
        f" ({', '.join(fields)})." if fields else "."
    )
    return api.create_response(request, {"detail": detail, "fields": fields}, status=409)


@api.exception_handler(DataError)
def does_not_fit(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the schemas let through but a column cannot hold (too long, out of range)."""
    fields = _columns(exc)
    msg = "A value is too long or too large for the gallery to store."
    problem = {"type": "does_not_fit", "loc": ["body", *fields[:1]], "msg": msg}
    return api.create_response(request, {"detail": [problem]}, status=422)


def request_studio(request: HttpRequest) -> Studio:
    studio = request.auth  # type: ignore[attr-defined]
    assert isinstance(studio, Studio)
    return studio
