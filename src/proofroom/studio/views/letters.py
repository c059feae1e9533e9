"""Desk pages of the form letters: Tools → Form letters, Email client, the Communication
history, and Settings → Triggers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.clients import Client
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.letters.fields import MERGE_FIELDS
from proofroom.studio.letters.forms import EmailClientForm, LetterForm, ReminderForm, TriggerForm
from proofroom.studio.letters.models import ExpiryReminder, FormLetter, LetterTrigger
from proofroom.studio.letters.reminders import reminders_book, reminders_booked_at
from proofroom.studio.letters.render import Rendered
from proofroom.studio.letters.selectors import client_label, clients_suggested
from proofroom.studio.letters.services import (
    letter_delete,
    letter_render,
    letter_save,
    letter_send,
    reminder_add,
    reminder_remove,
    trigger_add,
    trigger_remove,
)
from proofroom.studio.mail.outbox import client_communication
from proofroom.studio.sessions import Session


@desk_page(Area.COMMUNICATION)
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = FormLetter.objects.all()
    return render(request, "studio/letters/list.html", {"letters": letters})


def _came_from(request: HttpRequest) -> tuple[Client | None, Session | None]:
    """The client (and session) whose page linked here: ``?client=<id>&session=<number>``."""
    client_id, number = request.GET.get("client", ""), request.GET.get("session", "")
    session = (
        Session.objects.select_related("client").filter(number=int(number)).first()
        if number.isdigit() and len(number) < 10
        else None
    )
    client = (
        Client.objects.filter(pk=int(client_id)).first()
        if client_id.isdigit() and len(client_id) < 19
        else None
    )
    if session is not None and client is not None and session.client_id != client.pk:
        session = None
    return (client or (session.client if session else None)), session


def _letter_page(
    request: HttpRequest,
    letter: FormLetter,
    *,
    form: LetterForm | None = None,
    preview: Rendered | None = None,
) -> HttpResponse:
    if form is None:
        initial: dict[str, object] = {
            "name": letter.name,
            "subject": letter.subject,
            "body": letter.body,
        }
        client, session = _came_from(request)
        if client is not None:
            initial["preview_client"] = client_label(client)
            initial["preview_session"] = session.number if session else None
            if letter.pk:
                preview = letter_render(letter=letter, client=client, session=session)
        form = LetterForm(initial=initial)
    return render(
        request,
        "studio/letters/form.html",
        {"form": form, "letter": letter, "preview": preview, "merge_fields": MERGE_FIELDS},
    )


def _letter_save(request: HttpRequest, letter: FormLetter) -> HttpResponse:
    """The editor's Save: the letter as typed, kept; back to the page on a mistake."""
    form = LetterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            letter = letter_save(
                letter=letter, name=data["name"], subject=data["subject"], body=data["body"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"The letter {letter.name} is saved.")
            return redirect("studio:letter_edit", pk=letter.pk)
    return _letter_page(request, letter, form=form)


def _letter_preview(request: HttpRequest, letter: FormLetter) -> HttpResponse:
    """The editor's Preview (and its live preview): the letter as typed, rendered for the
    chosen client, never saved."""
    form = LetterForm(request.POST)
    preview: Rendered | None = None
    if form.is_valid():
        data = form.cleaned_data
        client = data.get("preview_client")
        if client is None:
            form.add_error("preview_client", "Choose a client to preview the letter for.")
        else:
            draft = FormLetter(subject=data["subject"], body=data["body"])
            preview = letter_render(
                letter=draft, client=client, session=data.get("preview_session")
            )
    return _letter_page(request, letter, form=form, preview=preview)


@desk_page(Area.COMMUNICATION)
def letter_clients(request: HttpRequest) -> JsonResponse:
    """The preview field's suggestions: clients matching what was typed (a few, never all)."""
    found = clients_suggested(text=request.GET.get("q", "")[:200])
    return JsonResponse({"clients": [client_label(client) for client in found]})


@desk_page(Area.COMMUNICATION)
def letter_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _letter_save(request, FormLetter())
    return _letter_page(request, FormLetter())


@desk_page(Area.COMMUNICATION)
@require_POST
def letter_new_preview(request: HttpRequest) -> HttpResponse:
    return _letter_preview(request, FormLetter())


@desk_page(Area.COMMUNICATION)
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(FormLetter, pk=pk)
    if request.method == "POST":
        return _letter_save(request, letter)
    return _letter_page(request, letter)


@desk_page(Area.COMMUNICATION)
@require_POST
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    return _letter_preview(request, get_object_or_404(FormLetter, pk=pk))


@desk_page(Area.COMMUNICATION)
@require_POST
def letter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(FormLetter, pk=pk)
    try:
        letter_delete(letter=letter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("studio:letter_edit", pk=pk)
    messages.success(request, f"The letter {letter.name} is deleted.")
    return redirect("studio:letter_list")


def _email_page(request: HttpRequest, client: Client, form: EmailClientForm) -> HttpResponse:
    preview: Rendered | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        preview = letter_render(
            letter=data["letter"], client=client, session=data["session"], invoice=data["invoice"]
        )
    return render(
        request,
        "studio/letters/email.html",
        {"client": client, "form": form, "preview": preview},
    )


@desk_page(Area.COMMUNICATION)
def client_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Email client: choose a letter (and what it is about) and see it rendered."""
    client = get_object_or_404(Client, pk=pk)
    bound = request.POST if request.method == "POST" else None
    if bound is None and "letter" in request.GET:
        bound = request.GET
    form = EmailClientForm(bound, client=client, initial={"session": request.GET.get("session")})
    return _email_page(request, client, form)


@desk_page(Area.COMMUNICATION)
@require_POST
def client_email_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Email client's Send: the letter shown goes to the client's outbox."""
    client = get_object_or_404(Client, pk=pk)
    form = EmailClientForm(request.POST, client=client)
    if form.is_valid():
        letter: FormLetter = form.cleaned_data["letter"]
        session: Session | None = form.cleaned_data["session"]
        invoice: Invoice | None = form.cleaned_data["invoice"]
        try:
            letter_send(
                letter=letter,
                client=client,
                session=session,
                invoice=invoice,
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{letter.name} is on its way to {client.email}.")
            return redirect("studio:client_communication", pk=client.pk)
    return _email_page(request, client, form)


@desk_page(Area.COMMUNICATION)
def session_email(request: HttpRequest, number: int) -> HttpResponse:
    session = get_object_or_404(Session, number=number)
    url = f"{_client_email_url(session.client_id)}?session={session.pk}"
    return redirect(url)


def _client_email_url(client_id: int) -> str:
    from django.urls import reverse

    return reverse("studio:client_email", args=[client_id])


@desk_page(Area.COMMUNICATION)
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    return render(
        request,
        "studio/letters/history.html",
        {"client": client, "mails": client_communication(client=client)},
    )


REMINDER_IDS = "id_reminder_%s"  # two forms on one page: each label names its own field


def _triggers_page(
    request: HttpRequest,
    *,
    trigger_form: TriggerForm | None = None,
    reminder_form: ReminderForm | None = None,
) -> HttpResponse:
    reminders = list(ExpiryReminder.objects.select_related("letter"))
    if reminders and request.method == "GET":
        reminders_book()  # re-made only when the booking was lost
    return render(
        request,
        "studio/letters/triggers.html",
        {
            "trigger_form": trigger_form or TriggerForm(),
            "reminder_form": reminder_form or ReminderForm(auto_id=REMINDER_IDS),
            "triggers": LetterTrigger.objects.select_related("stage", "letter"),
            "reminders": reminders,
            "booked_at": reminders_booked_at(),
        },
    )


@desk_page(Area.SETTINGS)
def triggers(request: HttpRequest) -> HttpResponse:
    """Settings → Triggers: stage triggers and expiry reminders."""
    return _triggers_page(request)


@desk_page(Area.SETTINGS)
@require_POST
def trigger_new(request: HttpRequest) -> HttpResponse:
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger_add(**form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The trigger is added.")
            return redirect("studio:triggers")
    return _triggers_page(request, trigger_form=form)


@desk_page(Area.SETTINGS)
@require_POST
def trigger_delete(request: HttpRequest, pk: int) -> HttpResponse:
    trigger_remove(trigger=get_object_or_404(LetterTrigger, pk=pk))
    return redirect("studio:triggers")


@desk_page(Area.SETTINGS)
@require_POST
def reminder_new(request: HttpRequest) -> HttpResponse:
    form = ReminderForm(request.POST, auto_id=REMINDER_IDS)
    if form.is_valid():
        try:
            reminder_add(**form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The reminder is added.")
            return redirect("studio:triggers")
    return _triggers_page(request, reminder_form=form)


@desk_page(Area.SETTINGS)
@require_POST
def reminder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reminder_remove(reminder=get_object_or_404(ExpiryReminder, pk=pk))
    return redirect("studio:triggers")


urlpatterns = [
    path("letters/", letter_list, name="letter_list"),
    path("letters/new/", letter_new, name="letter_new"),
    path("letters/new/preview/", letter_new_preview, name="letter_new_preview"),
    path("letters/clients/", letter_clients, name="letter_clients"),
    path("letters/<int:pk>/", letter_edit, name="letter_edit"),
    path("letters/<int:pk>/preview/", letter_preview, name="letter_preview"),
    path("letters/<int:pk>/delete/", letter_remove, name="letter_delete"),
    path("clients/<int:pk>/email/", client_email, name="client_email"),
    path("clients/<int:pk>/email/send/", client_email_send, name="client_email_send"),
    path("clients/<int:pk>/communication/", client_history, name="client_communication"),
    path("sessions/<int:number>/email/", session_email, name="session_email"),
    path("settings/triggers/", triggers, name="triggers"),
    path("settings/triggers/add/", trigger_new, name="trigger_add"),
    path("settings/triggers/<int:pk>/remove/", trigger_delete, name="trigger_remove"),
    path("settings/reminders/add/", reminder_new, name="reminder_add"),
    path("settings/reminders/<int:pk>/remove/", reminder_delete, name="reminder_remove"),
]
