"""Issue 14, "Must show": in Chromium, the owner sets up an automatic task for web orders
(Settings → Tasks); a client's web order is downloaded; its task appears in My tasks on
the desk's home page, linked to the invoice, and is ticked done there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.studio.clients import Client
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from proofroom.studio.todos.models import Todo
from tests.e2e.conftest import desk_log_in
from tests.sync.conftest import connected, mark, sync, wedding
from tests.sync.test_feed_commit_order import fill_cart, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

__all__ = ["connected", "sync", "wedding"]


def test_a_downloaded_order_makes_a_task_in_my_tasks_that_is_ticked_done(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    owner,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    base = live_server.url

    desk_log_in(page, base)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Automatic tasks").click()
    rule = page.get_by_role("form", name="Web order downloaded")
    rule.get_by_label("Create a task").check()
    rule.get_by_label("Title").fill("Print the web order")
    rule.get_by_label("Assigned to").select_option(label="Alice")
    rule.get_by_label("Due in (days)").fill("2")
    rule.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved: Web order downloaded")

    event = OnlineSession.objects.select_related("price_list").get(uuid=wedding.uuid)
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    fill_cart(ana, event, 0)
    order = place(ana, event)
    run = sync([SyncKind.DOWNLOAD_ORDERS])
    assert run.status == SyncStatus.SUCCEEDED, run.log
    invoice = Invoice.objects.get(web_order_uuid=order.uuid)

    page.get_by_role("link", name="Home").click()
    mine = page.locator("section.my-todos")
    title = f"Print the web order: web order {order.display_number}"
    task = mine.locator("tr.todo", has_text=title)
    expect(task).to_have_count(1)
    expect(task.get_by_role("link", name=f"Invoice {invoice.number}")).to_be_visible()
    page.screenshot(path=shots / "desk-my-tasks-1280.png", full_page=True)

    task.get_by_role("button", name="Done").click()
    expect(page.locator(".messages")).to_contain_text(f"Done: {title}")
    expect(mine.locator("tr.todo", has_text=title)).to_have_count(0)
    done = Todo.objects.get()
    assert done.completed_by == owner and done.invoice == invoice

    page.get_by_role("link", name="Tasks", exact=True).click()
    page.get_by_label("State").select_option("done")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tr.todo.done", has_text=title)).to_contain_text("Done")


def test_the_client_field_suggests_the_clients_matching_what_is_typed(  # type: ignore[no-untyped-def]
    live_server, page: Page, owner, shots: Path
) -> None:
    """The task form never lists every client: typing asks the desk for the matching ones
    (a script the Content-Security-Policy allows), and a suggestion picked links the task."""
    from tests.factories import ClientFactory

    ClientFactory.create_batch(25)
    ana = Client.objects.create(first_name="Ana", last_name="Souza", email="ana@souza.example")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)

    desk_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/desk/tasks/new/")
    page.get_by_label("Title").fill("Send the contract")
    field = page.get_by_label("Client")
    field.press_sequentially("souz", delay=30)
    label = f"Ana Souza · ana@souza.example · client {ana.pk}"
    suggestions = page.locator("#todo-client-choices option")
    expect(suggestions).to_have_count(1)
    expect(suggestions).to_have_attribute("value", label)
    field.press_sequentially("a", delay=30)  # still one: Souza
    expect(suggestions).to_have_count(1)
    page.screenshot(path=shots / "desk-task-client-1280.png", full_page=True)
    field.fill(label)  # what picking the suggestion types
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Task “Send the contract” was added.")
    assert Todo.objects.get().client == ana
    assert refused == []
