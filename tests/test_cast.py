"""The named cast of CONVENTIONS.md, defined once in tests/conftest.py, is who it says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from proofroom.gallery.accounts import Account, AccountKind
from proofroom.gallery.tenants import Studio as GalleryStudio

pytestmark = pytest.mark.django_db


def test_the_owner_edits_web_orders_and_the_assistant_does_not(
    owner: User, assistant: User
) -> None:
    """Issue 12: the cast's assistant has no invoice-editing rights; the owner has them."""
    assert owner.has_perm("studio.change_web_order_invoice")
    assert not assistant.has_perm("studio.change_web_order_invoice")


def test_the_desk_fixture_is_signed_in_as_the_owner(desk: Client, owner: User) -> None:
    assert desk.get("/desk/").wsgi_request.user == owner


def test_the_client_the_guest_and_the_rivals_client_belong_where_they_should(
    ada: Account,
    guest: Account,
    rival_client: Account,
    gallery_studio: GalleryStudio,
    rival_studio: GalleryStudio,
) -> None:
    """Issue 12: the cast has a client, a guest of ours, and a client of a rival studio."""
    assert (ada.kind, ada.studio_id) == (AccountKind.CLIENT, gallery_studio.pk)
    assert (guest.kind, guest.studio_id) == (AccountKind.GUEST, gallery_studio.pk)
    assert (rival_client.kind, rival_client.studio_id) == (AccountKind.CLIENT, rival_studio.pk)
