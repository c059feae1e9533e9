"""A studio's card-gateway secrets are sealed in the gallery's database: a dump of it
(or a backup of the database alone) does not give them away, and the key can be rotated."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import types

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connections

from proofroom.core.sealing import UnsealError, seal, unseal
from proofroom.gallery.store.checkout import studio_gateway
from proofroom.gallery.tenants import Studio, studio_payments_configure, studio_secrets_reseal
from proofroom.payments.base import GatewayError, WebhookRejected

pytestmark = pytest.mark.django_db(databases="__all__")

SECRET = "sk_test_51NorthlightSecretKeyThatMustNotLeak"
SIGNING = "whsec_NorthlightSigningSecret"


def stored_row(studio: Studio) -> tuple[str, str]:
    """The two columns as the database holds them (what a dump would show)."""
    with connections[django_settings.GALLERY_DB].cursor() as cursor:
        cursor.execute(
            "SELECT stripe_secret_key, stripe_webhook_secret FROM gallery_studio WHERE id = %s",
            [studio.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def configured(studio: Studio) -> None:
    studio_payments_configure(
        studio=studio, gateway="stripe", secret_key=SECRET, webhook_secret=SIGNING
    )
    studio.refresh_from_db()


def verifies_webhooks_signed_with_the_signing_secret(studio: Studio) -> bool:
    """The studio's gateway, as the webhook view builds it, believes Stripe's signature."""
    payload = json.dumps({"id": "evt_1ping", "object": "event", "type": "ping", "data": {}})
    t = int(time.time())
    digest = hmac.new(SIGNING.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    gateway = studio_gateway(studio)
    try:
        gateway.parse_webhook(payload.encode(), {"Stripe-Signature": f"t={t},v1={digest}"})
    except WebhookRejected:
        return False
    return True


def test_the_database_holds_the_secrets_sealed_and_the_gateway_gets_them_back(
    gallery_studio: Studio,
) -> None:
    configured(gallery_studio)
    secret_key, webhook_secret = stored_row(gallery_studio)
    assert secret_key.startswith("sealed:v1:") and webhook_secret.startswith("sealed:v1:")
    assert "Northlight" not in secret_key + webhook_secret
    assert unseal(secret_key) == SECRET and unseal(webhook_secret) == SIGNING
    assert verifies_webhooks_signed_with_the_signing_secret(gallery_studio)
    # Sealing twice gives two different values: equal secrets cannot be spotted in a dump.
    assert seal(SECRET) != seal(SECRET)


def test_another_servers_key_cannot_open_them_and_says_what_to_do(
    gallery_studio: Studio, settings
) -> None:  # type: ignore[no-untyped-def]
    configured(gallery_studio)
    settings.SECRETS_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UnsealError, match="PROOFROOM_SECRETS_KEY"):
        unseal(gallery_studio.stripe_secret_key)
    with pytest.raises(GatewayError) as refused:
        studio_gateway(gallery_studio)
    assert str(refused.value) == "card payments are not set up correctly on this site"


def test_a_rotated_key_opens_old_values_and_reseal_moves_them_to_it(
    gallery_studio: Studio, rival_studio: Studio, settings
) -> None:  # type: ignore[no-untyped-def]
    old_key = settings.SECRETS_KEYS[0]
    configured(gallery_studio)
    new_key = Fernet.generate_key().decode()
    settings.SECRETS_KEYS = [new_key, old_key]
    gallery_studio.refresh_from_db()
    assert verifies_webhooks_signed_with_the_signing_secret(gallery_studio)
    assert studio_secrets_reseal() == 1  # the rival studio, with no card payments, is untouched
    settings.SECRETS_KEYS = [new_key]
    gallery_studio.refresh_from_db()
    assert verifies_webhooks_signed_with_the_signing_secret(gallery_studio)
    assert unseal(gallery_studio.stripe_secret_key) == SECRET
    rival_studio.refresh_from_db()
    assert rival_studio.stripe_secret_key == ""


def test_reseal_with_a_key_missing_changes_nothing(gallery_studio: Studio, settings) -> None:  # type: ignore[no-untyped-def]
    configured(gallery_studio)
    before = stored_row(gallery_studio)
    settings.SECRETS_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UnsealError):
        studio_secrets_reseal()
    assert stored_row(gallery_studio) == before


def test_the_migration_seals_secrets_stored_plain_before(gallery_studio: Studio) -> None:
    migration = __import__(
        "proofroom.gallery.migrations.0006_sealed_gateway_secrets", fromlist=["seal_plain_secrets"]
    )
    Studio.objects.filter(pk=gallery_studio.pk).update(
        payment_gateway="stripe", stripe_secret_key=SECRET, stripe_webhook_secret=SIGNING
    )
    editor = types.SimpleNamespace(connection=connections[django_settings.GALLERY_DB])
    migration.seal_plain_secrets(apps, editor)
    secret_key, webhook_secret = stored_row(gallery_studio)
    assert secret_key.startswith("sealed:v1:") and SECRET not in secret_key
    assert webhook_secret.startswith("sealed:v1:") and SIGNING not in webhook_secret
    gallery_studio.refresh_from_db()
    assert verifies_webhooks_signed_with_the_signing_secret(gallery_studio)
    migration.seal_plain_secrets(apps, editor)  # run again: sealed values stay as they are
    assert stored_row(gallery_studio)[0] == secret_key
