"""``proofroom gallery ...``: the gallery's own commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from proofroom.cli.base import fail
from proofroom.payments.base import PaymentGateway


def cmd_gallery_create_studio(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        fail("create-studio runs on the gallery side")
    from django.core.exceptions import ValidationError

    from proofroom.gallery.tenants import api_key_create, studio_create

    try:
        studio = studio_create(name=args.name, slug=args.slug, email=args.email)
    except ValidationError as exc:
        fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
    key = api_key_create(studio=studio)
    print(f"Studio: {studio.name}")
    print(f"Site:   {settings.PUBLIC_URL}/s/{studio.slug}/")
    print(f"API key (shown once; paste it in the desk's Settings): {key}")


def cmd_gallery_payments(args: argparse.Namespace) -> None:
    """Choose how a studio's site takes payments. Secrets come from the environment (or a
    prompt), never from the command line, where `ps` and shell history would keep them."""
    import getpass
    import os

    from django.conf import settings

    if not settings.RUNS_GALLERY:
        fail("payments are set on the gallery side")
    from django.core.exceptions import ValidationError

    from proofroom.gallery.tenants import Studio, studio_payments_configure

    studio = Studio.objects.filter(slug=args.slug).first()
    if studio is None:
        fail(f"this gallery has no studio at /s/{args.slug}/")
    secret_key = webhook_secret = ""
    if args.gateway == PaymentGateway.STRIPE:
        secret_key = os.environ.get("STRIPE_SECRET_KEY", "") or getpass.getpass(
            "Stripe secret key (sk_…): "
        )
        webhook_secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "") or getpass.getpass(
            "Stripe webhook signing secret (whsec_…): "
        )
    try:
        studio_payments_configure(
            studio=studio,
            gateway=args.gateway,
            secret_key=secret_key,
            webhook_secret=webhook_secret,
        )
    except ValidationError as exc:
        fail(" ".join(exc.messages))
    if args.gateway == PaymentGateway.STRIPE:
        print(f"{studio.name}: card payments through Stripe Checkout.")
        print(
            "In Stripe's dashboard, send the events checkout.session.completed and "
            "checkout.session.async_payment_succeeded to:"
        )
        print(f"  {settings.PUBLIC_URL}/s/{studio.slug}/payments/stripe/webhook/")
    else:
        print(f"{studio.name}: orders are placed unpaid; the studio contacts the client to pay.")


def cmd_gallery_mail(args: argparse.Namespace) -> None:
    """Show the mail that waits (the mail server refused or did not answer), and send what is
    due now; --retry-given-up first gives the given-up messages a fresh set of attempts."""
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        fail("the mail outbox is the gallery's")
    from django.utils import timezone

    from proofroom.gallery.mail import mail_deliver, mail_retry_given_up, mail_waiting

    if args.retry_given_up:
        print(f"Given up, tried again: {mail_retry_given_up()}")
    report = mail_deliver(limit=10_000)
    print(f"Sent now: {report.sent}; failed again: {report.failed}")
    waiting = mail_waiting()
    if not waiting:
        print("Nothing waits: every message was sent.")
        return
    now = timezone.now()
    for mail in waiting:
        if mail.gave_up_at:
            state = f"given up after {mail.attempts} attempts"
        else:
            minutes = max(0, round((mail.next_attempt_at - now).total_seconds() / 60))
            state = f"attempt {mail.attempts + 1} in {minutes} min"
        print(
            f"  {mail.studio.slug}  {mail.get_kind_display()} {mail.reference} "
            f"to {', '.join(mail.to)}: {state}"
        )
        if mail.last_error:
            print(f"      last error: {mail.last_error}")
    if any(mail.gave_up_at for mail in waiting):
        sys.exit(1)


def cmd_gallery_reseal(args: argparse.Namespace) -> None:
    """Seal every stored gateway secret with the newest key of PROOFROOM_SECRETS_KEY."""
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        fail("the gateway secrets are the gallery's")
    from proofroom.core.sealing import UnsealError
    from proofroom.gallery.tenants import studio_secrets_reseal

    try:
        changed = studio_secrets_reseal()
    except UnsealError as error:
        fail(f"nothing was changed: {error}")
    print(f"Sealed with the newest key: the secrets of {changed} studio(s).")
    if len(settings.SECRETS_KEYS) > 1:
        print("The older keys in PROOFROOM_SECRETS_KEY can now be removed.")


def cmd_gallery_sweep(args: argparse.Namespace) -> None:
    """Delete the derivatives no session uses and the stray files in the gallery's storage,
    once older than the grace period; --verify also re-hashes every stored file."""
    import datetime as dt

    from django.conf import settings

    if not settings.RUNS_GALLERY:
        fail("the sweep cleans the gallery's storage; run it on the gallery side")
    from proofroom.gallery.sweep import blobs_sweep

    hours = settings.SWEEP_GRACE_HOURS if args.grace_hours is None else args.grace_hours
    if hours < 0:
        fail("--grace-hours cannot be negative")
    report = blobs_sweep(grace=dt.timedelta(hours=hours), verify=args.verify)
    print(f"Unused derivatives deleted: {report.derivatives_deleted}")
    print(f"Stray files deleted: {report.files_deleted}")
    if args.verify:
        print(
            f"Damaged files deleted: {report.damaged_files_deleted} "
            "(the next sync sends them again)"
        )


def add_commands(sub: Any) -> None:
    gallery = sub.add_parser("gallery", help="the gallery's own commands")
    gsub = gallery.add_subparsers(dest="gallery_command", required=True, metavar="COMMAND")
    create = gsub.add_parser("create-studio", help="add a studio and print its API key once")
    create.add_argument("name")
    create.add_argument("--slug", default="", help="its address: /s/SLUG/ (made from the name)")
    create.add_argument("--email", default="")
    create.set_defaults(func=cmd_gallery_create_studio)
    pay = gsub.add_parser(
        "payments",
        help="how a studio's site takes payments: manual (no merchant account) or stripe",
    )
    pay.add_argument("slug", help="the studio's address: /s/SLUG/")
    pay.add_argument("--gateway", choices=PaymentGateway.values, required=True)
    pay.set_defaults(func=cmd_gallery_payments)

    mail = gsub.add_parser(
        "mail", help="the mail that waits for the mail server; send what is due now"
    )
    mail.add_argument(
        "--retry-given-up",
        action="store_true",
        help="try the given-up messages again (after fixing the mail settings)",
    )
    mail.set_defaults(func=cmd_gallery_mail)

    reseal = gsub.add_parser(
        "reseal", help="seal the stored gateway secrets with the newest secrets key (rotation)"
    )
    reseal.set_defaults(func=cmd_gallery_reseal)

    sweep = gsub.add_parser(
        "sweep", help="delete derivatives no session uses and stray files, after a grace period"
    )
    sweep.add_argument(
        "--grace-hours",
        type=float,
        default=None,
        help="keep what is younger than this (default: PROOFROOM_SWEEP_GRACE_HOURS, 24)",
    )
    sweep.add_argument(
        "--verify", action="store_true", help="also re-hash every file; drop the damaged ones"
    )
    sweep.set_defaults(func=cmd_gallery_sweep)
