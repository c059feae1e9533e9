"""Issue 13, defect 13: the desk opens only to staff, and each area only to the groups
that grant it.

Every desk URL pattern is taken from the URL resolver, so a page added later without an
area fails here until it is given one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from proofroom.studio.areas import Area
from proofroom.studio.deposits import deposit_make
from proofroom.studio.invoices.models import PaymentMethod
from proofroom.studio.invoices.services import invoice_create, invoice_line_add, payment_add
from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.services import reminder_add, trigger_add
from proofroom.studio.setup import ASSISTANT_GROUP, OWNER_GROUP, staff_user_create
from proofroom.studio.studios import Studio
from proofroom.studio.synchronizer.runs import SyncRun, SyncTrigger
from proofroom.studio.todos.services import todo_create
from tests.cast import PASSWORD
from tests.factories import make_images, make_price_list, make_session

pytestmark = pytest.mark.django_db

# Which area each desk page belongs to (None: the home page, every staff member's).
AREA_OF: dict[str, Area | None] = {
    "home": None,
    **dict.fromkeys(
        ["client_list", "client_new", "client_detail", "client_edit", "client_reset_login"],
        Area.CLIENTS,
    ),
    **dict.fromkeys(
        [
            "session_list",
            "session_new",
            "session_detail",
            "session_edit",
            "session_status",
            "session_import",
            "session_online",
            "session_online_extend",
            "session_online_yearbook",
            "session_online_take_down",
            "session_upload",
            "workflow",
            "image_file",
            "session_images",
            "images_rate",
            "group_create",
            "group_rename",
            "group_delete",
            "group_online",
            "group_add_images",
            "group_remove_images",
            "session_export",
            "session_export_lightroom",
            "session_export_file_names",
            "session_export_sidecars",
            "session_import_refused_clear",
        ],
        Area.SESSIONS,
    ),
    **dict.fromkeys(["synchronizer", "sync_run"], Area.SYNC),
    **dict.fromkeys(
        [
            "invoice_list",
            "invoice_new",
            "invoice_statuses",
            "invoice_status_add",
            "invoice_status_rename",
            "invoice_detail",
            "invoice_line_add",
            "invoice_line_remove",
            "invoice_payments",
            "invoice_other",
            "deposit_list",
            "deposit_record",
            "deposit_detail",
        ],
        Area.INVOICES,
    ),
    **dict.fromkeys(
        [
            "pricelist_list",
            "pricelist_sample",
            "pricelist_detail",
            "preferences",
            "preferences_auto_sync",
            "preferences_remake",
            "todo_rules",
            "triggers",
            "trigger_add",
            "trigger_remove",
            "reminder_add",
            "reminder_remove",
            "mail_settings",
            "mail_settings_save",
            "mail_settings_test",
            "mail_retry",
        ],
        Area.SETTINGS,
    ),
    **dict.fromkeys(
        [
            "todo_list",
            "todo_new",
            "todo_edit",
            "todo_complete",
            "todo_reopen",
            "todo_client_search",
        ],
        Area.TASKS,
    ),
    **dict.fromkeys(
        [
            "letter_list",
            "letter_new",
            "letter_new_preview",
            "letter_clients",
            "letter_edit",
            "letter_preview",
            "letter_delete",
            "client_email",
            "client_email_send",
            "client_communication",
            "session_email",
        ],
        Area.COMMUNICATION,
    ),
}
NOT_PAGES = {"login", "logout"}


def _desk_patterns() -> Iterator[URLPattern]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "studio":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                if pattern.name not in NOT_PAGES:
                    yield pattern


@pytest.fixture
def desk_urls(studio: Studio) -> dict[str, str]:
    """Every desk page, reversed with ids of real records."""
    session = make_session()
    (image,) = make_images(session, 1, ready=True)
    group = session.groups.create(name="Ceremony")
    price_list = make_price_list()
    invoice = invoice_create(client=session.client, session=session)
    line = invoice_line_add(invoice=invoice, actor=None, description="Print", unit_price=1000)
    payment_add(invoice=invoice, amount=1000, method=PaymentMethod.CASH)
    deposit = deposit_make(date=dt.date.today(), user=None)
    run = SyncRun.objects.create(kinds=["sessions"], trigger=SyncTrigger.DESK)
    samples = {
        "pk": None,
        "number": session.number,
        "group_id": group.pk,
        "image_uuid": image.uuid,
        "kind": "thumb",
        "line": line.pk,
    }
    pk_of = {
        "invoice_status": invoice.status_id,
        "client": session.client.pk,
        "sync_run": run.pk,
        "pricelist": price_list.pk,
        "deposit": deposit.pk,
        "todo": todo_create(title="Call the lab", session=session).pk,
        "letter": FormLetter.objects.values_list("pk", flat=True).first(),
        "trigger": trigger_add(stage=session.stage, letter=FormLetter.objects.first()).pk,
        "reminder": reminder_add(days_before=3, letter=FormLetter.objects.first()).pk,
    }
    urls = {}
    for pattern in _desk_patterns():
        name = str(pattern.name)
        kwargs = {key: samples[key] for key in pattern.pattern.converters}
        if "pk" in kwargs:
            kwargs["pk"] = next(v for k, v in pk_of.items() if name.startswith(k))
        if name.startswith("invoice_") and "number" in kwargs:
            kwargs["number"] = invoice.number
        urls[name] = reverse(f"studio:{name}", kwargs=kwargs)
        if name.startswith("session_export_"):
            urls[name] += f"?source=group-{group.pk}"
    assert set(urls) == set(AREA_OF), "give every desk page an area in AREA_OF"
    return urls


def _refused(response: object, *, way_back: str = "Back to the desk's home page") -> bool:
    """A 403 desk page that says why and leads somewhere."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return response.status_code == 403 and "Not allowed</h1>" in body and way_back in body  # type: ignore[attr-defined]


