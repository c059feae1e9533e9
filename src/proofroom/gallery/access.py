"""Who may see what on a studio's gallery site.

An online session may be viewed by its client (signed in), by anyone when it is
public, and by visitors it was granted to: by its event code (private or public;
the grant lapses when the studio changes the code or makes the session
client-only) or by an invitation. Everything else is a 404, never a 403; once
the session has expired or been taken down, those allowed see "This gallery
has expired" and its images are gone.
"""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare

from proofroom.core.storage import stored_size
from proofroom.gallery.blobs import Blob
from proofroom.gallery.events import (
    OnlineImage,
    OnlineSession,
)
from proofroom.gallery.tenants import Studio
from proofroom.gallery.visitors import INVITE_GRANT, Visitor
from proofroom.sync.protocol import EventType


class GalleryExpired(Exception):
    """The visitor may view this session, but it has expired or was taken down."""

    def __init__(self, session: OnlineSession) -> None:
        super().__init__(session.title)
        self.session = session


def may_view(session: OnlineSession, visitor: Visitor) -> bool:
    """The access rule, expiry aside (see :func:`session_for_visitor`)."""
    if visitor.account is not None and session.account_id == visitor.account.pk:
        return True
    if session.event_type == EventType.PUBLIC:
        return True
    how = visitor.grants.get(str(session.uuid))
    if how == INVITE_GRANT:
        return True
    return (
        how is not None
        and session.event_type == EventType.PRIVATE
        and bool(session.event_code)
        and constant_time_compare(how, session.event_code)
    )


def session_for_visitor(*, visitor: Visitor, session_uuid: uuid.UUID) -> OnlineSession:
    """The session, if this visitor may view it now. Http404 when they may not (or it is
    another studio's); GalleryExpired when they may but it is closed."""
    session = get_object_or_404(OnlineSession, studio=visitor.studio, uuid=session_uuid)
    session.studio = visitor.studio
    if not may_view(session, visitor):
        raise Http404("No such gallery.")
    if not session.is_open:
        raise GalleryExpired(session)
    return session


def image_for_visitor(*, visitor: Visitor, image_uuid: uuid.UUID) -> OnlineImage:
    """An image of an open session this visitor may view; Http404 for anything else."""
    candidates = OnlineImage.objects.filter(
        session__studio=visitor.studio, uuid=image_uuid
    ).select_related("session")[:5]
    for image in candidates:
        image.session.studio = visitor.studio
        if image.session.is_open and may_view(image.session, visitor):
            return image
    raise Http404("No such image.")


def blob_key_for(*, studio: Studio, sha256: str) -> str:
    """Where a derivative of this studio is stored; Http404 when it is not there, or its
    file is not whole (never a part of a picture: the next sync sends it again)."""
    found = (
        Blob.objects.filter(studio_id=studio.pk, sha256=sha256)
        .values_list("key", "size_bytes")
        .first()
    )
    if found is None or stored_size(found[0]) != found[1]:
        raise Http404("No such image.")
    return found[0]


def may_choose(session: OnlineSession, visitor: Visitor) -> bool:
    """Who keeps favourites and groups of their own on a session they may view: a
    signed-in account; on a client-only (None) session, only its client."""
    if visitor.account is None:
        return False
    if session.account_id == visitor.account.pk:
        return True
    return session.event_type in (EventType.PRIVATE, EventType.PUBLIC)


def guests_welcome(session: OnlineSession) -> bool:
    """Guests sign up on private and public events; a client-only session has none."""
    return session.event_type in (EventType.PRIVATE, EventType.PUBLIC)


def is_session_client(session: OnlineSession, visitor: Visitor) -> bool:
    return visitor.account is not None and session.account_id == visitor.account.pk
