"""A stranger cannot take a client's email before the studio uploads the client: over a real
HTTP hop, the uploaded client always gets her own login, and Download Guests never links
a guest to her record without proof that the guest owns the address."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client as Browser

from proofroom.gallery.accounts import Account, AccountKind, account_guest_create
from proofroom.studio.clients import Client
from proofroom.studio.guests import GuestLink
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncStatus
from tests.factories import ClientFactory, make_session
from tests.sync.conftest import add_photos, mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

STRANGER = {
    "first_name": "Dana",
    "last_name": "Dunne",
    "email": "dana@dunne.example",
    "new_password": "stolen-identity-2026",
    "repeat_password": "stolen-identity-2026",
}


def upload_dana(wedding: Session, tmp_path: Path, sync) -> Client:  # type: ignore[no-untyped-def]
    dana = ClientFactory(first_name="Dana", last_name="Dunne", email="dana@dunne.example")
    session = make_session(client=dana, description="Dana's portraits")
    session.session_type = wedding.session_type
    session.save()
    add_photos(session, tmp_path, 2, start=50)
    mark(session)
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    return dana


def dana_signs_in_with_email_and_last_name() -> None:
    response = Browser().post(
        "/s/northlight/login/", {"username": "dana@dunne.example", "password": "Dunne"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/s/northlight/password/"


def test_a_strangers_sign_up_with_her_email_takes_neither_her_login_nor_her_record(
    wedding: Session, sync, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 16: a guest signed up with dana@dunne.example on a public event
    before the desk uploaded client Dana; her login was stored without a user name, and
    Download Guests linked the stranger's guest record (and orders) to her record."""
    mark(wedding, event_type="public")
    sync()
    stranger = Browser()
    signed_up = stranger.post(f"/s/northlight/e/{wedding.uuid}/guest/", STRANGER)
    assert "Check your email" in signed_up.content.decode()

    dana = upload_dana(wedding, tmp_path, sync)
    account = Account.objects.get(client_uuid=dana.uuid)
    assert account.username == "dana@dunne.example"
    dana_signs_in_with_email_and_last_name()
    refused = Browser().post(
        "/s/northlight/login/",
        {"username": "dana@dunne.example", "password": STRANGER["new_password"]},
    )
    assert "That user name and password do not match." in refused.content.decode()

    run = sync(["guest"])
    assert run.downloaded == {"guest": 0}
    assert not GuestLink.objects.filter(client=dana).exists()
    assert Client.objects.filter(email__iexact="dana@dunne.example").count() == 1


def test_a_guest_login_holding_her_email_gives_it_up_and_is_never_merged_into_hers(
    wedding: Session, sync, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 16: even a guest login that already goes by the address (made before
    the studio uploaded her) does not keep the client from her own login, and
    does not become hers: it stays a guest, apart."""
    mark(wedding, event_type="public")
    sync()
    studio_id = Account.objects.get(client_uuid=wedding.client.uuid).studio_id
    guest = account_guest_create(
        studio_id=studio_id,
        first_name="Dana",
        last_name="Dunne",
        email="dana@dunne.example",
        password="stolen-identity-2026",
        session_uuid=wedding.uuid,
    )
    dana = upload_dana(wedding, tmp_path, sync)
    account = Account.objects.get(client_uuid=dana.uuid)
    assert account.username == "dana@dunne.example" and account.pk != guest.pk
    dana_signs_in_with_email_and_last_name()
    guest.refresh_from_db()
    assert (guest.kind, guest.client_uuid, guest.username) == (AccountKind.GUEST, None, "")
