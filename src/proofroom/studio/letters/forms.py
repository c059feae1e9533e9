"""Desk forms of the letters: parse what staff type; the services write."""

from __future__ import annotations

from typing import Any

from django import forms

from proofroom.studio.clients import Client
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.render import unknown_fields
from proofroom.studio.letters.selectors import client_for_preview
from proofroom.studio.sessions import Session
from proofroom.studio.workflow import WorkflowStage


class LetterForm(forms.Form):
    name = forms.CharField(max_length=120)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}))
    preview_client = forms.CharField(
        required=False,
        max_length=300,
        label="Preview for client",
        help_text="A name or an email; pick one of the suggestions.",
        widget=forms.TextInput(
            attrs={
                "list": "preview-client-suggestions",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    preview_session = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, label="and session number"
    )

    def clean_preview_client(self) -> Client | None:
        return client_for_preview(text=self.cleaned_data.get("preview_client") or "")

    def clean_preview_session(self) -> Session | None:
        number = self.cleaned_data.get("preview_session")
        if number is None:
            return None
        session = Session.objects.select_related("client", "session_type").filter(number=number)
        found = session.first()
        if found is None:
            raise forms.ValidationError(f"There is no session #{number}.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("subject", "body"):
            unknown = unknown_fields(data.get(field, ""))
            if unknown:
                self.add_error(
                    field,
                    "Unknown merge field: " + ", ".join("{{ " + n + " }}" for n in unknown),
                )
        session = data.get("preview_session")
        client = data.get("preview_client")
        if session is not None and client is None:
            data["preview_client"] = session.client
        elif session is not None and client is not None and session.client_id != client.pk:
            self.add_error("preview_session", "That session is another client's.")
        return data


class EmailClientForm(forms.Form):
    """Email client: a letter, and optionally the session and invoice it is about."""

    letter = forms.ModelChoiceField(queryset=FormLetter.objects.all())
    session = forms.ModelChoiceField(queryset=Session.objects.none(), required=False)
    invoice = forms.ModelChoiceField(queryset=Invoice.objects.none(), required=False)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session_field = self.fields["session"]
        invoice_field = self.fields["invoice"]
        assert isinstance(session_field, forms.ModelChoiceField)
        assert isinstance(invoice_field, forms.ModelChoiceField)
        session_field.queryset = Session.objects.filter(client=client).select_related(
            "client", "session_type"
        )
        invoice_field.queryset = Invoice.objects.filter(client=client).order_by("-number")


class TriggerForm(forms.Form):
    stage = forms.ModelChoiceField(
        queryset=WorkflowStage.objects.all(), label="When a session enters"
    )
    letter = forms.ModelChoiceField(queryset=FormLetter.objects.all(), label="send the letter")


class ReminderForm(forms.Form):
    days_before = forms.IntegerField(min_value=0, max_value=365, label="Days before it expires")
    letter = forms.ModelChoiceField(queryset=FormLetter.objects.all(), label="send the letter")
