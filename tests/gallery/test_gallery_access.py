"""Who may view an online session: its client, anyone (public), code holders (private),
invitees (None); nobody once it has expired or been taken down; nobody of another studio."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import Invitation
from proofroom.gallery.publishing import session_take_down
from proofroom.gallery.tenants import Studio
from proofroom.gallery.throttle import AttemptCounter
from proofroom.sync.protocol import EventType
from tests.cast import Published, make_client, publish, sign_in, today

pytestmark = pytest.mark.django_db

CODE_UNKNOWN = "We could not find an event with that code."
EXPIRED = "This gallery has expired"


def gallery(published: Published, slug: str = "northlight") -> str:
    return f"/s/{slug}/e/{published.session.uuid}/"


def image_urls(published: Published, slug: str = "northlight") -> list[str]:
    first = published.images[0].uuid
    return [f"/s/{slug}/i/{first}/thumb/", f"/s/{slug}/i/{first}/preview/"]


@pytest.fixture
def private(gallery_studio: Studio, ada: Account) -> Published:
    return publish(
        gallery_studio,
        ada,
        event_type=EventType.PRIVATE,
        code="Lake 2026",
        title="Lakeside wedding",
        images=6,
    )


@pytest.fixture
def public(gallery_studio: Studio, ada: Account) -> Published:
    return publish(
        gallery_studio,
        ada,
        event_type=EventType.PUBLIC,
        code="RUN10K",
        title="Harbour 10K run",
        date=dt.date(2026, 5, 3),
        images=6,
    )


# --------------------------------------------------------------------------- None: client only


def test_the_client_sees_their_session_and_its_images(
    client: Client, ada: Account, published: Published
) -> None:
    sign_in(client, ada)
    page = client.get(gallery(published))
    assert page.status_code == 200
    assert "Souza wedding" in page.content.decode()
    for url in image_urls(published):
        assert client.get(url).status_code == 200


def test_a_client_only_session_is_hidden_from_others(
    client: Client, published: Published, gallery_studio: Studio
) -> None:
    assert client.get(gallery(published)).status_code == 404
    for url in image_urls(published):
        assert client.get(url).status_code == 404
    other = make_client(gallery_studio, first="Bea", last="Lima", email="bea@lima.example")
    sign_in(client, other)
    assert client.get(gallery(published)).status_code == 404
    for url in image_urls(published):
        assert client.get(url).status_code == 404


def test_the_not_found_page_offers_to_sign_in_and_come_back(
    client: Client, published: Published
) -> None:
    body = client.get(gallery(published)).content.decode()
    assert "We could not find that page" in body
    assert f"/s/northlight/login/?next=%2Fs%2Fnorthlight%2Fe%2F{published.session.uuid}" in body
    assert "Souza wedding" not in body


def test_the_client_home_lists_sessions_with_expire_dates(
    client: Client, ada: Account, gallery_studio: Studio
) -> None:
    until = today() + dt.timedelta(days=40)
    publish(gallery_studio, ada, title="Family portraits", expire_date=until, images=2)
    publish(
        gallery_studio,
        ada,
        title="Old christening",
        expire_date=today() - dt.timedelta(days=5),
        images=1,
    )
    gone = publish(gallery_studio, ada, title="Taken down shoot", images=1)
    session_take_down(studio=gallery_studio, session_uuid=gone.session.uuid)
    sign_in(client, ada)
    body = client.get("/s/northlight/home/").content.decode()
    assert "Family portraits" in body
    assert f"Online until {until.day} {until:%B %Y}" in body
    assert "Old christening" in body and "expired on" in body
    assert "Taken down shoot" not in body


# --------------------------------------------------------------------------- invitations


def test_the_client_invites_someone_who_then_sees_the_session(
    client: Client, ada: Account, published: Published, mailoutbox: list[mail.EmailMessage]
) -> None:
    sign_in(client, ada)
    page = client.get(gallery(published)).content.decode()
    assert "Invite someone to view" in page
    response = client.post(
        f"{gallery(published)}invite/", {"email": "grandma@souza.example"}, follow=True
    )
    assert "Invitation sent to grandma@souza.example." in response.content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["grandma@souza.example"]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == ada and invitation.session == published.session
    link = f"http://testserver/s/northlight/invite/{invitation.token}/"
    assert link in message.body
    assert "Souza wedding" in message.body and "Ada Souza" in message.body

    guest = Client()
    assert guest.get(gallery(published)).status_code == 404
    response = guest.get(link.removeprefix("http://testserver"))
    assert response.status_code == 302 and response["Location"] == gallery(published)
    assert guest.get(gallery(published)).status_code == 200
    for url in image_urls(published):
        assert guest.get(url).status_code == 200
    assert "Invite someone to view" not in guest.get(gallery(published)).content.decode()


def test_inviting_the_same_person_again_sends_the_same_link(
    client: Client, ada: Account, published: Published, mailoutbox: list[mail.EmailMessage]
) -> None:
    sign_in(client, ada)
    for email in ("tia@souza.example", "TIA@souza.example"):
        client.post(f"{gallery(published)}invite/", {"email": email})
    assert Invitation.objects.count() == 1
    token = Invitation.objects.get().token
    assert all(token in m.body for m in mailoutbox) and len(mailoutbox) == 2


def test_a_bad_email_is_refused(
    client: Client, ada: Account, published: Published, mailoutbox: list[mail.EmailMessage]
) -> None:
    sign_in(client, ada)
    response = client.post(f"{gallery(published)}invite/", {"email": "not an email"}, follow=True)
    assert "Enter the email address" in response.content.decode()
    assert not mailoutbox and not Invitation.objects.exists()


def test_only_the_sessions_client_may_invite(
    client: Client,
    ada: Account,
    published: Published,
    private: Published,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    # A guest let in by an invitation cannot invite more people.
    invitation = Invitation.objects.create(
        session=published.session, email="g@x.example", invited_by=ada
    )
    client.get(f"/s/northlight/invite/{invitation.token}/")
    response = client.post(f"{gallery(published)}invite/", {"email": "more@x.example"})
    assert response.status_code == 404
    # Nor does a private event take invitations: its guests use the code.
    sign_in(client, ada)
    assert client.post(f"{gallery(private)}invite/", {"email": "x@x.example"}).status_code == 404
    assert "LAKE2026" in client.get(gallery(private)).content.decode()
    assert not mailoutbox


def test_an_unknown_invitation_is_not_found(client: Client, published: Published) -> None:
    assert client.get("/s/northlight/invite/not-a-token/").status_code == 404


def test_an_invitation_works_only_on_its_studios_site(
    client: Client, ada: Account, published: Published, rival_studio: Studio
) -> None:
    invitation = Invitation.objects.create(
        session=published.session, email="g@x.example", invited_by=ada
    )
    assert client.get(f"/s/rival/invite/{invitation.token}/").status_code == 404


# --------------------------------------------------------------------------- event codes


def test_a_private_event_needs_its_code(client: Client, private: Published) -> None:
    assert client.get(gallery(private)).status_code == 404
    for url in image_urls(private):
        assert client.get(url).status_code == 404
    response = client.post("/s/northlight/code/", {"code": " lake2026 "})
    assert response.status_code == 302 and response["Location"] == gallery(private)
    assert "Lakeside wedding" in client.get(gallery(private)).content.decode()
    for url in image_urls(private):
        assert client.get(url).status_code == 200


def test_a_wrong_code_and_an_unknown_code_look_the_same(
    client: Client, private: Published, published: Published
) -> None:
    wrong = client.post("/s/northlight/code/", {"code": "LAKE2025"})
    unknown = client.post("/s/northlight/code/", {"code": "ZZZZZZ"})
    assert wrong.status_code == unknown.status_code == 200
    assert CODE_UNKNOWN in wrong.content.decode() and CODE_UNKNOWN in unknown.content.decode()
    assert client.get(gallery(private)).status_code == 404


def test_a_client_only_session_cannot_be_opened_by_a_code(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    hidden = publish(gallery_studio, ada, code="SECRET1", images=1)
    response = client.post("/s/northlight/code/", {"code": "SECRET1"})
    assert CODE_UNKNOWN in response.content.decode()
    assert client.get(gallery(hidden)).status_code == 404


def test_codes_are_throttled_per_address(client: Client, private: Published) -> None:
    for n in range(10):
        client.post("/s/northlight/code/", {"code": f"GUESS{n}"})
    response = client.post("/s/northlight/code/", {"code": "LAKE2026"})
    assert "Too many attempts; try again in 15 minutes." in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.1.1.1")
    assert elsewhere.post("/s/northlight/code/", {"code": "LAKE2026"}).status_code == 302
    AttemptCounter.objects.update(started_at=timezone.now() - dt.timedelta(minutes=16))
    assert client.post("/s/northlight/code/", {"code": "LAKE2026"}).status_code == 302


def test_a_changed_code_ends_the_old_codes_access(
    client: Client, gallery_studio: Studio, ada: Account, private: Published
) -> None:
    client.post("/s/northlight/code/", {"code": "LAKE2026"})
    assert client.get(gallery(private)).status_code == 200
    publish(
        gallery_studio,
        ada,
        event_type=EventType.PRIVATE,
        code="NEWCODE",
        images=1,
        session_uuid=private.session.uuid,
    )
    assert client.get(gallery(private)).status_code == 404


def test_the_code_of_an_expired_event_opens_the_expired_page(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    old = publish(
        gallery_studio,
        ada,
        event_type=EventType.PRIVATE,
        code="OLDONE",
        expire_date=today() - dt.timedelta(days=3),
        images=1,
    )
    response = client.post("/s/northlight/code/", {"code": "oldone"})
    assert response.status_code == 410
    body = response.content.decode()
    assert EXPIRED in body and "hello@northlight.example" in body
    assert client.get(gallery(old)).status_code == 404


# --------------------------------------------------------------------------- public events


def test_a_public_event_is_open_to_anyone_and_listed(client: Client, public: Published) -> None:
    assert client.get(gallery(public)).status_code == 200
    for url in image_urls(public):
        assert client.get(url).status_code == 200
    landing = client.get("/s/northlight/").content.decode()
    assert "Harbour 10K run" in landing
    assert f"/s/northlight/i/{public.images[0].uuid}/thumb/" in landing


def test_only_open_public_events_are_listed(
    client: Client, gallery_studio: Studio, ada: Account, published: Published, private: Published
) -> None:
    publish(
        gallery_studio,
        ada,
        event_type=EventType.PUBLIC,
        title="Expired fun run",
        expire_date=today() - dt.timedelta(days=1),
        images=1,
    )
    landing = client.get("/s/northlight/").content.decode()
    assert "Expired fun run" not in landing
    assert "Lakeside wedding" not in landing and "Souza wedding" not in landing
    assert "No public events are online just now." in landing


def test_recent_public_events_come_newest_first(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    for title in ("First race", "Second race", "Third race"):
        publish(gallery_studio, ada, event_type=EventType.PUBLIC, title=title, images=1)
    landing = client.get("/s/northlight/").content.decode()
    assert landing.index("Third race") < landing.index("Second race") < landing.index("First race")


def test_public_events_are_searched_by_date(
    client: Client, gallery_studio: Studio, ada: Account, public: Published
) -> None:
    publish(
        gallery_studio,
        ada,
        event_type=EventType.PUBLIC,
        title="Spring fair",
        date=dt.date(2026, 4, 18),
        images=1,
    )
    body = client.get("/s/northlight/events/?date=2026-05-03").content.decode()
    assert "Harbour 10K run" in body and "Spring fair" not in body
    assert "Events of 3 May 2026" in body
    body = client.get("/s/northlight/events/?date=2026-05-04").content.decode()
    assert "No public event on 4 May 2026" in body
    body = client.get("/s/northlight/events/?date=not-a-date").content.decode()
    assert "Enter a valid date." in body


def test_a_public_events_code_opens_it_too(client: Client, public: Published) -> None:
    response = client.post("/s/northlight/code/", {"code": "run10k"})
    assert response["Location"] == gallery(public)


# --------------------------------------------------------------------------- expired, taken down


def test_an_expired_session_shows_the_expired_page_and_its_images_are_gone(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    old = publish(gallery_studio, ada, expire_date=today() - dt.timedelta(days=2), images=2)
    sign_in(client, ada)
    response = client.get(gallery(old))
    assert response.status_code == 410
    body = response.content.decode()
    assert EXPIRED in body and "contact Northlight Studio" in body
    assert "hello@northlight.example" in body
    for url in image_urls(old):
        assert client.get(url).status_code == 404
    image_page = f"{gallery(old)}i/{old.images[0].uuid}/"
    assert client.get(image_page).status_code == 410


def test_an_expired_public_event_is_expired_for_everyone(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    old = publish(
        gallery_studio,
        ada,
        event_type=EventType.PUBLIC,
        expire_date=today() - dt.timedelta(days=2),
        images=1,
    )
    assert client.get(gallery(old)).status_code == 410
    assert client.get(image_urls(old)[0]).status_code == 404


@pytest.mark.parametrize(("utc_hour", "status"), [(5, 200), (8, 410)])
def test_the_expire_date_is_the_last_day_online_in_the_studios_time_zone(
    client: Client,
    gallery_studio: Studio,
    ada: Account,
    monkeypatch: pytest.MonkeyPatch,
    utc_hour: int,
    status: int,
) -> None:
    gallery_studio.time_zone = "America/Los_Angeles"
    gallery_studio.save()
    last_day = publish(
        gallery_studio,
        ada,
        event_type=EventType.PUBLIC,
        date=dt.date(2026, 6, 1),
        expire_date=dt.date(2026, 6, 10),
        images=1,
    )
    # 05:00 UTC on the 11th is still the 10th in Los Angeles; 08:00 UTC is the 11th there.
    now = dt.datetime(2026, 6, 11, utc_hour, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert client.get(gallery(last_day)).status_code == status
    assert client.get(image_urls(last_day)[0]).status_code == (200 if status == 200 else 404)


def test_a_taken_down_session_is_expired_and_its_images_are_gone(
    client: Client, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    sign_in(client, ada)
    assert client.get(image_urls(published)[0]).status_code == 200
    session_take_down(studio=gallery_studio, session_uuid=published.session.uuid)
    assert client.get(gallery(published)).status_code == 410
    for url in image_urls(published):
        assert client.get(url).status_code == 404


def test_an_expired_session_is_still_hidden_from_strangers(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    old = publish(gallery_studio, ada, expire_date=today() - dt.timedelta(days=2), images=1)
    assert client.get(gallery(old)).status_code == 404


# --------------------------------------------------------------------------- the rival studio


@pytest.fixture
def rivals(rival_studio: Studio, rival_client: Account) -> Published:
    return publish(rival_studio, rival_client, event_type=EventType.PUBLIC, title="Rival fair")


def test_a_rival_sessions_and_images_are_not_found_under_our_site(
    client: Client, published: Published, rivals: Published, ada: Account
) -> None:
    assert client.get(gallery(rivals, slug="rival")).status_code == 200
    assert client.get(gallery(rivals)).status_code == 404
    for url in image_urls(rivals):
        assert client.get(url).status_code == 404
    sign_in(client, ada)
    assert client.get(gallery(rivals)).status_code == 404


def test_our_sessions_and_images_are_not_found_under_the_rivals_site(
    client: Client, ada: Account, public: Published, published: Published, rival_studio: Studio
) -> None:
    sign_in(client, ada)
    for ours in (public, published):
        assert client.get(gallery(ours, slug="rival")).status_code == 404
        for url in image_urls(ours, slug="rival"):
            assert client.get(url).status_code == 404
    assert "Harbour 10K run" not in client.get("/s/rival/").content.decode()


def test_a_rivals_signed_in_client_cannot_open_our_session(
    client: Client, rival_client: Account, published: Published, private: Published
) -> None:
    sign_in(client, rival_client)
    assert client.get("/s/rival/home/").status_code == 200
    for ours in (published, private):
        assert client.get(gallery(ours)).status_code == 404
        assert client.get(gallery(ours, slug="rival")).status_code == 404
    assert client.get("/s/northlight/home/").status_code == 302


def test_our_code_does_not_open_anything_on_the_rivals_site(
    client: Client, private: Published, rival_studio: Studio
) -> None:
    response = client.post("/s/rival/code/", {"code": "LAKE2026"})
    assert CODE_UNKNOWN in response.content.decode()


def test_a_code_grant_on_one_site_does_not_carry_to_another(
    client: Client, private: Published, rival_studio: Studio
) -> None:
    client.post("/s/northlight/code/", {"code": "LAKE2026"})
    assert client.get(gallery(private, slug="rival")).status_code == 404


def test_image_urls_never_show_the_storage_path(
    client: Client, ada: Account, published: Published
) -> None:
    sign_in(client, ada)
    body = client.get(gallery(published)).content.decode()
    assert "gallery/" + str(published.session.studio_id) not in body
    assert published.images[0].preview not in body
    assert not re.search(r"/media/", body)
