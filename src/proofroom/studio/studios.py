"""The studio itself: its name, contact details and preferences (one per installation)."""

from __future__ import annotations

import zoneinfo
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F

from proofroom.core.services import model_update
from proofroom.studio.workflow import WorkflowStage


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError("Use a three-letter ISO 4217 code such as USD, EUR or GBP.")


class Studio(models.Model):
    """The photography studio this desk belongs to. The desk serves one studio."""

    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    preview_size = models.PositiveIntegerField(
        "preview size (px, long edge)",
        default=2048,
        validators=[MinValueValidator(800), MaxValueValidator(4096)],
    )
    watermark_enabled = models.BooleanField("watermark previews", default=False)
    watermark_text = models.CharField(
        max_length=80, blank=True, help_text="Shown across previews when no watermark image is set."
    )
    watermark_image = models.CharField(
        max_length=255, blank=True, help_text="Storage key of a PNG with transparency."
    )
    watermark_opacity = models.PositiveIntegerField(
        "watermark opacity (%)",
        default=35,
        validators=[MinValueValidator(5), MaxValueValidator(100)],
    )
    gallery_url = models.URLField(
        "gallery address", blank=True, help_text="e.g. https://gallery.example.com"
    )
    gallery_api_key = models.CharField(
        "gallery API key",
        max_length=200,
        blank=True,
        help_text="Made on the gallery for this studio.",
    )
    expire_warning_days = models.PositiveIntegerField(
        "warn this many days before a session expires",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    auto_sync_minutes = models.PositiveIntegerField(
        "sync automatically every (minutes)",
        default=0,
        validators=[MaxValueValidator(24 * 60)],
        help_text="0 turns the automatic sync off.",
    )
    auto_sync_kinds = models.JSONField("automatic sync does", default=list, blank=True)
    auto_sync_generation = models.PositiveIntegerField(default=0, editable=False)
    # Ordering terms: the gallery prices every cart with these, and desk invoices tax with them.
    tax_rate = models.PositiveIntegerField(
        "tax rate (basis points)",
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text="On the goods, before shipping: 825 is 8.25 %.",
    )
    tax_label = models.CharField(
        max_length=40, default="Tax", help_text="What invoices and carts call it: Sales tax, VAT."
    )
    shipping_fee = models.PositiveIntegerField(
        default=0, help_text="Minor units per order that is shipped."
    )
    offer_shipping = models.BooleanField("offer shipping", default=True)
    offer_pickup = models.BooleanField("offer studio pick-up", default=True)
    taken_down_stage = models.ForeignKey(
        WorkflowStage,
        verbose_name="after a take-down, sessions move to",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="From the Online stage; empty is the workflow's last stage.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


def studio_get() -> Studio | None:
    """The desk's studio, or None before set-up."""
    return Studio.objects.order_by("pk").first()


@transaction.atomic
def studio_setup(
    *, name: str, email: str = "", currency: str = "USD", time_zone: str = "UTC"
) -> Studio:
    """Create the studio on first set-up; later calls return the one that exists."""
    existing = studio_get()
    if existing is not None:
        return existing
    studio = Studio(name=name, email=email, currency=currency, time_zone=time_zone)
    studio.full_clean()
    studio.save()
    return studio


# What the desk's Settings page edits, in the order it shows them.
STUDIO_FIELDS = (
    "name",
    "email",
    "phone",
    "website",
    "address",
    "currency",
    "time_zone",
    "preview_size",
    "watermark_enabled",
    "watermark_text",
    "watermark_opacity",
    "gallery_url",
    "gallery_api_key",
    "expire_warning_days",
    "taken_down_stage",
    "tax_rate",
    "tax_label",
    "shipping_fee",
    "offer_shipping",
    "offer_pickup",
)

# The Settings page shows these together under "Ordering online".
ORDERING_FIELDS = ("tax_rate", "tax_label", "shipping_fee", "offer_shipping", "offer_pickup")


class StudioFields(TypedDict, total=False):
    """What the Settings page may change (``STUDIO_FIELDS``); money in minor units, the tax
    rate in basis points."""

    name: str
    email: str
    phone: str
    website: str
    address: str
    currency: str
    time_zone: str
    preview_size: int
    watermark_enabled: bool
    watermark_text: str
    watermark_opacity: int
    gallery_url: str
    gallery_api_key: str
    expire_warning_days: int
    taken_down_stage: WorkflowStage | None
    tax_rate: int
    tax_label: str
    shipping_fee: int
    offer_shipping: bool
    offer_pickup: bool


@transaction.atomic
def studio_update(*, studio: Studio, **fields: Unpack[StudioFields]) -> Studio:
    model_update(instance=studio, fields=STUDIO_FIELDS, data=fields)
    studio.full_clean()
    studio.save()
    return studio


@transaction.atomic
def watermark_image_set(*, studio: Studio, png: bytes | None) -> None:
    """Keep the studio's watermark PNG in storage under its content hash, or drop it."""
    import hashlib

    from proofroom.core.storage import store_verified

    if png is None:
        studio.watermark_image = ""
    else:
        digest = hashlib.sha256(png).hexdigest()
        key = f"watermarks/{digest}.png"
        store_verified(key=key, content=png, sha256=digest)
        studio.watermark_image = key
    studio.save(update_fields=["watermark_image"])


def studio_auto_sync_set(
    *, studio: Studio, minutes: int, kinds: list[str], generation: int
) -> None:
    """Record the scheduled sync's period (0: off), what it syncs, and its generation."""
    Studio.objects.filter(pk=studio.pk).update(
        auto_sync_minutes=minutes, auto_sync_kinds=kinds, auto_sync_generation=generation
    )


def studio_auto_sync_restart(*, studio: Studio, generation: int) -> bool:
    """Move the scheduled sync on to the next generation, unless someone changed (or
    switched off) the schedule since ``generation`` was read; True when this call did it."""
    return bool(
        Studio.objects.filter(
            pk=studio.pk, auto_sync_generation=generation, auto_sync_minutes__gt=0
        ).update(auto_sync_generation=F("auto_sync_generation") + 1)
    )
