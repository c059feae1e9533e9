"""Issue 13, defect 8: an event code opens exactly one gallery.

Codes are unique per studio among online sessions (case and spaces aside): the desk
refuses a taken one naming the session that holds it, the database refuses it even when
two saves race, the gallery refuses a session upload whose code another of its online
sessions uses, and a code two open sessions share (from an older desk) opens neither.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connections
from django.test import Client as Browser

from proofroom.gallery.events import OnlineSession
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import api_key_create
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncStatus
from proofroom.sync import protocol
from tests.cast import make_client, publish
from tests.conftest import needs_postgresql
from tests.factories import ClientFactory, make_session
from tests.sync.conftest import add_photos, mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def newborn(wedding: Session, tmp_path: Path) -> Session:
    bea = ClientFactory(first_name="Bea", last_name="Lund", email="bea@example.com")
    session = make_session(client=bea, description="Newborn Lund")
    session.session_type = wedding.session_type
    session.save()
    add_photos(session, tmp_path, 2, start=50)
    return session


def _upload_form(session: Session, code: str) -> dict[str, object]:
    return {
        "rating": ["selected"],
        "days_active": 30,
        "event_type": "private",
        "event_code": code,
        "event_description": "",
    }


def test_the_desk_refuses_a_code_another_online_session_uses_and_names_it(
    client: Browser, owner: object, wedding: Session, newborn: Session
) -> None:
    """Issue 13, defect 8: the uploader refuses a code (in any case, with spaces) that an
    online session holds, with a form error naming that session; nothing is queued."""
    mark(wedding, event_type="private", event_code="Souza2026")
    client.force_login(owner)  # type: ignore[arg-type]
    response = client.post(
        f"/desk/sessions/{newborn.number}/upload/", _upload_form(newborn, " souza 2026 ")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Session #{wedding.number} Ana &amp; Sam (Ana Souza) uses the event code" in page
    assert not OnlineSettings.objects.filter(session=newborn).exists()

    # Once the wedding is taken down its code is free again.
    OnlineSettings.objects.filter(session=wedding).update(state=OnlineState.REMOVED)
    response = client.post(
        f"/desk/sessions/{newborn.number}/upload/", _upload_form(newborn, "SOUZA2026")
    )
    assert response.status_code == 302
    assert OnlineSettings.objects.get(session=newborn).event_code == "SOUZA2026"


def test_the_database_refuses_a_second_online_session_with_the_code(
    wedding: Session, newborn: Session
) -> None:
    """Issue 13, defect 8: the uniqueness is a database constraint, not just a form check."""
    mark(wedding, event_type="public", event_code="LAKE")
    copy = OnlineSettings.objects.get(session=wedding)
    copy.pk, copy.session = None, newborn
    copy.event_code = "lake"
    with pytest.raises(IntegrityError):
        copy.save()


@needs_postgresql
def test_two_desks_racing_for_one_code_leave_it_to_one_session(
    wedding: Session, newborn: Session
) -> None:
    """Issue 13, defect 8: two uploads saving the same code at once: one gets it, the other
    a clear refusal naming the first, never two holders."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(session: Session) -> None:
        try:
            barrier.wait()
            mark(session, event_type="private", event_code="RACE")
            outcomes.append("saved")
        except Exception as exc:  # the outcome is what the test looks at
            outcomes.append(" ".join(getattr(exc, "messages", [str(exc)])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(s,)) for s in (wedding, newborn)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "saved" and outcomes.count("saved") == 1
    assert "uses the event code RACE already" in sorted(outcomes)[0]
    assert OnlineSettings.objects.filter(event_code="RACE").count() == 1


def test_the_gallery_refuses_an_upload_whose_code_another_online_session_uses(
    wedding: Session,
    sync,
    connected,
    gallery_studio: GalleryStudio,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 13, defect 8: a gallery already holding an online session with the code (from
    another desk or an older one) refuses the upload with a reason the synchronizer logs,
    and guests entering the code still reach the session that had it."""
    other = make_client(gallery_studio, first="Bea", last="Lund", email="bea@lund.example")
    newborn = publish(
        gallery_studio, other, images=2, event_type=protocol.EventType.PRIVATE, code="ANASAM"
    )
    mark(wedding, event_type="private", event_code="anasam")
    run = sync()
    assert run.status == SyncStatus.FAILED
    assert "The event code ANASAM is used by another online session of the studio" in run.log
    assert not OnlineSession.objects.filter(uuid=wedding.uuid).exists()
    answer = Browser().post("/s/northlight/code/", {"code": "anasam"})
    assert answer["Location"] == f"/s/northlight/e/{newborn.session.uuid}/"


def test_the_sync_api_answers_409_naming_the_holder(gallery_studio: GalleryStudio) -> None:
    """Issue 13, defect 8: over the API itself, the refusal is a 409 with the reason."""
    ada = make_client(gallery_studio)
    held = publish(gallery_studio, ada, images=1, event_type=protocol.EventType.PUBLIC, code="X1")
    second = publish(gallery_studio, ada, images=1).session
    key = api_key_create(studio=gallery_studio)
    body = protocol.Session(
        uuid=second.uuid,
        number=1002,
        client=ada.client_uuid,
        date=second.date,
        title="Second",
        expire_date=second.expire_date,
        event_type=protocol.EventType.PRIVATE,
        event_code="x 1",
        images=[],
    )
    response = Browser().put(
        f"/api/sync/v1/sessions/{second.uuid}",
        body.model_dump_json(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 409
    assert f"#{held.session.number} Souza wedding" in response.json()["detail"]
    second.refresh_from_db()
    assert second.event_type == protocol.EventType.NONE


def test_a_code_two_open_sessions_share_opens_neither(gallery_studio: GalleryStudio) -> None:
    """Issue 13, defect 8: a gallery holding two open sessions with one code (stored before
    the rule) does not silently open the newest: the guest is told to ask the studio."""
    wedding = publish(
        gallery_studio,
        make_client(gallery_studio),
        images=1,
        event_type=protocol.EventType.PRIVATE,
        code="SHARED",
    )
    newborn = publish(
        gallery_studio,
        make_client(gallery_studio, first="Bea", last="Lund", email="bea@lund.example"),
        images=1,
        event_type=protocol.EventType.PRIVATE,
        code="OTHER",
    )
    OnlineSession.objects.filter(pk=newborn.session.pk).update(event_code="SHARED")
    guest = Browser()
    answer = guest.post("/s/northlight/code/", {"code": "shared"})
    assert answer.status_code == 200
    assert "opens more than one event" in answer.content.decode()
    for session in (wedding.session, newborn.session):
        assert guest.get(f"/s/northlight/e/{session.uuid}/").status_code == 404
