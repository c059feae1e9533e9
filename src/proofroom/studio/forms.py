"""Desk forms: parse and validate what staff type; services do the writing."""

from __future__ import annotations

from django import forms

from proofroom.studio.clients import CLIENT_FIELDS, Client
from proofroom.studio.sessions import SessionType


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class SessionForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.all())
    session_type = forms.ModelChoiceField(queryset=SessionType.objects.all(), label="Type")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(max_length=200, required=False)


class ImportFolderForm(forms.Form):
    folder = forms.CharField(
        label="Folder on the studio machine",
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "/home/studio/Pictures/2026-11-28 Smith"}),
    )
