"""Session status triggers: when a session enters a workflow stage, mail its client a letter.

The mail is queued in the transaction that moved the session, so it exists exactly when
the move does. Each trigger mails a session's client once (the outbox's unique key names
the trigger and the session): a session re-synced, or moved back and forth, is not mailed
again.

The Online stage is special: its letter tells the client the gallery is there, so it goes
only once the session is published. The synchronizer moves a session to Online after the
gallery took its upload (never for a sync that failed), and also tells us when a session
that staff had already moved to Online (or beyond) is published for the first time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from proofroom.studio.dates import studio_today
from proofroom.studio.letters.fields import letter_for
from proofroom.studio.letters.models import LetterTrigger
from proofroom.studio.letters.render import render
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.outbox import desk_mail_new, desk_mail_queue
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session
from proofroom.studio.studios import studio_get
from proofroom.studio.workflow import StageRole, WorkflowStage, stage_for_role

log = logging.getLogger(__name__)


def trigger_key(*, trigger: LetterTrigger, session: Session) -> str:
    return f"trigger:{trigger.pk}:session:{session.pk}"


def _published(session: Session) -> bool:
    return OnlineSettings.objects.filter(session=session, state=OnlineState.ONLINE).exists()


def on_stage_entered(sender: Any, *, session: Session, stage: WorkflowStage, **_: Any) -> int:
    """The receiver of ``sessions.session_stage_entered``; returns how many were queued."""
    triggers = list(LetterTrigger.objects.filter(stage=stage).select_related("letter"))
    if not triggers:
        return 0
    if stage.role == StageRole.ONLINE and not _published(session):
        return 0  # sent when the synchronizer publishes it (session_published)
    return _queue(session=session, triggers=triggers)


def session_published(*, online: OnlineSettings) -> int:
    """Called by the synchronizer, in the transaction that records a successful upload.
    ``online`` is as it was before the upload: a session online before is not mailed."""
    if online.uploaded_at is not None:
        return 0
    stage = stage_for_role(StageRole.ONLINE)
    session = Session.objects.select_related("stage", "client").get(pk=online.session_id)
    if stage is None or session.stage.position < stage.position:
        return 0
    triggers = list(LetterTrigger.objects.filter(stage=stage).select_related("letter"))
    return _queue(session=session, triggers=triggers)


def _queue(*, session: Session, triggers: Iterable[LetterTrigger]) -> int:
    studio = studio_get()
    client = session.client
    if studio is None:
        return 0
    if not client.email:
        log.info("session %s: client %s has no email; trigger not sent", session.number, client)
        return 0
    queued = 0
    for trigger in triggers:
        key = trigger_key(trigger=trigger, session=session)
        if DeskMail.objects.filter(key=key).exists():
            continue
        about = letter_for(
            studio=studio, client=client, today=studio_today(studio), session=session
        )
        letter = trigger.letter
        rendered = render(subject=letter.subject, body=letter.body, values=about.values())
        mail = desk_mail_new(
            client=client,
            session=session,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            letter_name=letter.name,
            key=key,
        )
        try:
            with transaction.atomic():
                desk_mail_queue(mail)
        except IntegrityError:
            continue  # another transaction queued it first
        except ValidationError as error:
            log.warning("session %s: trigger %s not sent: %s", session.number, trigger, error)
            continue
        queued += 1
    return queued