def _opens(response: object) -> bool:
    """Not refused: the page, a redirect within the desk, a 405 for a GET of a form's
    target. Never the log-in page."""
    status = response.status_code  # type: ignore[attr-defined]
    location = response.get("Location", "")  # type: ignore[attr-defined]
    return status in (200, 302, 405) and not location.startswith("/desk/login/")


def _staff(username: str, *areas: Area) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    if areas:
        group = Group.objects.create(name=f"only {username}")
        group.permissions.set(
            Permission.objects.filter(codename__in=[f"desk_{a.value}" for a in areas])
        )
        user.groups.add(group)
    return user


def test_anonymous_visitors_are_sent_to_the_desk_login_from_every_page(
    client: Browser, desk_urls: dict[str, str]
) -> None:
    """Issue 13, defect 13: every desk page asks an anonymous visitor to log in."""
    for name, url in desk_urls.items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith("/desk/login/?next="), name


def test_a_login_without_staff_status_is_refused_at_the_login_and_on_every_page(
    client: Browser, desk_urls: dict[str, str]
) -> None:
    """Issue 13, defect 13: an active user who is not staff (a gallery-side or a
    deactivated helper's login) cannot log in, and a session of one opens nothing."""
    User.objects.create_user(username="visitor", password=PASSWORD)
    response = client.post("/desk/login/", {"username": "visitor", "password": PASSWORD})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert client.get("/desk/").status_code == 302

    client.force_login(User.objects.get(username="visitor"))
    for name, url in desk_urls.items():
        for method in (client.get, client.post):
            response = method(url)
            assert _refused(response, way_back="to log in with a desk login"), name
            assert "not a desk login" in response.content.decode(), name
    assert client.get("/desk/admin/").status_code == 302


def test_staff_in_no_group_open_only_the_home_page(
    client: Browser, desk_urls: dict[str, str]
) -> None:
    """Issue 13, defect 13: a staff member in no security group gets a 403 desk page, with
    a way back home, on every page but the home page, whose top bar links nothing else."""
    client.force_login(_staff("nogroup"))
    for name, url in desk_urls.items():
        if AREA_OF[name] is None:
            continue
        for method in (client.get, client.post):
            assert _refused(method(url)), name
    home = client.get("/desk/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "opens no part of the desk yet" in page
    for other in ("Sessions", "Clients", "Invoices", "Synchronizer", "Settings", "Maintenance"):
        assert f">{other}</a>" not in page
    admin = client.get("/desk/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/desk/admin/login/")


@pytest.mark.parametrize("area", list(Area), ids=[a.value for a in Area])
def test_each_area_opens_with_its_permission_only(
    client: Browser, desk_urls: dict[str, str], area: Area
) -> None:
    """Issue 13, defect 13: the pages of an area open with that area's permission, and
    none of another area's does."""
    client.force_login(_staff(f"only-{area.value}", area))
    for name, url in desk_urls.items():
        response = client.get(url)
        if AREA_OF[name] in (None, area):
            assert _opens(response), (name, response.status_code)
        else:
            assert _refused(response), name
    maintenance = client.get("/desk/admin/")
    assert (maintenance.status_code == 200) == (area == Area.MAINTENANCE)


def test_the_top_bar_links_only_what_the_user_may_open(client: Browser, studio: Studio) -> None:
    """Issue 13, defect 13: an Assistant sees no Settings, Price lists or Maintenance link
    (and is refused there with a way back); the Owner sees them all."""
    assistant = staff_user_create(username="bob", password=PASSWORD, group=ASSISTANT_GROUP)
    client.force_login(assistant)
    page = client.get("/desk/").content.decode()
    for shown in ("Sessions", "Clients", "Invoices", "Deposits", "Synchronizer"):
        assert f">{shown}</a>" in page
    for hidden in ("Settings", "Price lists", "Maintenance"):
        assert f">{hidden}</a>" not in page
    assert _refused(client.get("/desk/settings/"))

    owner = User.objects.create_user(username="carol", password=PASSWORD, is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER_GROUP))
    client.force_login(owner)
    page = client.get("/desk/").content.decode()
    for shown in ("Settings", "Price lists", "Maintenance", "Invoices"):
        assert f">{shown}</a>" in page
    assert client.get("/desk/settings/").status_code == 200
