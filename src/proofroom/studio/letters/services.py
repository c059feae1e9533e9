"""Writing form letters, triggers and reminders, and sending a letter to one client."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.letters.fields import letter_for
from proofroom.studio.letters.models import ExpiryReminder, FormLetter, LetterTrigger
from proofroom.studio.letters.render import Rendered, render
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.outbox import desk_mail_new, desk_mail_queue
from proofroom.studio.sessions import Session
from proofroom.studio.studios import studio_get
from proofroom.studio.workflow import WorkflowStage

ONLINE_LETTER = "Your photographs are online"
CLOSING_LETTER = "Your gallery closes soon"
THANKS_LETTER = "Thank you for your order"

STARTING_LETTERS: list[tuple[str, str, str]] = [
    (
        ONLINE_LETTER,
        "Your photographs from {{ studio.name }} are online",
        "Dear {{ client.first_name }},\n\n"
        "your photographs are ready to see online:\n{{ session.gallery_link }}\n\n"
        "Your user name is {{ gallery.username }} and your password is "
        "{{ gallery.password }}.\n\n"
        "They stay online until {{ session.expire_date }}. Mark your favourites, share them "
        "with family and friends, and order prints straight from the gallery.\n\n"
        "With warm wishes,\n{{ studio.name }}\n{{ studio.phone }}\n{{ studio.website }}",
    ),
    (
        CLOSING_LETTER,
        "Your photographs leave the gallery on {{ session.expire_date }}",
        "Dear {{ client.first_name }},\n\n"
        "a reminder that your photographs leave the gallery on {{ session.expire_date }} "
        "(days left: {{ session.days_left }}):\n{{ session.gallery_link }}\n\n"
        "Your user name is {{ gallery.username }} and your password is "
        "{{ gallery.password }}.\n\n"
        "If you need more time, just answer this mail.\n\n"
        "{{ studio.name }}\n{{ studio.phone }}",
    ),
    (
        THANKS_LETTER,
        "Thank you for your order {{ invoice.web_order_number }}",
        "Dear {{ client.first_name }},\n\n"
        "thank you for your order. Invoice {{ invoice.number }} comes to "
        "{{ invoice.total }}; {{ invoice.balance }} is still to pay.\n\n"
        "We will let you know as soon as it is ready.\n\n"
        "{{ studio.name }}\n{{ studio.phone }}\n{{ studio.email }}",
    ),
]


def letters_setup() -> None:
    """The starting letters, made once at set-up (a studio's edits are kept)."""
    if FormLetter.objects.exists():
        return
    for name, subject, body in STARTING_LETTERS:
        letter_save(letter=FormLetter(), name=name, subject=subject, body=body)


@transaction.atomic
def letters_demo_setup() -> None:
    """The demo's mail: the Online letter as a trigger, reminders 7 and 1 days before."""
    from proofroom.studio.workflow import StageRole, stage_for_role

    letters_setup()
    online_stage = stage_for_role(StageRole.ONLINE)
    online_letter = FormLetter.objects.filter(name=ONLINE_LETTER).first()
    closing = FormLetter.objects.filter(name=CLOSING_LETTER).first()
    if online_stage is not None and online_letter is not None:
        LetterTrigger.objects.get_or_create(stage=online_stage, letter=online_letter)
    if closing is not None:
        for days in (7, 1):
            if not ExpiryReminder.objects.filter(days_before=days).exists():
                reminder_add(days_before=days, letter=closing)


@transaction.atomic
def letter_save(*, letter: FormLetter, name: str, subject: str, body: str) -> FormLetter:
    """Create or edit a letter; an unknown merge field is refused, and named."""
    letter.name = name.strip()
    letter.subject = " ".join(subject.split())
    letter.body = body.replace("\r\n", "\n")
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def letter_delete(*, letter: FormLetter) -> None:
    if letter.triggers.exists() or letter.reminders.exists():
        raise ValidationError(
            "A trigger or a reminder sends this letter: remove them in Settings → Triggers first."
        )
    letter.delete()


def letter_render(
    *,
    letter: FormLetter,
    client: Client,
    session: Session | None = None,
    invoice: Invoice | None = None,
) -> Rendered:
    """The letter as this client would get it (the live preview and the sent mail)."""
    studio = studio_get()
    if studio is None:
        raise ValidationError("The studio is not set up.")
    about = letter_for(
        studio=studio, client=client, today=studio_today(studio), session=session, invoice=invoice
    )
    return render(subject=letter.subject, body=letter.body, values=about.values())


@transaction.atomic
def letter_send(
    *,
    letter: FormLetter,
    client: Client,
    session: Session | None = None,
    invoice: Invoice | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> DeskMail:
    """Email a letter to a client now (Email client); it goes out once this commits."""
    if session is not None and session.client_id != client.pk:
        raise ValidationError("That session is another client's.")
    if invoice is not None and invoice.client_id != client.pk:
        raise ValidationError("That invoice is another client's.")
    rendered = letter_render(letter=letter, client=client, session=session, invoice=invoice)
    return desk_mail_queue(
        desk_mail_new(
            client=client,
            session=session,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            letter_name=letter.name,
            sent_by=user,
        )
    )


@transaction.atomic
def trigger_add(*, stage: WorkflowStage, letter: FormLetter) -> LetterTrigger:
    trigger = LetterTrigger(stage=stage, letter=letter)
    trigger.full_clean()
    try:
        with transaction.atomic():
            trigger.save()
    except IntegrityError:
        raise ValidationError("This stage sends this letter already.") from None
    return trigger


@transaction.atomic
def trigger_remove(*, trigger: LetterTrigger) -> None:
    trigger.delete()


@transaction.atomic
def reminder_add(*, days_before: int, letter: FormLetter) -> ExpiryReminder:
    from proofroom.studio.letters.reminders import reminders_book

    reminder = ExpiryReminder(days_before=days_before, letter=letter)
    reminder.full_clean()
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:
        raise ValidationError("A reminder is sent that many days before already.") from None
    reminders_book()
    return reminder


@transaction.atomic
def reminder_remove(*, reminder: ExpiryReminder) -> None:
    reminder.delete()
