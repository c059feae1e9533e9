"""The letters' fixtures: the desk's mail server pointed at the test's SMTP server, an
Online trigger, reminders at 7 and 1 days, and an online session to remind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.utils import timezone

from proofroom.studio.letters.models import ExpiryReminder, FormLetter, LetterTrigger
from proofroom.studio.letters.services import CLOSING_LETTER, ONLINE_LETTER
from proofroom.studio.mail.models import DeskMail, MailSecurity
from proofroom.studio.mail.outbox import desk_mail_deliver
from proofroom.studio.mail.server import mail_settings_update
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.studio.workflow import StageRole, stage_for_role
from tests.factories import ClientFactory, make_session
from tests.smtp import Inbox

# The desk connected to a live gallery over real HTTP (defined once, in tests/sync).
from tests.sync.conftest import connected, sync, wedding  # noqa: F401


@pytest.fixture
def desk_smtp(studio: Studio, smtp: Inbox) -> Inbox:
    """The desk's own mail settings send to the test's real SMTP server."""
    mail_settings_update(
        host="127.0.0.1",
        port=settings.EMAIL_PORT,
        security=MailSecurity.NONE,
        username="",
        password=None,
        sender="Northlight Studio <hello@northlight.example>",
    )
    return smtp


@pytest.fixture
def online_trigger(studio: Studio) -> LetterTrigger:
    stage = stage_for_role(StageRole.ONLINE)
    assert stage is not None
    return LetterTrigger.objects.create(
        stage=stage, letter=FormLetter.objects.get(name=ONLINE_LETTER)
    )


@pytest.fixture
def reminders(studio: Studio) -> list[ExpiryReminder]:
    closing = FormLetter.objects.get(name=CLOSING_LETTER)
    return [ExpiryReminder.objects.create(days_before=days, letter=closing) for days in (7, 1)]


@pytest.fixture
def put_online() -> Callable[..., OnlineSettings]:
    """A session of a new client, online (as a sync leaves it) until ``expires``."""

    def make(expires: dt.date, *, first: str = "Ana", last: str = "Souza") -> OnlineSettings:
        client = ClientFactory(
            first_name=first, last_name=last, email=f"{first.lower()}@example.com"
        )
        session: Session = make_session(client=client, description=f"{first}'s portraits")
        return OnlineSettings.objects.create(
            session=session,
            expire_date=expires,
            days_active=30,
            state=OnlineState.ONLINE,
            uploaded_at=timezone.now(),
            gallery_url=f"https://gallery.example/s/northlight/{session.uuid}/",
        )

    return make


@pytest.fixture
def deliver() -> Callable[[], int]:
    """What the outbox's background task does: send what is due; returns how many went."""

    def run() -> int:
        return desk_mail_deliver().sent

    return run


def keys() -> list[str]:
    return sorted(DeskMail.objects.exclude(key="").values_list("key", flat=True))
