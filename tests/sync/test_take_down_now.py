"""Issue 18, point 2: take a session down now from its Online tab, before its expire date.

The desk asks first; the next real HTTP sync takes the event off the gallery (its pages
answer the gallery's "Gone" page, 410, its image files 404) without
uploading it again; the session leaves the Online stage, the Online tab says when it came
down (in the studio's time zone) with no link to the removed event, and the sync's log
counts it. A sync already sending the session when the take-down is asked for does not
bring it back, and uploading it again later puts it online again.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

import httpx
import pytest
from django.test import Client as Browser

from proofroom.gallery.events import OnlineSession
from proofroom.studio.images import Image
from proofroom.studio.online import OnlineSettings, OnlineState, session_take_down
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio, studio_update
from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from proofroom.studio.workflow import StageRole, WorkflowStage
from proofroom.sync import protocol
from tests.sync.conftest import mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ZONE = "Pacific/Auckland"


def _event_urls(live_server, session: Session) -> list[str]:  # type: ignore[no-untyped-def]
    image = Image.objects.filter(session=session).order_by("position").first()
    assert image is not None
    event = f"{live_server.url}/s/northlight/e/{session.uuid}/"
    return [event, f"{event}i/{image.uuid}/"] + [
        f"{live_server.url}/s/northlight/i/{image.uuid}/{kind}/" for kind in ("thumb", "preview")
    ]


def _published(wedding: Session, sync: Callable[..., SyncRun]) -> None:
    mark(wedding, event_type="public")
    assert sync().status == SyncStatus.SUCCEEDED
    wedding.refresh_from_db()
    assert wedding.stage.role == StageRole.ONLINE


def _take_down_from_the_desk(desk: Browser, session: Session) -> SyncRun:
    """Confirm Take down now, then run the sync it queued."""
    desk.post(f"/desk/sessions/{session.number}/online/take-down/")
    return sync_run_execute(run_id=SyncRun.objects.get(status=SyncStatus.QUEUED).pk)


class Recorder(httpx.BaseTransport):
    """The real connection, remembering every request's method and path."""

    def __init__(self, before: Callable[[httpx.Request], None] | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.seen: list[tuple[str, str]] = []
        self.before = before

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        if self.before is not None:
            self.before(request)
        return self.inner.handle_request(request)


def test_take_down_now_from_the_online_tab_at_the_next_sync(  # type: ignore[no-untyped-def]
    desk: Browser, wedding: Session, sync, live_server, connected: Studio
) -> None:
    studio_update(studio=connected, time_zone=ZONE)
    _published(wedding, sync)
    urls = _event_urls(live_server, wedding)
    assert [httpx.get(u).status_code for u in urls] == [200, 200, 200, 200]
    tab = f"/desk/sessions/{wedding.number}/online/"
    page = desk.get(tab).content.decode()
    confirm = f"/desk/sessions/{wedding.number}/online/take-down/"
    assert f'href="{confirm}"' in page and "Take down now" in page

    # The confirmation step: opening it changes nothing.
    asked = desk.get(confirm).content.decode()
    assert "Take down now?" in asked and 'method="post"' in asked
    assert OnlineSettings.objects.get(session=wedding).take_down_requested is False

    response = desk.post(confirm)
    run = SyncRun.objects.get(status=SyncStatus.QUEUED)
    assert response.status_code == 302 and response["Location"] == f"/desk/sync/{run.pk}/"
    # Still online until the sync runs; the expire date is a month away.
    assert [httpx.get(u).status_code for u in urls] == [200, 200, 200, 200]

    wire = Recorder()
    done = sync_run_execute(run_id=run.pk, transport=wire)
    assert done.status == SyncStatus.SUCCEEDED, done.log
    assert ("DELETE", f"{protocol.PREFIX}/sessions/{wedding.uuid}") in wire.seen
    assert not [seen for seen in wire.seen if seen[0] == "PUT" and "/sessions/" in seen[1]]
    assert done.images_sent == 0 and done.sessions_uploaded == 0
    assert done.sessions_removed == 1
    assert "1 session taken down" in done.log and "-1" not in done.log

    # The gallery's event pages answer its own "Gone" page (410), the image files 404.
    assert [httpx.get(u).status_code for u in urls] == [410, 410, 404, 404]
    assert OnlineSession.objects.get(uuid=wedding.uuid).taken_down_at is not None
    online = OnlineSettings.objects.get(session=wedding)
    assert online.state == OnlineState.REMOVED and not online.needs_upload
    assert not online.take_down_requested and online.removed_at is not None
    wedding.refresh_from_db()
    last = WorkflowStage.objects.order_by("-position").first()
    assert last is not None and wedding.stage == last and last.name == "Delivered"

    page = desk.get(tab).content.decode()
    local = online.removed_at.astimezone(zoneinfo.ZoneInfo(ZONE))
    assert f"Taken down on {local:%A} {local.day} {local:%B %Y, %H:%M}" in page
    assert str(wedding.uuid) not in page  # no link to the removed event
    assert "Extend Expiration Date" not in page and "Take down now" not in page
    run_page = desk.get(f"/desk/sync/{run.pk}/").content.decode()
    assert "1 session taken down" in run_page


def test_the_stage_after_a_take_down_is_the_studios_choice(  # type: ignore[no-untyped-def]
    desk: Browser, wedding: Session, sync, connected: Studio
) -> None:
    ordered = WorkflowStage.objects.get(name="Ordered")
    settings_page = desk.get("/desk/settings/").content.decode()
    assert 'name="taken_down_stage"' in settings_page
    studio_update(studio=connected, taken_down_stage=ordered)
    _published(wedding, sync)
    assert _take_down_from_the_desk(desk, wedding).sessions_removed == 1
    wedding.refresh_from_db()
    assert wedding.stage == ordered


def test_a_sync_sending_the_session_when_it_is_taken_down_does_not_bring_it_back(  # type: ignore[no-untyped-def]
    wedding: Session, sync, live_server
) -> None:
    """The desk asks for the take-down while a sync is uploading the session (after it
    read what to upload): that sync ends with the session off the gallery."""
    _published(wedding, sync)
    mark(wedding, event_type="public", event_description="A new description")

    def take_down_meanwhile(request: httpx.Request) -> None:
        if request.method == "PUT" and request.url.path.endswith(f"/sessions/{wedding.uuid}"):
            session_take_down(session=wedding)

    wire = Recorder(before=take_down_meanwhile)
    run = sync(transport=wire)
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert ("PUT", f"{protocol.PREFIX}/sessions/{wedding.uuid}") in wire.seen
    assert wire.seen[-1] == ("DELETE", f"{protocol.PREFIX}/sessions/{wedding.uuid}")
    assert run.sessions_removed == 1
    assert httpx.get(_event_urls(live_server, wedding)[0]).status_code == 410
    online = OnlineSettings.objects.get(session=wedding)
    assert online.state == OnlineState.REMOVED and not online.take_down_requested
    # The next sync leaves it down.
    again = sync()
    assert again.sessions_uploaded == 0 and again.sessions_removed == 0
    assert httpx.get(_event_urls(live_server, wedding)[0]).status_code == 410


def test_marked_for_upload_after_asking_it_is_not_taken_down(  # type: ignore[no-untyped-def]
    wedding: Session, sync, live_server
) -> None:
    _published(wedding, sync)
    session_take_down(session=wedding)
    mark(wedding, event_type="public")  # changed their mind before the sync
    run = sync()
    assert run.sessions_removed == 0 and run.sessions_uploaded == 1
    assert httpx.get(_event_urls(live_server, wedding)[0]).status_code == 200


def test_a_taken_down_session_can_be_put_online_again(  # type: ignore[no-untyped-def]
    desk: Browser, wedding: Session, sync, live_server
) -> None:
    _published(wedding, sync)
    assert _take_down_from_the_desk(desk, wedding).sessions_removed == 1
    urls = _event_urls(live_server, wedding)
    assert httpx.get(urls[0]).status_code == 410
    page = desk.get(f"/desk/sessions/{wedding.number}/online/").content.decode()
    assert "Put online again" in page

    mark(wedding, event_type="public")
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED and run.sessions_uploaded == 1, run.log
    assert [httpx.get(u).status_code for u in urls] == [200, 200, 200, 200]
    online = OnlineSettings.objects.get(session=wedding)
    assert online.state == OnlineState.ONLINE and online.removed_at is None
    wedding.refresh_from_db()
    assert wedding.stage.role == StageRole.ONLINE
    page = desk.get(f"/desk/sessions/{wedding.number}/online/").content.decode()
    assert "Taken down on" not in page and "Take down now" in page


def test_a_session_not_online_cannot_be_taken_down(desk: Browser, wedding: Session) -> None:
    page = desk.post(f"/desk/sessions/{wedding.number}/online/take-down/").content.decode()
    assert "This session is not online." in page
    assert not SyncRun.objects.exists()
