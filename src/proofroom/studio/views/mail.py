"""Desk pages of the mail: Settings → Mail (the server, a test mail) and the outbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.mail.forms import MailSettingsForm, TestMailForm
from proofroom.studio.mail.outbox import desk_mail_retry_given_up, desk_mail_waiting
from proofroom.studio.mail.server import (
    TestReport,
    mail_settings_get,
    mail_settings_update,
    mail_test_send,
    sender_address,
)


@desk_page(Area.SETTINGS)
def mail_settings(request: HttpRequest) -> HttpResponse:
    row = mail_settings_get()
    action = request.POST.get("action")
    initial = {
        "host": row.host,
        "port": row.port,
        "security": row.security,
        "username": row.username,
        "sender": row.sender,
    }
    form = MailSettingsForm(request.POST if action == "save" else None, initial=initial)
    test_form = TestMailForm(
        request.POST if action == "test" else None,
        initial={"to": getattr(request.user, "email", "")},
    )
    report: TestReport | None = None
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        password = "" if data["clear_password"] else (data["password"] or None)
        try:
            mail_settings_update(
                host=data["host"],
                port=data["port"],
                security=data["security"],
                username=data["username"],
                password=password,
                sender=data["sender"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The mail settings are saved.")
            return redirect("studio:mail_settings")
    if action == "test" and test_form.is_valid():
        try:
            report = mail_test_send(to=test_form.cleaned_data["to"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if action == "retry":
        count = desk_mail_retry_given_up()
        messages.success(
            request, f"{count} given-up message{'s' if count != 1 else ''} queued again."
        )
        return redirect("studio:mail_settings")
    return render(
        request,
        "studio/mail/settings.html",
        {
            "form": form,
            "test_form": test_form,
            "report": report,
            "row": row,
            "sender": sender_address(row),
            "waiting": desk_mail_waiting(),
        },
    )


urlpatterns = [
    path("settings/mail/", mail_settings, name="mail_settings"),
]
