"""The desk's settings page: the studio's details and its preferences."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from proofroom.studio.studios import (
    STUDIO_FIELDS,
    Studio,
    studio_get,
    studio_update,
    watermark_image_set,
)
from proofroom.studio.syncs import AUTO_SYNC_MIN_MINUTES, SyncKind, auto_sync_configure
from proofroom.studio.tasks import studio_previews_remake


class StudioForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    gallery_url = forms.URLField(
        label="Gallery address",
        required=False,
        assume_scheme="https",
        help_text="e.g. https://gallery.example.com — where clients see their photos.",
    )
    time_zone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())])
    watermark_file = forms.FileField(
        label="Watermark image (PNG with transparency)",
        required=False,
        help_text="Replaces the text watermark while set.",
    )
    remove_watermark_image = forms.BooleanField(label="Remove the watermark image", required=False)

    class Meta:
        model = Studio
        fields = list(STUDIO_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "gallery_api_key": forms.PasswordInput(render_value=True),
        }

    def clean_watermark_file(self) -> bytes | None:
        upload = self.cleaned_data.get("watermark_file")
        if not upload:
            return None
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("Use a PNG under 2 MB.")
        data = upload.read()
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise forms.ValidationError("The watermark must be a PNG file.")
        return bytes(data)


class AutoSyncForm(forms.Form):
    minutes = forms.IntegerField(
        label="Sync automatically every (minutes)",
        min_value=0,
        max_value=24 * 60,
        help_text=f"0 turns it off; at least {AUTO_SYNC_MIN_MINUTES}.",
    )
    kinds = forms.MultipleChoiceField(
        label="What the automatic sync does",
        choices=SyncKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@login_required
@permission_required("studio.change_studio", raise_exception=True)
def preferences(request: HttpRequest) -> HttpResponse:
    studio = studio_get()
    if studio is None:
        return redirect("studio:home")
    form = StudioForm(request.POST or None, request.FILES or None, instance=studio)
    auto_form = AutoSyncForm(
        request.POST if request.POST.get("action") == "auto_sync" else None,
        initial={"minutes": studio.auto_sync_minutes, "kinds": studio.auto_sync_kinds},
    )
    if request.method == "POST" and request.POST.get("action") == "auto_sync":
        if auto_form.is_valid():
            auto_sync_configure(
                minutes=auto_form.cleaned_data["minutes"], kinds=auto_form.cleaned_data["kinds"]
            )
            messages.success(
                request,
                "Automatic sync is off."
                if not auto_form.cleaned_data["minutes"]
                else "Automatic sync is on; the first one runs now.",
            )
            return redirect("studio:preferences")
        return render(
            request,
            "studio/preferences.html",
            {"form": StudioForm(instance=studio), "auto_form": auto_form, "studio": studio},
        )
    if request.method == "POST" and request.POST.get("action") == "remake":
        studio_previews_remake.enqueue()
        messages.success(request, "Every image's previews are being made again in the background.")
        return redirect("studio:preferences")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in STUDIO_FIELDS}
        studio_update(studio=studio, **data)
        if form.cleaned_data["remove_watermark_image"]:
            watermark_image_set(studio=studio, png=None)
        elif form.cleaned_data["watermark_file"]:
            watermark_image_set(studio=studio, png=form.cleaned_data["watermark_file"])
        messages.success(request, "Saved. New previews use these settings.")
        return redirect("studio:preferences")
    return render(
        request,
        "studio/preferences.html",
        {"form": form, "auto_form": auto_form, "studio": studio},
    )
