"""Issue 18, point 3: the synchronizer's page tells what a sync did once it ends.

The bar is full and says Finished (or Failed, with the reason); the counts read as
English; every kind of work the run did is in its log line (a Reset Login sync logged
only "Done.")."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus, sync_claim
from proofroom.studio.synchronizer.summary import sync_summary
from tests.sync.conftest import mark

pytestmark = pytest.mark.django_db(transaction=True)

FULL_BAR = re.compile(r'<progress id="sync-progress" max="1" value="1">')


def test_a_reset_login_sync_says_it_uploaded_the_login(desk: Browser, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    desk.post(f"/desk/clients/{wedding.client.pk}/reset-login/")
    run = sync([SyncKind.CLIENTS])
    assert run.log.splitlines()[-1].endswith("Done: 1 client login uploaded.")
    page = desk.get(f"/desk/sync/{run.pk}/").content.decode()
    assert "1 client login uploaded." in page
    assert FULL_BAR.search(page) and "Finished" in page


def test_the_first_upload_reads_as_english_and_fills_the_bar(desk: Browser, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    run = sync()
    assert run.total > 0  # the bar counted image files, not whole steps
    summary = sync_summary(run)
    assert summary.startswith("1 session, 1 price list, 1 client login uploaded; ")
    assert "12 image files sent (" in summary
    page = desk.get(f"/desk/sync/{run.pk}/").content.decode()
    assert FULL_BAR.search(page)
    assert f"{summary[0].upper()}{summary[1:]}." in page
    listed = desk.get("/desk/sync/").content.decode()
    assert summary[1:] in listed


def test_a_failed_sync_says_failed_and_why_with_a_full_bar(desk: Browser, studio) -> None:  # type: ignore[no-untyped-def]
    run = sync_claim(kinds=[SyncKind.SESSIONS], trigger="test")
    run = sync_run_execute(run_id=run.pk)  # the desk has no gallery to talk to
    assert run.status == SyncStatus.FAILED
    page = desk.get(f"/desk/sync/{run.pk}/").content.decode()
    assert FULL_BAR.search(page)
    assert '<span class="tag bad" id="sync-status">Failed</span>' in page
    assert "Set the gallery&#x27;s address and API key in Settings first." in page


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"sessions_uploaded": 1}, "1 session uploaded"),
        (
            {"downloaded": {"guest": 2, "order": 5, "favourites": 0}},
            "downloaded 2 guests, 5 orders",
        ),
        (
            {"sessions_uploaded": 2, "uploaded": {"prepaid_orders": 1}, "sessions_removed": 1},
            "2 sessions, 1 prepaid order uploaded; 1 session taken down",
        ),
        (
            {"downloaded": {"yearbook": 1, "prepaid": 3}},
            "downloaded 3 prepaid order selections, 1 yearbook pick",
        ),
        ({}, "nothing to do: the gallery was up to date"),
    ],
)
def test_counts_read_as_english(counts: dict[str, object], words: str) -> None:
    assert sync_summary(SyncRun(status=SyncStatus.SUCCEEDED, **counts)) == words
