"""Issue 14: the Online trigger mails the client once the publishing sync has succeeded,
never for a sync that failed, and not again when the session is re-synced. The sync is a
real HTTP hop to a live gallery; the mail goes to a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from proofroom.studio.mail.models import DeskMail
from proofroom.studio.online import OnlineSettings, session_extend
from proofroom.studio.sessions import session_status_change
from proofroom.studio.studios import studio_update
from proofroom.studio.synchronizer.runs import SyncStatus
from proofroom.studio.workflow import StageRole, stage_for_role
from tests.sync.conftest import days_from_today, mark
from tests.sync.test_session_upload import LoseSessionAnswer

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_the_online_letter_goes_once_after_the_publishing_sync(  # type: ignore[no-untyped-def]
    wedding, sync, online_trigger, desk_smtp, deliver
) -> None:
    mark(wedding)
    assert not DeskMail.objects.exists()  # marked for upload is not online
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert deliver() == 1
    ((to, message),) = desk_smtp.messages
    assert to == ["ana@example.com"]
    assert message["Subject"] == "Your photographs from Northlight Studio are online"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    gallery_url = OnlineSettings.objects.get(session=wedding).gallery_url
    assert gallery_url and gallery_url in body
    assert "Your user name is ana@example.com and your password is Souza." in body

    mark(wedding)
    session_extend(session=wedding, expire_date=days_from_today(60))
    again = sync()
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert deliver() == 0
    assert len(desk_smtp.messages) == 1
    assert DeskMail.objects.count() == 1


def test_a_failed_sync_mails_nothing_and_the_rerun_mails_once(  # type: ignore[no-untyped-def]
    wedding, sync, connected, online_trigger, desk_smtp, deliver
) -> None:
    key = connected.gallery_api_key
    studio_update(studio=connected, gallery_api_key="prk_nope_nope")
    mark(wedding)
    assert sync().status == SyncStatus.FAILED
    # The gallery applies the upload but its answer is lost: the studio cannot know.
    studio_update(studio=connected, gallery_api_key=key)
    assert sync(transport=LoseSessionAnswer()).status == SyncStatus.FAILED
    assert deliver() == 0 and not DeskMail.objects.exists()

    assert sync().status == SyncStatus.SUCCEEDED
    assert sync().status == SyncStatus.SUCCEEDED
    assert deliver() == 1
    assert [to for to, _ in desk_smtp.messages] == [["ana@example.com"]]


def test_a_session_moved_to_online_by_hand_is_mailed_when_it_is_published(  # type: ignore[no-untyped-def]
    wedding, sync, online_trigger, desk_smtp, deliver, owner
) -> None:
    online_stage = stage_for_role(StageRole.ONLINE)
    assert online_stage is not None
    session_status_change(session=wedding, stage=online_stage, user=owner)
    assert not DeskMail.objects.exists()  # not in the gallery yet
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    assert deliver() == 1
    assert len(desk_smtp.messages) == 1
