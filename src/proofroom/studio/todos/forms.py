"""The forms of the Tasks pages: a task, the hub's filters, an automatic task's rule."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib.auth.models import Group, User
from django.urls import reverse

from proofroom.studio.clients import Client, clients_search
from proofroom.studio.sessions import Session
from proofroom.studio.todos.models import TodoState
from proofroom.studio.todos.selectors import (
    client_label,
    invoice_numbered,
    staff_and_departments,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def assignee_choices(*, blank: str, me: bool = False) -> list[tuple[str, Any]]:
    staff, groups = staff_and_departments()
    choices: list[tuple[str, Any]] = [("", blank)]
    if me:
        choices += [("me", "Me and my groups"), ("none", "Nobody")]
    choices += [
        ("Staff", [(f"u{u.pk}", u.get_full_name() or u.get_username()) for u in staff]),
        ("Departments", [(f"g{g.pk}", g.name) for g in groups]),
    ]
    return choices


class AssigneeMixin:
    """An ``assignee`` choice ("u<id>" a staff member, "g<id>" a department) as the
    ``assigned_user`` and ``assigned_group`` the services take."""

    cleaned_data: dict[str, Any]

    def clean_assignee(self) -> str:
        value = str(self.cleaned_data.get("assignee") or "")
        user = group = None
        if value.startswith("u"):
            user = User.objects.filter(pk=int(value[1:]), is_staff=True).first()
        elif value.startswith("g"):
            group = Group.objects.filter(pk=int(value[1:])).first()
        if value and user is None and group is None:
            raise forms.ValidationError("Choose a staff member or a department.")
        self.cleaned_data["assigned_user"], self.cleaned_data["assigned_group"] = user, group
        return value

    @staticmethod
    def assignee_of(obj: Any) -> str:
        if obj.assigned_user_id:
            return f"u{obj.assigned_user_id}"
        if obj.assigned_group_id:
            return f"g{obj.assigned_group_id}"
        return ""


CLIENT_ID = re.compile(r"·\s*client\s+(\d+)\s*$")


class ClientField(forms.CharField):
    """A client typed as text: picked from the suggestions ("Ana Souza · client 12"), or
    any words (name, email, phone) that match one client only. The suggestions are a
    ``<datalist>`` that ``studio/todos.js`` fills with the matching clients as one types,
    so the page never lists every client; without scripts, typing still works."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return client_label(value) if isinstance(value, Client) else value

    def clean(self, value: Any) -> Client | None:
        text = str(super().clean(value) or "")
        if not text:
            return None
        picked = CLIENT_ID.search(text)
        if picked is not None:
            client = Client.objects.filter(pk=int(picked[1])).first()
            if client is None:
                raise forms.ValidationError("That client is no longer on the desk.")
            return client
        matches = list(clients_search(query=text)[:2])
        if not matches:
            raise forms.ValidationError(f"No client matches “{text}”.")
        if len(matches) > 1:
            raise forms.ValidationError(
                f"Several clients match “{text}”: pick one from the suggestions."
            )
        return matches[0]


class TodoForm(AssigneeMixin, forms.Form):
    title = forms.CharField(max_length=200)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    due_date = forms.DateField(label="Due", required=False, widget=DATE)
    client = ClientField(
        required=False,
        help_text="Type a name, an email or a phone number, then pick from the suggestions.",
    )
    session_number = forms.IntegerField(label="Session #", required=False, min_value=1)
    invoice_number = forms.IntegerField(label="Invoice no.", required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = assignee_choices(
            blank="— nobody yet —"
        )
        self.fields["client"].widget.attrs.update(
            {
                "list": "todo-client-choices",
                "autocomplete": "off",
                "data-search": reverse("studio:todo_client_search"),
            }
        )

    def clean_session_number(self) -> Session | None:
        number = self.cleaned_data.get("session_number")
        if number is None:
            return None
        session = Session.objects.filter(number=number).first()
        if session is None:
            raise forms.ValidationError(f"There is no session #{number}.")
        return session

    def clean_invoice_number(self) -> Any:
        number = self.cleaned_data.get("invoice_number")
        if number is None:
            return None
        invoice = invoice_numbered(number)
        if invoice is None:
            raise forms.ValidationError(f"There is no invoice {number}.")
        return invoice

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "notes": data["notes"],
            "client": data["client"],
            "session": data["session_number"],
            "invoice": data["invoice_number"],
            "assigned_user": data["assigned_user"],
            "assigned_group": data["assigned_group"],
            "due_date": data["due_date"],
        }


class TodoFilterForm(forms.Form):
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    state = forms.ChoiceField(
        required=False, choices=[("", "Any state"), *TodoState.choices], initial=TodoState.OPEN
    )
    due_from = forms.DateField(label="Due from", required=False, widget=DATE)
    due_to = forms.DateField(label="Due by", required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = assignee_choices(
            blank="Anyone", me=True
        )


class TodoRuleForm(AssigneeMixin, forms.Form):
    enabled = forms.BooleanField(label="Create a task", required=False)
    title = forms.CharField(max_length=120, required=False)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    due_in_days = forms.IntegerField(label="Due in (days)", min_value=0, max_value=365)
    days_before = forms.IntegerField(
        label="Days before the expire date", min_value=0, max_value=365, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = assignee_choices(
            blank="— nobody —"
        )
