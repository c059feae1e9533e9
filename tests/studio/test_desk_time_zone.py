"""Issue 12, defect "the desk shows timestamps in UTC": every desk page that shows a date
or a time shows it in the studio's time zone.

The studio is in Pacific/Auckland (UTC+13 in November) and everything happened at 23:30
UTC on 28 November 2026, which is 12:30 on 29 November in the studio: each page must show
the 29th (and 12:30 where it shows a time), never the UTC day or clock.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proofroom.cli import build_parser
from proofroom.studio.dates import local, studio_date, studio_now, studio_today
from proofroom.studio.deposits import deposit_make
from proofroom.studio.downloads import YearbookSettings
from proofroom.studio.images import ImportRejection, group_add_images, group_create
from proofroom.studio.invoices.models import Deposit, Invoice
from proofroom.studio.invoices.services import invoice_create
from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.studio.synchronizer.cli import BUSY, run_sync
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus, sync_claim
from proofroom.studio.workflow import StatusChange
from tests.factories import make_images, make_price_list, make_session, web_order

pytestmark = pytest.mark.django_db

# 23:30 UTC on Saturday 28 November is 12:30 on Sunday 29 November in Auckland (NZDT).
MOMENT = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)
LOCAL_DAY = "29 Nov 2026"
LOCAL_TIME = "29 Nov 2026 12:30"
UTC_DAY = "28 Nov 2026"


@pytest.fixture
def auckland(studio: Studio) -> Studio:
    studio.time_zone = "Pacific/Auckland"
    studio.save()
    return studio


@pytest.fixture
def desk(client: Browser, owner: User, auckland: Studio) -> Browser:
    client.force_login(owner)
    return client


@pytest.fixture
def session(auckland: Studio) -> Session:
    return make_session()


def page(desk: Browser, url: str) -> str:
    response = desk.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_studio_dates_are_the_studios(auckland: Studio) -> None:
    """The one definition of the studio's dates: a moment's local day and clock, and today."""
    assert local(MOMENT).strftime("%d %b %Y %H:%M") == "29 Nov 2026 12:30"
    assert studio_date(MOMENT) == dt.date(2026, 11, 29)
    assert studio_now().utcoffset() in {dt.timedelta(hours=12), dt.timedelta(hours=13)}
    assert studio_today() == studio_now().date()


def test_status_history_shows_the_studios_time(desk: Browser, session: Session) -> None:
    """Issue 12: the session's status history (Session page)."""
    StatusChange.objects.filter(session=session).update(changed_at=MOMENT)
    body = page(desk, f"/desk/sessions/{session.number}/")
    assert LOCAL_TIME in body
    assert UTC_DAY not in body


def test_import_rejections_show_the_studios_time(desk: Browser, session: Session) -> None:
    """Issue 12: when a file was refused at import (Import tab)."""
    ImportRejection.objects.create(session=session, file_name="broken.jpg", reason="Not a JPEG")
    ImportRejection.objects.filter(session=session).update(refused_at=MOMENT)
    body = page(desk, f"/desk/sessions/{session.number}/import/")
    assert "29 Nov 12:30" in body
    assert "28 Nov 23:30" not in body


def test_online_tab_shows_the_last_upload_and_yearbook_pick_in_the_studios_time(
    desk: Browser, session: Session
) -> None:
    """Issue 12: the Online tab's last upload and the time the yearbook image was picked."""
    image = make_images(session, 1)[0]
    OnlineSettings.objects.create(
        session=session,
        expire_date=dt.date(2026, 12, 31),
        state=OnlineState.ONLINE,
        uploaded_at=MOMENT,
    )
    YearbookSettings.objects.create(
        session=session, deadline=dt.date(2026, 12, 15), image=image, picked_at=MOMENT
    )
    body = page(desk, f"/desk/sessions/{session.number}/online/")
    assert f"<dd>{LOCAL_TIME}</dd>" in body
    assert f"picked online {LOCAL_TIME}" in body
    assert "23:30" not in body


@pytest.fixture
def web_invoice(auckland: Studio, session: Session) -> Invoice:
    make_price_list()
    product = Product.objects.get(name="Print")
    return invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            lines=[(product, None, 1)],
            payments=[(product.price, f"pi_{uuid.uuid4().hex}", MOMENT)],
            placed_at=MOMENT,
        )
    )


@pytest.mark.parametrize(
    "url",
    ["/desk/invoices/", "/desk/invoices/{number}/", "/desk/invoices/{number}/payments/"],
    ids=["invoice list", "invoice page", "payments tab"],
)
def test_a_web_order_placed_late_in_utc_is_dated_the_studios_next_day(
    desk: Browser, web_invoice: Invoice, url: str
) -> None:
    """Issue 12: invoice dates and payment dates are the studio's: an order placed and paid
    online at 23:30 UTC is the invoice and the payment of the 29th in Auckland. (These are
    date fields the web-order import already dated in the studio's zone; the test pins it
    now that the helpers moved to studio/dates.py.)"""
    body = page(desk, url.format(number=web_invoice.number))
    assert LOCAL_DAY in body
    assert UTC_DAY not in body


def test_a_web_orders_notes_give_the_studios_time(desk: Browser, web_invoice: Invoice) -> None:
    """Issue 12: the notes of a downloaded web order say when it was placed, locally
    (already so before; pinned with the move to studio/dates.py)."""
    body = page(desk, f"/desk/invoices/{web_invoice.number}/other/")
    assert "placed online 29 Nov 2026 12:30" in body


