"""Studios on the gallery: one gallery serves many studios, each with its own site.

Every other gallery record belongs to one studio, and every lookup is scoped to
it: another studio's id is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from proofroom.core.dates import today_in, zone_named
from proofroom.core.sealing import reseal, seal
from proofroom.gallery.db import atomic
from proofroom.payments.base import PaymentGateway


class Studio(models.Model):
    """A studio's site on the gallery."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    currency = models.CharField(max_length=3, default="USD")
    time_zone = models.CharField(max_length=64, default="UTC")
    welcome = models.TextField(
        blank=True, help_text="A few words shown on the studio's landing page."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How the studio sells online (the desk's ordering terms, uploaded with its profile).
    tax_rate = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text="Basis points on the goods: 825 is 8.25 %.",
    )
    tax_label = models.CharField(max_length=40, default="Tax")
    shipping_fee = models.PositiveIntegerField(
        default=0, help_text="Minor units per order that is shipped."
    )
    offer_shipping = models.BooleanField(default=True)
    offer_pickup = models.BooleanField(default=True)
    # How the studio is paid online.
    payment_gateway = models.CharField(
        max_length=20, choices=PaymentGateway.choices, default=PaymentGateway.MANUAL
    )
    # Sealed (proofroom.core.sealing): a dump of the database alone does not give them away.
    stripe_secret_key = models.TextField(blank=True)
    stripe_webhook_secret = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The studio's time zone, as its desk uploaded it with its profile."""
        return zone_named(self.time_zone)

    def today(self) -> dt.date:
        """Today in the studio's time zone: an expire date is a date there."""
        return today_in(self.zone)


API_KEY_PREFIX = "prk_"


class ApiKey(models.Model):
    """A studio's key for the sync API. Only a hash is kept; the key is shown once."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="api_keys")
    label = models.CharField(max_length=80, default="studio desk")
    lookup = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["studio", "-created_at"]

    def __str__(self) -> str:
        return f"{self.studio} key {self.lookup}…"


def _digest(secret: str) -> str:
    # The secret is 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, studio: Studio, label: str = "studio desk") -> str:
    """Make a key and return it in full; it cannot be read back later."""
    lookup = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    ApiKey.objects.create(studio=studio, label=label, lookup=lookup, digest=_digest(secret))
    return f"{API_KEY_PREFIX}{lookup}_{secret}"


def studio_for_api_key(key: str) -> Studio | None:
    """The studio a presented key belongs to, or None for a wrong, revoked or malformed key."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    lookup, _, secret = key[len(API_KEY_PREFIX) :].partition("_")
    record = ApiKey.objects.select_related("studio").filter(lookup=lookup, revoked_at=None).first()
    if record is None or not secrets.compare_digest(record.digest, _digest(secret)):
        return None
    now = timezone.now()
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.studio


def studio_slug_for(name: str) -> str:
    base = slugify(name)[:50] or "studio"
    slug, n = base, 1
    while Studio.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@atomic
def studio_create(*, name: str, slug: str = "", email: str = "", welcome: str = "") -> Studio:
    studio = Studio(name=name, slug=slug or studio_slug_for(name), email=email, welcome=welcome)
    studio.full_clean()
    studio.save()
    return studio


@atomic
def studio_profile_update(
    *,
    studio: Studio,
    name: str,
    email: str,
    phone: str,
    website: str,
    currency: str,
    time_zone: str,
) -> Studio:
    studio.name, studio.email, studio.phone = name, email, phone
    studio.website, studio.currency, studio.time_zone = website, currency, time_zone
    studio.full_clean()
    studio.save()
    return studio


@atomic
def studio_ordering_update(
    *,
    studio: Studio,
    tax_rate: int,
    tax_label: str,
    shipping_fee: int,
    offer_shipping: bool,
    offer_pickup: bool,
) -> Studio:
    """The terms every cart of the studio is priced with."""
    studio.tax_rate, studio.tax_label = tax_rate, tax_label.strip() or "Tax"
    studio.shipping_fee = shipping_fee
    studio.offer_shipping, studio.offer_pickup = offer_shipping, offer_pickup
    studio.full_clean()
    studio.save()
    return studio


@atomic
def studio_payments_configure(
    *, studio: Studio, gateway: str, secret_key: str = "", webhook_secret: str = ""
) -> Studio:
    """Choose how the studio is paid online. Card payments need the gateway's secret key
    and its webhook signing secret; the manual gateway keeps no secrets."""
    if gateway not in PaymentGateway.values:
        known = ", ".join(PaymentGateway.values)
        raise ValidationError(f"Unknown payment gateway “{gateway}”; choose one of {known}.")
    secret_key, webhook_secret = secret_key.strip(), webhook_secret.strip()
    if gateway == PaymentGateway.STRIPE:
        if not secret_key.startswith(("sk_", "rk_")):
            raise ValidationError("Stripe needs the account's secret key (it starts sk_ or rk_).")
        if not webhook_secret.startswith("whsec_"):
            raise ValidationError(
                "Stripe needs the webhook's signing secret (it starts whsec_): add an endpoint "
                f"for /s/{studio.slug}/payments/stripe/webhook/ in Stripe's dashboard to get one."
            )
    else:
        secret_key = webhook_secret = ""
    studio.payment_gateway = gateway
    studio.stripe_secret_key, studio.stripe_webhook_secret = seal(secret_key), seal(webhook_secret)
    studio.full_clean()
    studio.save()
    return studio


def studios_listed() -> list[Studio]:
    """Every studio this gallery serves, for the directory at its root."""
    return list(Studio.objects.all())


def studio_for_landing() -> Studio | None:
    """The studio shown at the gallery's root: the only one, when there is only one."""
    studios = list(Studio.objects.all()[:2])
    return studios[0] if len(studios) == 1 else None


@atomic
def studio_secrets_reseal() -> int:
    """Seal every studio's stored secrets with the newest key (after a key rotation, or
    values from before sealing); returns how many studios changed. Raises UnsealError,
    changing nothing, when a secret opens with none of the configured keys."""
    changed = 0
    for studio in Studio.objects.select_for_update().exclude(
        stripe_secret_key="", stripe_webhook_secret=""
    ):
        studio.stripe_secret_key = reseal(studio.stripe_secret_key)
        studio.stripe_webhook_secret = reseal(studio.stripe_webhook_secret)
        studio.save(update_fields=["stripe_secret_key", "stripe_webhook_secret"])
        changed += 1
    return changed
