"""Desk pages of the mail: Settings → Mail (the server, a test mail) and the outbox.

One view per action: the page, saving the server, sending a test mail, and queueing the
given-up mail again each have their own URL."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

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


def _settings_form(request: HttpRequest, *, bound: bool) -> MailSettingsForm:
    row = mail_settings_get()
    initial = {
        "host": row.host,
        "port": row.port,
        "security": row.security,
        "username": row.username,
        "sender": row.sender,
    }
    return MailSettingsForm(request.POST if bound else None, initial=initial)


def _test_form(request: HttpRequest, *, bound: bool) -> TestMailForm:
    return TestMailForm(
        request.POST if bound else None,
        initial={"to": getattr(request.user, "email", "")},
    )


def _mail_page(
    request: HttpRequest,
    *,
    form: MailSettingsForm,
    test_form: TestMailForm,
    report: TestReport | None = None,
) -> HttpResponse:
    row = mail_settings_get()
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


@desk_page(Area.SETTINGS)
def mail_settings(request: HttpRequest) -> HttpResponse:
    return _mail_page(
        request,
        form=_settings_form(request, bound=False),
        test_form=_test_form(request, bound=False),
    )


@desk_page(Area.SETTINGS)
@require_POST
def mail_settings_save(request: HttpRequest) -> HttpResponse:
    form = _settings_form(request, bound=True)
    if form.is_valid():
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
    return _mail_page(request, form=form, test_form=_test_form(request, bound=False))


@desk_page(Area.SETTINGS)
@require_POST
def mail_settings_test(request: HttpRequest) -> HttpResponse:
    test_form = _test_form(request, bound=True)
    report: TestReport | None = None
    if test_form.is_valid():
        try:
            report = mail_test_send(to=test_form.cleaned_data["to"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _mail_page(
        request, form=_settings_form(request, bound=False), test_form=test_form, report=report
    )


@desk_page(Area.SETTINGS)
@require_POST
def mail_retry(request: HttpRequest) -> HttpResponse:
    count = desk_mail_retry_given_up()
    messages.success(request, f"{count} given-up message{'s' if count != 1 else ''} queued again.")
    return redirect("studio:mail_settings")


urlpatterns = [
    path("settings/mail/", mail_settings, name="mail_settings"),
    path("settings/mail/save/", mail_settings_save, name="mail_settings_save"),
    path("settings/mail/test/", mail_settings_test, name="mail_settings_test"),
    path("settings/mail/retry/", mail_retry, name="mail_retry"),
]