def test_prepaid_upload_and_picks_show_the_studios_time(desk: Browser, session: Session) -> None:
    """Issue 12: the Other tab's prepaid order: when it was uploaded and when the client
    submitted their picks."""
    invoice = invoice_create(client=session.client, session=session)
    Invoice.objects.filter(pk=invoice.pk).update(
        prepaid_online=True,
        prepaid_needs_upload=False,
        prepaid_uploaded_at=MOMENT,
        prepaid_picks_submitted_at=MOMENT,
    )
    body = page(desk, f"/desk/invoices/{invoice.number}/other/")
    assert re.search(r'<span class="small muted">29 Nov 2026 12:30</span>', body)
    assert f"submitted their picks on {LOCAL_TIME}" in body
    assert "23:30" not in body


def test_deposit_shows_when_it_was_recorded_in_the_studios_time(
    desk: Browser, owner: User, web_invoice: Invoice
) -> None:
    """Issue 12: a deposit's page says when it was recorded (the card payment taken at
    23:30 UTC is deposited with the studio's 29th)."""
    deposit = deposit_make(date=dt.date(2026, 11, 29), user=owner)
    Deposit.objects.filter(pk=deposit.pk).update(created_at=MOMENT)
    body = page(desk, f"/desk/deposits/{deposit.pk}/")
    assert f"Recorded {LOCAL_TIME}" in body


@pytest.fixture
def sync_at_moment(auckland: Studio) -> SyncRun:
    """A sync started at MOMENT from the command line, still running (its lease is alive)."""
    run = sync_claim(kinds=["sessions"], trigger="cli")
    SyncRun.objects.filter(pk=run.pk).update(
        created_at=MOMENT,
        started_at=MOMENT,
        status=SyncStatus.RUNNING,
        lease_until=timezone.now() + dt.timedelta(hours=1),
    )
    run.refresh_from_db()
    return run


def test_synchronizer_lists_past_syncs_in_the_studios_time(
    desk: Browser, sync_at_moment: SyncRun
) -> None:
    """Issue 12: the Synchronizer's list of syncs (and when a stalled one is given up)."""
    body = page(desk, "/desk/sync/")
    assert "29 Nov 12:30" in body
    assert sync_at_moment.lease_until is not None
    assert f"marked failed at {local(sync_at_moment.lease_until):%H:%M}" in body
    assert f"marked failed at {sync_at_moment.lease_until:%H:%M}" not in body
    assert "23:30" not in body


def test_sync_page_and_its_log_are_in_the_studios_time(
    desk: Browser, sync_at_moment: SyncRun
) -> None:
    """Issue 12: a sync's own page: its heading, and each line of its log stamped on the
    studio's clock even though the background worker writes it."""
    before = studio_now()
    sync_at_moment.note("Uploading session #1")
    after = studio_now()
    body = page(desk, f"/desk/sync/{sync_at_moment.pk}/")
    assert f"Sync of {LOCAL_TIME}" in body
    stamp = re.search(r"(\d\d:\d\d):\d\d Uploading session #1", body)
    assert stamp is not None
    assert stamp.group(1) in {before.strftime("%H:%M"), after.strftime("%H:%M")}


def test_another_sync_is_running_says_when_it_started_in_the_studios_time(
    desk: Browser, sync_at_moment: SyncRun
) -> None:
    """Issue 12: starting a sync while one runs says when that one started, locally."""
    response = desk.post("/desk/sync/", {"kind": ["sessions"]}, follow=True)
    body = response.content.decode()
    assert "started at 12:30 from the command line" in body
    assert sync_at_moment.lease_until is not None
    assert f"marked failed at {local(sync_at_moment.lease_until):%H:%M}" in body


def test_the_command_line_says_when_the_live_sync_started_in_the_studios_time(
    sync_at_moment: SyncRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12: ``proofroom sync`` refused while a sync runs gives the studio's time too,
    though no desk request has activated its zone."""
    assert run_sync(build_parser().parse_args(["sync", "--orders"])) == BUSY
    assert "started at 12:30 from the command line" in capsys.readouterr().err


def test_exported_sidecars_are_dated_on_the_studios_clock(desk: Browser, session: Session) -> None:
    """Issue 12: the XMP sidecars' zip carries no zone, so its entries are dated on the
    studio's clocks (they were the server's, UTC here)."""
    images = make_images(session, 2)
    group = group_create(session=session, name="Online Favorites")
    group_add_images(group=group, image_ids=[image.pk for image in images])
    before = studio_now()
    response = desk.get(
        f"/desk/sessions/{session.number}/export/xmp/",
        {"source": f"group-{group.pk}", "rating": "5"},
    )
    after = studio_now()
    assert response.status_code == 200
    stamps = {
        info.date_time[:5] for info in zipfile.ZipFile(io.BytesIO(response.content)).infolist()
    }
    assert stamps and stamps <= {before.timetuple()[:5], after.timetuple()[:5]}


def test_running_in_the_studios_zone_costs_a_desk_page_no_extra_query(desk: Browser) -> None:
    """Issue 12: the zone is activated cheaply: the studio is looked up once per desk page,
    the lookup the top bar needed anyway (it shows the studio's name)."""
    with CaptureQueriesContext(connections["default"]) as captured:
        body = page(desk, "/desk/clients/")
    assert "Northlight Studio" in body
    studio_table = Studio._meta.db_table
    assert sum(f'FROM "{studio_table}"' in q["sql"] for q in captured.captured_queries) == 1
