"""Gallery logins: a studio's clients (made by the sync) and, later, guests.

The seed sets a client's user name to their email and password to their last
name. A last name is guessable, so that default works once, to activate: the
first login with it must set a new password before anything else is shown.
"""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from proofroom.gallery.db import atomic


class AccountKind(models.TextChoices):
    CLIENT = "client", "Client"
    GUEST = "guest", "Guest"


class Account(models.Model):
    """A person who signs in to one studio's gallery."""

    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="accounts")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    kind = models.CharField(max_length=8, choices=AccountKind.choices, default=AccountKind.CLIENT)
    client_uuid = models.UUIDField(null=True, blank=True, help_text="The studio's client record.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.JSONField(default=dict, blank=True)
    username = models.CharField(max_length=254, blank=True)
    password = models.CharField(max_length=255)
    must_set_password = models.BooleanField(
        default=True, help_text="Still on the default password (the last name)."
    )
    login_reset_seen = models.PositiveIntegerField(default=0)
    pending = models.BooleanField(
        default=False,
        help_text="A guest sign-up whose email is not confirmed yet: it cannot sign in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["studio", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "client_uuid"], name="account_once_per_client"
            ),
            models.UniqueConstraint(
                "studio",
                Lower("username"),
                condition=~models.Q(username=""),
                name="account_username_ci",
                violation_error_message="That user name is taken.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)

    # The session keeps this with the account id; changing the password changes
    # it, which signs out every other browser.
    @property
    def session_hash(self) -> str:
        return self.password[-16:]


def default_password(last_name: str) -> str:
    return last_name.strip().casefold()


def account_authenticate(*, studio_id: int, username: str, password: str) -> Account | None:
    account = (
        Account.objects.filter(studio_id=studio_id, username__iexact=username.strip())
        .exclude(username="")
        .first()
    )
    if account is None:
        # Same work as a real check, so a wrong user name takes as long as a wrong password.
        make_password(password)
        return None
    candidate = default_password(password) if account.must_set_password else password
    if not check_password(candidate, account.password):
        return None
    Account.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    return account


class PasswordRefused(ValidationError):
    pass


NAME_PART_MIN = 3
CONTAINS_NAME = "Choose a password that does not contain your name or your email address."


def _name_parts(account: Account) -> set[str]:
    """The first and last name and the email's local part, whole and word by word, of
    at least ``NAME_PART_MIN`` characters, in lower case."""
    local_part = account.email.rpartition("@")[0] if "@" in account.email else account.email
    parts: set[str] = set()
    for value in (account.first_name, account.last_name, local_part):
        value = value.casefold().strip()
        parts.add(value)
        parts.update(re.split(r"[\W_]+", value))
    return {part for part in parts if len(part) >= NAME_PART_MIN}


def _check_new_password(account: Account, password: str) -> None:
    """Django's validators (length, common passwords, digits only, similar to the name
    or email), never the last name the default was made from, and never a password that
    contains a name: Django's similarity check misses ``souza12345`` for a Souza."""

    if default_password(password) == default_password(account.last_name):
        raise PasswordRefused("Choose a password other than your last name.")
    validate_password(password, _ValidatorView(account))  # type: ignore[arg-type]
    folded = password.casefold()
    if any(part in folded for part in _name_parts(account)):
        raise PasswordRefused(CONTAINS_NAME, code="password_contains_name")


class _Meta:
    @staticmethod
    def get_field(name: str) -> SimpleNamespace:
        return SimpleNamespace(
            verbose_name={"username": "user name"}.get(name, name.replace("_", " "))
        )


class _ValidatorView:
    """What Django's password validators read of a user (attributes and their names)."""

    _meta = _Meta()

    def __init__(self, account: Account) -> None:
        self.username = account.username
        self.first_name = account.first_name
        self.last_name = account.last_name
        self.email = account.email


@atomic
def account_set_password(*, account: Account, password: str) -> None:
    """Set the login's own password; a client's first one (leaving the last name) tells the
    studio, so its letters stop quoting the last name as the password."""
    _check_new_password(account, password)
    activated = account.must_set_password
    account.password = make_password(password)
    account.must_set_password = False
    account.save(update_fields=["password", "must_set_password"])
    if activated and account.kind == AccountKind.CLIENT and account.client_uuid is not None:
        _activated_emit(account)


def _activated_emit(account: Account) -> None:
    from proofroom.gallery.feed import change_emit
    from proofroom.sync import protocol

    assert account.client_uuid is not None
    change_emit(
        studio_id=account.studio_id,
        kind=protocol.ChangeKind.ACCOUNT,
        payload=protocol.AccountActivatedChange(
            account=account.uuid,
            client=account.client_uuid,
            login_reset=account.login_reset_seen,
            activated_at=timezone.now(),
        ).model_dump(mode="json"),
    )


@atomic
def account_change_username(*, account: Account, username: str) -> None:
    username = username.strip()
    if not username:
        raise ValidationError("Enter a user name.")
    clash = (
        Account.objects.filter(studio_id=account.studio_id, username__iexact=username)
        .exclude(pk=account.pk)
        .exists()
    )
    if clash:
        raise ValidationError("That user name is taken.")
    account.username = username
    account.save(update_fields=["username"])


def _reset_to_defaults(account: Account) -> None:
    account.username = account.email
    account.password = make_password(default_password(account.last_name))
    account.must_set_password = True


@atomic
def account_from_studio_client(
    *,
    studio_id: int,
    client_uuid: uuid.UUID,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    address: dict[str, str],
    login_reset: int,
) -> Account:
    """Create or refresh a client's login from the studio's record (idempotent).

    A new login gets the seed's defaults; a Reset Login on the studio (a grown
    counter) puts them back; otherwise the client's own user name and password stay.
    """
    account = (
        Account.objects.select_for_update()
        .filter(studio_id=studio_id, client_uuid=client_uuid)
        .first()
    )
    if account is None:
        account = Account(studio_id=studio_id, client_uuid=client_uuid, kind=AccountKind.CLIENT)
    account.first_name, account.last_name = first_name, last_name
    account.email, account.phone, account.address = email, phone, address
    if account.pk is None or login_reset > account.login_reset_seen:
        _reset_to_defaults(account)
        account.login_reset_seen = login_reset
    if account.username:
        _take_username(account)
    account.save()
    return account


def _take_username(account: Account) -> None:
    """Give a client's login its user name (the email). A guest login that holds it gives
    it up: anyone could sign up as a guest with any address before the studio uploaded its
    client, and a guest never becomes, or merges into, a client. Another client's login
    keeps it: this one cannot sign in by email until the studio fixes the duplicate."""
    holders = list(
        Account.objects.select_for_update()
        .filter(studio_id=account.studio_id, username__iexact=account.username)
        .exclude(pk=account.pk)
    )
    for holder in holders:
        if holder.kind == AccountKind.GUEST:
            holder.username = ""
            holder.save(update_fields=["username"])
        else:
            account.username = ""


def account_email_taken(*, studio_id: int, email: str) -> bool:
    """A login other than a pending sign-up goes by this email (as user name or email)."""
    return (
        Account.objects.filter(studio_id=studio_id, pending=False)
        .filter(models.Q(username__iexact=email) | models.Q(email__iexact=email))
        .exists()
    )


def guest_pending_build(
    *, studio_id: int, first_name: str, last_name: str, email: str, password: str
) -> Account:
    """A guest's sign-up, checked and not yet saved. Once saved it waits for its email to be
    confirmed: without a user name it cannot sign in, and the studio hears nothing of it.
    The password follows the clients' rules."""
    email = email.strip()
    if not first_name.strip() or not last_name.strip():
        raise ValidationError("Enter your first and last name.")
    account = Account(
        studio_id=studio_id,
        kind=AccountKind.GUEST,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        username=email,  # what the validators compare the password with
        must_set_password=False,
        pending=True,
    )
    _check_new_password(account, password)
    account.password = make_password(password)
    account.username = ""
    account.full_clean(exclude=["password"])
    return account


@atomic
def account_guest_activate(
    *, studio_id: int, account_uuid: uuid.UUID, session_uuid: uuid.UUID | None = None
) -> Account | None:
    """Open a pending guest sign-up whose owner proved the address (a mailed link): its
    email becomes its user name, and the studio hears of it (Download Guests).

    None when there is no such pending sign-up (it was opened already, or is gone). A
    ValidationError when another login took the email meanwhile (the sign-up then lapses
    unopened).
    """
    from proofroom.gallery.feed import change_emit
    from proofroom.sync import protocol

    account = (
        Account.objects.select_for_update()
        .filter(studio_id=studio_id, uuid=account_uuid, kind=AccountKind.GUEST, pending=True)
        .first()
    )
    if account is None:
        return None
    if account_email_taken(studio_id=studio_id, email=account.email):
        raise ValidationError(
            "You have a login with this email already: sign in with it.", code="email_taken"
        )
    account.username, account.pending = account.email, False
    account.save(update_fields=["username", "pending"])
    change_emit(
        studio_id=studio_id,
        kind=protocol.ChangeKind.GUEST,
        payload=protocol.GuestChange(
            account=account.uuid,
            first_name=account.first_name,
            last_name=account.last_name,
            email=account.email,
            session=session_uuid,
        ).model_dump(mode="json"),
    )
    return account


@atomic
def account_guest_create(
    *,
    studio_id: int,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    session_uuid: uuid.UUID | None = None,
) -> Account:
    """A guest login made at once, its address taken as proven (the demo's sample guest).
    Visitors sign up through :func:`proofroom.gallery.guests.guest_signup_request`."""
    account = guest_pending_build(
        studio_id=studio_id,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
    )
    account.save()
    activated = account_guest_activate(
        studio_id=studio_id, account_uuid=account.uuid, session_uuid=session_uuid
    )
    assert activated is not None
    return activated
