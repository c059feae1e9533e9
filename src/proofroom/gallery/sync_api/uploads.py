"""Uploads from the studio: its profile, clients, price lists, sessions and prepaid orders.

Writes are idempotent PUTs keyed by the studio's uuids, so a repeated or resumed sync
changes nothing twice; a DELETE takes a session or a prepaid order down, repeatably.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Status
from ninja.errors import HttpError

from proofroom.gallery.events import OnlineSession
from proofroom.gallery.prepaid import PrepaidRefused, prepaid_put, prepaid_withdraw
from proofroom.gallery.publishing import (
    PublishRefused,
    client_put,
    pricelist_put,
    session_publish,
    session_take_down,
    studio_profile_put,
)
from proofroom.gallery.sync_api.router import api, request_studio
from proofroom.sync import protocol


@api.get("/ping", response=protocol.Ok)
def ping(request: HttpRequest) -> protocol.Ok:
    """Check the key and the protocol version before a sync."""
    request_studio(request)
    return protocol.Ok()


@api.put("/studio", response=protocol.Ok)
def put_studio(request: HttpRequest, data: protocol.StudioProfile) -> protocol.Ok:
    studio_profile_put(studio=request_studio(request), data=data)
    return protocol.Ok()


@api.put("/clients/{client_uuid}", response=protocol.Ok)
def put_client(request: HttpRequest, client_uuid: uuid.UUID, data: protocol.Client) -> protocol.Ok:
    if data.uuid != client_uuid:
        raise HttpError(400, "The uuid in the path and in the body differ.")
    client_put(studio=request_studio(request), data=data)
    return protocol.Ok()


@api.put("/price-lists/{list_uuid}", response=protocol.Ok)
def put_price_list(
    request: HttpRequest, list_uuid: uuid.UUID, data: protocol.PriceList
) -> protocol.Ok:
    if data.uuid != list_uuid:
        raise HttpError(400, "The uuid in the path and in the body differ.")
    pricelist_put(studio=request_studio(request), data=data)
    return protocol.Ok()


@api.put(
    "/sessions/{session_uuid}",
    response={200: protocol.SessionAnswer, 400: protocol.Problem, 409: protocol.Refusal},
)
def put_session(
    request: HttpRequest, session_uuid: uuid.UUID, data: protocol.Session
) -> Status[protocol.SessionAnswer | protocol.Problem | protocol.Refusal]:
    if data.uuid != session_uuid:
        return Status(400, protocol.Problem(detail="The uuid in the path and in the body differ."))
    studio = request_studio(request)
    try:
        session = session_publish(studio=studio, data=data)
    except PublishRefused as exc:
        return Status(409, protocol.Refusal(detail=exc.detail, missing=exc.missing))
    return Status(
        200,
        protocol.SessionAnswer(
            uuid=session.uuid,
            images=session.images.count(),
            url=request.build_absolute_uri(f"/s/{studio.slug}/e/{session.uuid}/"),
        ),
    )


@api.get("/sessions/{session_uuid}", response={200: protocol.SessionState, 404: protocol.Problem})
def get_session(
    request: HttpRequest, session_uuid: uuid.UUID
) -> Status[protocol.SessionState | protocol.Problem]:
    session = OnlineSession.objects.filter(
        studio=request_studio(request), uuid=session_uuid
    ).first()
    if session is None:
        return Status(404, protocol.Problem(detail="This studio has no such online session."))
    return Status(
        200,
        protocol.SessionState(
            uuid=session.uuid,
            expire_date=session.expire_date,
            images=session.images.count(),
            taken_down=session.taken_down_at is not None,
        ),
    )


@api.delete("/sessions/{session_uuid}", response={200: protocol.Ok, 404: protocol.Problem})
def delete_session(
    request: HttpRequest, session_uuid: uuid.UUID
) -> Status[protocol.Ok | protocol.Problem]:
    """Take a session down: closed to everyone, its derivatives deleted. Repeatable."""
    if not session_take_down(studio=request_studio(request), session_uuid=session_uuid):
        return Status(404, protocol.Problem(detail="This studio has no such online session."))
    return Status(200, protocol.Ok())


@api.put(
    "/prepaid-orders/{order_uuid}",
    response={200: protocol.Ok, 400: protocol.Problem, 409: protocol.Refusal},
)
def put_prepaid_order(
    request: HttpRequest, order_uuid: uuid.UUID, data: protocol.PrepaidOrder
) -> Status[protocol.Ok | protocol.Problem | protocol.Refusal]:
    """An invoice paid at the studio; the client picks an image for each item online.
    Repeatable: picks already made are kept for the items that remain."""
    if data.uuid != order_uuid:
        return Status(400, protocol.Problem(detail="The uuid in the path and in the body differ."))
    try:
        prepaid_put(studio=request_studio(request), data=data)
    except PrepaidRefused as exc:
        return Status(409, protocol.Refusal(detail=exc.detail))
    return Status(200, protocol.Ok())


@api.delete("/prepaid-orders/{order_uuid}", response={200: protocol.Ok, 404: protocol.Problem})
def delete_prepaid_order(
    request: HttpRequest, order_uuid: uuid.UUID
) -> Status[protocol.Ok | protocol.Problem]:
    """The studio no longer offers this invoice for online picks. Repeatable."""
    if not prepaid_withdraw(studio=request_studio(request), uuid=order_uuid):
        return Status(404, protocol.Problem(detail="This studio has no such prepaid order."))
    return Status(200, protocol.Ok())
