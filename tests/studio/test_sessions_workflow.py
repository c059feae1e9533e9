"""Sessions on the Digital Workflow: numbered, moved in one click, with who and when."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.sessions import Session
from proofroom.studio.workflow import StageRole, StatusChange, WorkflowStage
from tests.factories import ClientFactory, SessionTypeFactory, make_session

pytestmark = pytest.mark.django_db


def test_setup_makes_a_workflow_with_upload_and_online_stages(studio: object) -> None:
    names = list(WorkflowStage.objects.values_list("name", flat=True))
    assert names[0] == "Booked"
    assert WorkflowStage.objects.get(role=StageRole.UPLOAD).name == "Upload Images"
    assert WorkflowStage.objects.get(role=StageRole.ONLINE).name == "Online"
    assert names.index("Upload Images") < names.index("Online")


def test_new_session_is_numbered_and_starts_at_the_first_stage(desk: Browser) -> None:
    ana = ClientFactory()
    kind = SessionTypeFactory(name="Wedding")
    response = desk.post(
        "/desk/sessions/new/",
        {
            "client": ana.pk,
            "session_type": kind.pk,
            "date": "2026-12-05",
            "description": "Ana & Leo",
        },
        follow=True,
    )
    session = Session.objects.get()
    assert session.number == 1001
    assert response.redirect_chain[-1][0] == "/desk/sessions/1001/"
    assert session.stage.name == "Booked"
    assert make_session().number == 1002


def test_one_click_moves_a_session_and_records_who_and_when(desk: Browser, owner: object) -> None:
    session = make_session()
    upload = WorkflowStage.objects.get(role=StageRole.UPLOAD)
    response = desk.post(
        f"/desk/sessions/{session.number}/status/", {"stage": upload.pk}, follow=True
    )
    assert "is now at “Upload Images”" in response.content.decode()
    session.refresh_from_db()
    assert session.stage == upload
    change = StatusChange.objects.filter(session=session).first()
    assert change is not None
    assert (change.from_stage.name, change.to_stage, change.changed_by) == ("Booked", upload, owner)
    body = desk.get(f"/desk/sessions/{session.number}/").content.decode()
    assert "Upload Images" in body and "Alice" in body


def test_hub_shows_sessions_at_each_stage_with_counts(desk: Browser) -> None:
    first = make_session(description="Lake shoot")
    make_session(description="Studio headshots")
    online = WorkflowStage.objects.get(role=StageRole.ONLINE)
    desk.post(
        f"/desk/sessions/{first.number}/status/", {"stage": online.pk, "next": "studio:workflow"}
    )
    body = desk.get("/desk/workflow/").content.decode()
    booked = WorkflowStage.objects.get(name="Booked")
    assert (
        f'<a href="/desk/sessions/?stage={booked.pk}">Booked</a> <span class="count">1</span>'
        in body
    )
    assert (
        f'<a href="/desk/sessions/?stage={online.pk}">Online</a> <span class="count">1</span>'
        in body
    )


def test_hub_query_count_does_not_grow_with_sessions(
    desk: Browser, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    make_session()
    with django_assert_max_num_queries(30) as few:
        desk.get("/desk/workflow/")
    for _ in range(15):
        make_session()
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get("/desk/workflow/")


def test_session_search_by_number_and_client(desk: Browser) -> None:
    ana = ClientFactory(first_name="Ana", last_name="Souza")
    mine = make_session(client=ana)
    other = make_session()
    body = desk.get("/desk/sessions/", {"q": str(mine.number)}).content.decode()
    assert (
        f"/desk/sessions/{mine.number}/" in body and f"/desk/sessions/{other.number}/" not in body
    )
    assert (
        f"/desk/sessions/{mine.number}/"
        in desk.get("/desk/sessions/", {"q": "souza"}).content.decode()
    )


def test_unknown_session_or_stage_is_404(desk: Browser) -> None:
    session = make_session()
    assert desk.get("/desk/sessions/99999/").status_code == 404
    assert (
        desk.post(f"/desk/sessions/{session.number}/status/", {"stage": 99999}).status_code == 404
    )


def test_hub_columns_follow_the_configured_order(desk: Browser) -> None:
    # Counting sessions per stage is an aggregate, which drops Meta.ordering.
    WorkflowStage.objects.filter(name="Booked").update(position=999)
    body = desk.get("/desk/workflow/").content.decode()
    assert body.index(">Delivered</a>") < body.index(">Booked</a>")
    assert body.index(">Photographed</a>") < body.index(">Upload Images</a>")
