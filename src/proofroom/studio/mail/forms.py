"""Desk forms of the mail settings."""

from __future__ import annotations

from django import forms

from proofroom.studio.mail.models import MailSecurity


class MailSettingsForm(forms.Form):
    host = forms.CharField(
        label="SMTP server",
        max_length=200,
        required=False,
        help_text="e.g. smtp.example.com; empty: the server's own mail settings.",
    )
    port = forms.IntegerField(min_value=1, max_value=65535, initial=587)
    security = forms.ChoiceField(choices=MailSecurity.choices, initial=MailSecurity.STARTTLS)
    username = forms.CharField(label="User name", max_length=200, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored sealed. Leave empty to keep the saved one.",
    )
    clear_password = forms.BooleanField(label="Forget the saved password", required=False)
    sender = forms.CharField(
        label="Send as",
        max_length=200,
        required=False,
        help_text='e.g. "Northlight Studio <hello@northlight.example>"; '
        "empty: the studio's email.",
    )


class TestMailForm(forms.Form):
    to = forms.EmailField(label="Send a test mail to")
