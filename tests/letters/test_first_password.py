"""{{ gallery.password }} tells the truth: the client's last name until they set their own
password in the gallery, then "the password you chose" once a sync has brought that home
(the gallery's feed says which logins were activated; the sync is a real HTTP hop). A Reset
Login on the desk puts the last name back; a desk or gallery that does not know a change
kind passes it over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as Browser
from django.utils import timezone

from proofroom.gallery.accounts import Account
from proofroom.gallery.db import atomic
from proofroom.gallery.feed import change_emit, feed_head
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.clients import Client
from proofroom.studio.downloads import changes_apply, cursor_for
from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.services import ONLINE_LETTER, letter_render
from proofroom.studio.online import client_reset_login
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncKind, SyncStatus
from proofroom.sync import protocol
from tests.cast import OWN_PASSWORD, login
from tests.sync.conftest import mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

FIRST = "Your user name is ana@example.com and your password is Souza."
CHOSEN = "Your user name is ana@example.com and your password is the password you chose."


def letter_text(client: Client) -> str:
    client.refresh_from_db()
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    return letter_render(letter=letter, client=client).text


def choose_password(browser: Browser) -> None:
    """Ana signs in to the gallery with her last name and sets her own password."""
    assert login(browser, "ana@example.com", "souza")["Location"] == "/s/northlight/password/"
    response = browser.post(
        "/s/northlight/password/", {"new_password": OWN_PASSWORD, "repeat_password": OWN_PASSWORD}
    )
    assert response["Location"] == "/s/northlight/home/"


def test_the_letter_says_the_last_name_until_the_client_sets_a_password_and_a_sync_runs(  # type: ignore[no-untyped-def]
    wedding: Session, sync, client: Browser
) -> None:
    ana = wedding.client
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    assert FIRST in letter_text(ana)

    # Signing in with the last name is not choosing a password.
    assert login(Browser(), "ana@example.com", "souza").status_code == 302
    assert sync().status == SyncStatus.SUCCEEDED
    assert FIRST in letter_text(ana)

    choose_password(client)
    assert FIRST in letter_text(ana)  # the desk has not heard yet
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.downloaded.get(protocol.ChangeKind.ACCOUNT) == 1
    assert CHOSEN in letter_text(ana)

    # Changing it again later says nothing new; the letter stays as it is.
    assert sync().status == SyncStatus.SUCCEEDED
    assert CHOSEN in letter_text(ana)


def test_a_reset_login_puts_the_last_name_back_even_before_a_late_activation(  # type: ignore[no-untyped-def]
    wedding: Session, sync, client: Browser
) -> None:
    ana = wedding.client
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    choose_password(client)
    assert sync().status == SyncStatus.SUCCEEDED
    assert CHOSEN in letter_text(ana)

    client_reset_login(client=ana)
    assert FIRST in letter_text(ana)
    # The reset reaches the gallery: the last name works again, once.
    assert sync().status == SyncStatus.SUCCEEDED
    assert FIRST in letter_text(ana)
    account = Account.objects.get(client_uuid=ana.uuid)
    assert account.must_set_password

    # She chooses again, but the studio pressed Reset Login once more before the sync
    # brought it home: that activation is of a login that is gone.
    choose_password(Browser())
    client_reset_login(client=ana)
    assert sync().status == SyncStatus.SUCCEEDED
    assert FIRST in letter_text(ana)


def test_downloads_only_sync_leaves_the_activations_for_the_logins_sync(  # type: ignore[no-untyped-def]
    wedding: Session, sync, client: Browser
) -> None:
    ana = wedding.client
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    choose_password(client)
    assert sync(kinds=[SyncKind.DOWNLOAD_ORDERS]).status == SyncStatus.SUCCEEDED
    assert FIRST in letter_text(ana)
    assert sync(kinds=[SyncKind.CLIENTS]).status == SyncStatus.SUCCEEDED
    assert CHOSEN in letter_text(ana)


def test_an_old_gallery_answers_an_unknown_kind_with_an_empty_page(  # type: ignore[no-untyped-def]
    connected, gallery_studio: GalleryStudio, client: Browser
) -> None:
    with atomic():
        change_emit(studio_id=gallery_studio.pk, kind="from-the-future", payload={"x": 1})
    response = client.get(
        "/api/sync/v1/changes",
        {"kinds": "from-the-future", "after": 0},
        HTTP_AUTHORIZATION=f"Bearer {connected.gallery_api_key}",
    )
    assert response.status_code == 200, response.content
    page = protocol.ChangesPage.model_validate_json(response.content)
    assert page.changes == [] and page.head == feed_head(studio_id=gallery_studio.pk)


def test_a_desk_passes_over_a_kind_it_cannot_apply_and_moves_on(db: None) -> None:  # type: ignore[no-untyped-def]
    at = timezone.now() - dt.timedelta(minutes=1)
    page = protocol.ChangesPage(
        changes=[
            protocol.Change(seq=3, kind="from-the-future", at=at, data={"anything": True}),
            protocol.Change(seq=5, kind="from-the-future", at=at, data={}),
        ],
        head=5,
    )
    assert changes_apply(kind="from-the-future", page=page) == (0, 5)
    assert cursor_for("from-the-future") == 5
    # A page of other kinds than asked (a confused gallery) moves the cursor too.
    other = protocol.ChangesPage(
        changes=[protocol.Change(seq=7, kind="yearbook", at=at, data={})], head=7
    )
    assert changes_apply(kind=protocol.ChangeKind.ACCOUNT, page=other) == (0, 7)
