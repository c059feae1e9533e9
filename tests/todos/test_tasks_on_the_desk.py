"""Issue 14, point 4: the team's tasks on the desk: My tasks on the home page, the Tasks
hub and its filters, a task's page, done and reopen, Settings → Tasks, and who may open
what (an Assistant works the tasks; only the Owner sets up automatic ones)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client as Browser
from django.utils.html import escape

from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.invoices.services import invoice_create
from proofroom.studio.sessions import Session
from proofroom.studio.setup import ASSISTANT_GROUP, OWNER_GROUP
from proofroom.studio.todos.models import Todo, TodoEvent, TodoRule
from proofroom.studio.todos.services import todo_complete, todo_create
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return studio_today() + dt.timedelta(days=n)


def titles(html: str, section: str = "") -> list[str]:
    """The task titles in the order a page lists them (within ``section``'s card)."""
    if section:
        html = html[html.index(section) :]
        html = html[: html.index("</section>")]
    return re.findall(r'<a href="/desk/tasks/\d+/">([^<]*)</a>', html)


def test_my_tasks_on_the_home_page_put_the_overdue_first(
    desk: Browser, owner: User, assistant: User
) -> None:
    """Mine: assigned to me or to a group I am in, open; overdue first, then by due date,
    those without a date last. Others' and done tasks are not mine."""
    owners = Group.objects.get(name=OWNER_GROUP)
    todo_create(title="Someday", assigned_user=owner)
    todo_create(title="Next week", assigned_user=owner, due_date=days(7))
    todo_create(title="Late by a day", assigned_group=owners, due_date=days(-1))
    todo_create(title="Tomorrow", assigned_group=owners, due_date=days(1))
    todo_create(title="Late by a week", assigned_user=owner, due_date=days(-7))
    todo_create(title="Bob's", assigned_user=assistant, due_date=days(-3))
    todo_create(title="Nobody's", due_date=days(-3))
    todo_complete(todo=todo_create(title="Done already", assigned_user=owner), user=owner)

    home = desk.get("/desk/").content.decode()
    assert titles(home, "My tasks") == [
        "Late by a week",
        "Late by a day",
        "Tomorrow",
        "Next week",
        "Someday",
    ]
    assert home.count("Overdue</span>") == 2


def test_the_hub_filters_by_assignee_state_and_due_date(
    desk: Browser, owner: User, assistant: User
) -> None:
    owners = Group.objects.get(name=OWNER_GROUP)
    todo_create(title="Alice late", assigned_user=owner, due_date=days(-2))
    todo_create(title="Owners soon", assigned_group=owners, due_date=days(3))
    todo_create(title="Bob later", assigned_user=assistant, due_date=days(20))
    todo_create(title="Nobody", due_date=days(1))
    todo_complete(todo=todo_create(title="Alice done", assigned_user=owner), user=owner)

    def hub(query: str) -> list[str]:
        answer = desk.get(f"/desk/tasks/?{query}")
        assert answer.status_code == 200
        return titles(answer.content.decode())

    assert hub("") == ["Alice late", "Nobody", "Owners soon", "Bob later"]  # open, by default
    assert hub("state=") == ["Alice late", "Nobody", "Owners soon", "Bob later", "Alice done"]
    assert hub("assignee=me&state=open") == ["Alice late", "Owners soon"]
    assert hub(f"assignee=u{assistant.pk}&state=open") == ["Bob later"]
    assert hub(f"assignee=g{owners.pk}&state=open") == ["Owners soon"]
    assert hub("assignee=none&state=open") == ["Nobody"]
    assert hub("state=overdue") == ["Alice late"]
    assert hub("state=done") == ["Alice done"]
    assert hub(f"state=open&due_from={days(0)}&due_to={days(5)}") == ["Nobody", "Owners soon"]


def test_staff_create_edit_tick_done_and_reopen_a_task(
    desk: Browser, owner: User, assistant: User, session: Session
) -> None:
    invoice = invoice_create(client=session.client, session=session)
    form = desk.get(f"/desk/tasks/new/?session={session.number}").content.decode()
    assert f'name="session_number" value="{session.number}"' in form

    answer = desk.post(
        "/desk/tasks/new/",
        {
            "title": "Call about the album",
            "notes": "Ask about the cover",
            "assignee": f"u{assistant.pk}",
            "due_date": days(2).isoformat(),
            "session_number": session.number,
            "invoice_number": invoice.number,
        },
    )
    assert answer.status_code == 302
    todo = Todo.objects.get()
    assert (todo.assigned_user, todo.created_by, todo.session, todo.invoice, todo.client) == (
        assistant,
        owner,
        session,
        invoice,
        session.client,  # a task about a session is about its client
    )

    page = desk.get(f"/desk/tasks/{todo.pk}/").content.decode()
    for link in (
        f"/desk/sessions/{session.number}/",
        f"/desk/invoices/{invoice.number}/",
        f"/desk/clients/{session.client.pk}/",
    ):
        assert f'href="{link}"' in page
    edited = desk.post(
        f"/desk/tasks/{todo.pk}/",
        {
            "title": "Call about the album cover",
            "assignee": f"g{Group.objects.get(name=ASSISTANT_GROUP).pk}",
        },
    )
    assert edited.status_code == 302
    todo.refresh_from_db()
    assert todo.title == "Call about the album cover"
    assert todo.assigned_user is None and todo.assigned_group is not None
    assert todo.session is None and todo.due_date is None

    assert desk.get(f"/desk/tasks/{todo.pk}/done/").status_code == 405
    done = desk.post(f"/desk/tasks/{todo.pk}/done/", {"next": "/desk/"})
    assert done["Location"] == "/desk/"
    todo.refresh_from_db()
    assert todo.completed_by == owner and todo.completed_at is not None
    first_done = todo.completed_at
    desk.post(f"/desk/tasks/{todo.pk}/done/")  # ticked again from a page left open
    todo.refresh_from_db()
    assert todo.completed_at == first_done

    desk.post(f"/desk/tasks/{todo.pk}/reopen/")
    todo.refresh_from_db()
    assert todo.completed_at is None and todo.completed_by is None


def test_a_done_link_never_leads_off_the_desk(desk: Browser, owner: User) -> None:
    todo = todo_create(title="x", assigned_user=owner)
    answer = desk.post(f"/desk/tasks/{todo.pk}/done/", {"next": "https://evil.example/"})
    assert answer["Location"] == "/desk/tasks/"


def test_a_task_shows_on_the_client_and_the_session_it_is_about(
    desk: Browser, owner: User, session: Session
) -> None:
    todo_create(title="Print the proofs", session=session, assigned_user=owner)
    for url in (f"/desk/sessions/{session.number}/", f"/desk/clients/{session.client.pk}/"):
        page = desk.get(url).content.decode()
        assert "Print the proofs" in titles(page, 'id="todos-linked-h"'), url
        assert "/desk/tasks/new/?" in page


def test_settings_tasks_sets_an_events_automatic_task(desk: Browser, owner: User) -> None:
    page = desk.get("/desk/settings/tasks/").content.decode()
    for event in TodoEvent:
        assert event.label in page
    answer = desk.post(
        "/desk/settings/tasks/",
        {
            "event": "web_order",
            "web_order-enabled": "on",
            "web_order-title": "Print the order",
            "web_order-assignee": f"u{owner.pk}",
            "web_order-due_in_days": "3",
        },
    )
    assert answer.status_code == 302
    rule = TodoRule.objects.get()
    assert (rule.event, rule.enabled, rule.title, rule.assigned_user, rule.due_in_days) == (
        "web_order",
        True,
        "Print the order",
        owner,
        3,
    )
    refused = desk.post(
        "/desk/settings/tasks/",
        {"event": "guest", "guest-assignee": "u999999", "guest-due_in_days": "-1"},
    ).content.decode()
    assert "Select a valid choice" in refused and "Ensure this value is greater than" in refused
    assert TodoRule.objects.count() == 1


def test_an_assistant_works_the_tasks_but_does_not_set_up_automatic_ones(
    client: Browser, assistant: User, owner: User
) -> None:
    todo = todo_create(
        title="Frame the canvas", assigned_group=Group.objects.get(name=ASSISTANT_GROUP)
    )
    client.force_login(assistant)
    home = client.get("/desk/").content.decode()
    assert titles(home, "My tasks") == ["Frame the canvas"]
    assert ">Tasks</a>" in home
    assert client.get("/desk/tasks/").status_code == 200
    assert client.post(f"/desk/tasks/{todo.pk}/done/").status_code == 302
    refused = client.get("/desk/settings/tasks/")
    assert refused.status_code == 403 and "Not allowed" in refused.content.decode()
    assert client.post("/desk/settings/tasks/", {"event": "guest"}).status_code == 403


def test_staff_without_the_tasks_area_see_no_tasks(client: Browser, studio: object) -> None:
    helper = User.objects.create_user(username="carl", password=PASSWORD, is_staff=True)
    todo = todo_create(title="Hidden", assigned_user=helper)
    client.force_login(helper)
    home = client.get("/desk/").content.decode()
    assert "My tasks" not in home and ">Tasks</a>" not in home
    for answer in (
        client.get("/desk/tasks/"),
        client.get(f"/desk/tasks/{todo.pk}/"),
        client.post(f"/desk/tasks/{todo.pk}/done/"),
    ):
        assert answer.status_code == 403
    todo.refresh_from_db()
    assert todo.completed_at is None


def test_a_task_id_that_is_not_ours_is_a_404(desk: Browser, owner: User) -> None:
    """The desk holds one studio's tasks: any other id (another desk's, a deleted task's)
    is a 404 on every task URL, never a 403 that confirms it exists."""
    todo = todo_create(title="Ours", assigned_user=owner)
    missing = todo.pk + 1000
    for answer in (
        desk.get(f"/desk/tasks/{missing}/"),
        desk.post(f"/desk/tasks/{missing}/"),
        desk.post(f"/desk/tasks/{missing}/done/"),
        desk.post(f"/desk/tasks/{missing}/reopen/"),
    ):
        assert answer.status_code == 404
    assert not Todo.objects.filter(completed_at__isnull=False).exists()


def test_the_hub_takes_a_flat_number_of_queries(  # type: ignore[no-untyped-def]
    desk: Browser, owner: User, session: Session, django_assert_max_num_queries
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            todo_create(title=f"t{i}", session=session, assigned_user=owner, due_date=days(i))

    add(2)
    with django_assert_max_num_queries(15) as few:
        desk.get("/desk/tasks/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get("/desk/tasks/")
    with django_assert_max_num_queries(30) as home:
        desk.get("/desk/")
    add(5)
    with django_assert_max_num_queries(len(home.captured_queries)):
        desk.get("/desk/")


def test_the_hubs_next_page_keeps_its_filters(desk: Browser, owner: User) -> None:
    for n in range(55):
        todo_create(title=f"Mine {n:02d}", assigned_user=owner, due_date=days(n))
    todo_create(title="Nobody's", due_date=days(-1))
    first = desk.get("/desk/tasks/?assignee=me&state=open").content.decode()
    assert "Nobody&#x27;s" not in first and "Page 1 of 2" in first
    link = re.search(r'href="\?([^"]*page=2)"', first)
    assert link is not None
    second = desk.get("/desk/tasks/?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert titles(second) == [f"Mine {n:02d}" for n in range(50, 55)]


def test_what_the_gallery_sends_comes_out_as_text_in_a_task(
    desk: Browser, owner: User, automatic: list[TodoRule]
) -> None:
    """A guest named like markup makes a task whose title is printed, not run."""
    from django.utils import timezone

    from proofroom.studio.downloads import changes_apply
    from proofroom.sync import protocol

    data = protocol.GuestChange(
        account=uuid.uuid4(), first_name="<script>alert(1)</script>", last_name="<b>x</b>", email=""
    ).model_dump(mode="json")
    change = protocol.Change(seq=1, kind="guest", at=timezone.now(), data=data)
    changes_apply(kind="guest", page=protocol.ChangesPage(changes=[change], head=1))
    home = desk.get("/desk/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;" in home
    assert "<script>alert(1)" not in home and "<b>x</b>" not in home


def test_an_invoice_lists_its_tasks_and_a_new_one_from_it_is_linked(
    desk: Browser, owner: User, session: Session
) -> None:
    """Like a client's and a session's page, each tab of an invoice lists the tasks
    about that invoice (not the client's others), and "New task" there links it."""
    invoice = invoice_create(client=session.client, session=session)
    todo_create(title="Send the prints", invoice=invoice, assigned_user=owner)
    todo_create(title="Call about the album", session=session, assigned_user=owner)
    for tab in ("", "payments/", "other/"):
        page = desk.get(f"/desk/invoices/{invoice.number}/{tab}").content.decode()
        assert titles(page, 'id="todos-linked-h"') == ["Send the prints"], tab
        assert f'href="/desk/tasks/new/?invoice={invoice.number}"' in page

    form = desk.get(f"/desk/tasks/new/?invoice={invoice.number}").content.decode()
    assert f'name="invoice_number" value="{invoice.number}"' in form
    label = f"{session.client.full_name} · {session.client.email} · client {session.client.pk}"
    assert f'value="{escape(label)}"' in form
    desk.post(
        "/desk/tasks/new/",
        {"title": "Chase the balance", "invoice_number": invoice.number, "client": label},
    )
    todo = Todo.objects.get(title="Chase the balance")
    assert (todo.invoice, todo.client) == (invoice, session.client)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert titles(page, 'id="todos-linked-h"') == ["Chase the balance", "Send the prints"]


def test_the_client_field_suggests_the_matching_clients_never_all_of_them(
    desk: Browser, owner: User
) -> None:
    from tests.factories import ClientFactory

    ClientFactory.create_batch(30)
    ana = Client.objects.create(first_name="Ana", last_name="Souza", email="ana@souza.example")
    form = desk.get("/desk/tasks/new/").content.decode()
    assert '<select name="client"' not in form and "Souza" not in form and "Jamie" not in form
    assert 'list="todo-client-choices"' in form and 'data-search="/desk/tasks/clients/"' in form
    assert '<datalist id="todo-client-choices">' in form and "studio/todos" in form

    def suggested(query: str) -> list[str]:
        answer = desk.get("/desk/tasks/clients/", {"q": query})
        assert answer["Content-Type"] == "application/json"
        return list(answer.json()["clients"])

    assert suggested("souz") == [f"Ana Souza · ana@souza.example · client {ana.pk}"]
    assert suggested("ana souza") == suggested("SOUZA.example")
    assert suggested("s") == []  # two letters at least
    assert len(suggested("jamie")) == 20  # a page of suggestions, not every Jamie

    # Staff whose groups open the tasks but not the clients get no list of them.
    tasks_only = Group.objects.create(name="Front desk")
    tasks_only.permissions.add(Permission.objects.get(codename="desk_tasks"))
    helper = User.objects.create_user(username="carl", password=PASSWORD, is_staff=True)
    helper.groups.add(tasks_only)
    desk.force_login(helper)
    assert desk.get("/desk/tasks/new/").status_code == 200
    assert suggested("souz") == []


def test_a_client_is_picked_typed_or_refused_when_unclear(desk: Browser, owner: User) -> None:

    ana = Client.objects.create(first_name="Ana", last_name="Souza", email="ana@souza.example")
    Client.objects.create(first_name="Mia", last_name="Lund", email="mia@lund.example")
    Client.objects.create(first_name="Mia", last_name="Berg", email="mia@berg.example")

    def create(client: str) -> str:
        answer = desk.post("/desk/tasks/new/", {"title": f"About {client}", "client": client})
        return "" if answer.status_code == 302 else answer.content.decode()

    assert create(f"Ana Souza · ana@souza.example · client {ana.pk}") == ""
    assert create("lund") == ""  # words matching one client only
    assert {t.title: getattr(t.client, "first_name", "") for t in Todo.objects.all()} == {
        f"About Ana Souza · ana@souza.example · client {ana.pk}": "Ana",
        "About lund": "Mia",
    }
    assert "Several clients match “mia”: pick one from the suggestions." in create("mia")
    assert "No client matches “Zed”." in create("Zed")
    assert "That client is no longer on the desk." in create("Old · client 999999")
    assert create("") == ""  # a task about no client
    assert Todo.objects.count() == 3


def test_a_new_task_from_a_client_page_is_about_that_client(
    desk: Browser, owner: User, session: Session
) -> None:
    client = session.client
    page = desk.get(f"/desk/clients/{client.pk}/").content.decode()
    assert f'href="/desk/tasks/new/?client={client.pk}"' in page
    form = desk.get(f"/desk/tasks/new/?client={client.pk}").content.decode()
    label = f"{client.full_name} · {client.email} · client {client.pk}"
    assert f'value="{escape(label)}"' in form
    desk.post("/desk/tasks/new/", {"title": "Book the next shoot", "client": label})
    todo = Todo.objects.get()
    assert todo.client == client
    edit = desk.get(f"/desk/tasks/{todo.pk}/").content.decode()
    assert f'value="{escape(label)}"' in edit  # the task's page shows it the same way
