"""Issue 14, point 5: the demo's first sync mails its client into the data folder's outbox
(the desk has no mail server set: the process's file backend keeps the mail)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from proofroom import demo
from proofroom.studio.letters.models import ExpiryReminder, LetterTrigger
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.outbox import desk_mail_send
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("small_demo"),
]


@pytest.fixture(autouse=True)
def _fewer_photos(monkeypatch: pytest.MonkeyPatch) -> None:
    fewer = [(*row[:5], min(row[5], 3), row[6]) for row in demo.DEMO_SESSIONS]
    monkeypatch.setattr(demo, "DEMO_SESSIONS", fewer)


def test_the_demos_first_sync_mails_the_client_into_the_outbox_folder(  # type: ignore[no-untyped-def]
    live_server, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # as embedded
    login = demo.demo_load(out=io.StringIO())
    assert LetterTrigger.objects.get().stage.name == "Online"
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [1, 7]
    demo.demo_connect_and_publish(base_url=live_server.url)
    published = SyncRun.objects.get(trigger="demo")
    if published.status == SyncStatus.QUEUED:  # a database task queue: run it here
        demo.demo_publish_and_order.call(published.pk)
    published.refresh_from_db()
    assert published.status == SyncStatus.SUCCEEDED, published.log
    mail = DeskMail.objects.get()
    assert mail.to == login.client_username
    desk_mail_send.call()
    files = [p.read_text() for p in Path(settings.EMAIL_FILE_PATH).glob("*.log")]
    (text,) = [t for t in files if "are online" in t]  # beside the gallery's order mail
    assert f"To: {login.client_username}" in text
    assert f"your password is {login.client_password}." in text
