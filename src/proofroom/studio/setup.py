"""First set-up of a desk: the studio record, its security groups and the owner's login."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from proofroom.studio.areas import Area, DeskArea
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.statuses import invoice_statuses_ensure
from proofroom.studio.letters.services import letters_setup
from proofroom.studio.studios import Studio, studio_setup
from proofroom.studio.workflow import workflow_setup

OWNER_GROUP = "Owner"
ASSISTANT_GROUP = "Assistant"


class SetupError(Exception):
    """Set-up cannot go on; the message says what to fix."""


@dataclass(frozen=True)
class SetupResult:
    studio: Studio
    owner: User | None


# What each default group opens on the desk; an assistant edits ordinary invoices and
# takes payments, but changes neither the studio's settings nor its maintenance lists.
GROUP_AREAS = {
    OWNER_GROUP: list(Area),
    ASSISTANT_GROUP: [
        Area.CLIENTS,
        Area.SESSIONS,
        Area.INVOICES,
        Area.SYNC,
        Area.TASKS,
        Area.COMMUNICATION,
    ],
}


def security_groups_ensure() -> None:
    """The default security groups; studios adjust their permissions in maintenance."""
    area_type = ContentType.objects.get_for_model(DeskArea, for_concrete_model=False)
    for name, areas in GROUP_AREAS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for area in areas:
            permission, _ = Permission.objects.get_or_create(
                codename=f"desk_{area.value}",
                content_type=area_type,
                defaults={"name": f"Can open the desk's {area.label.lower()}"},
            )
            group.permissions.add(permission)
    # Only the owner may edit downloaded web orders; an assistant may view them and take payments.
    edit_web_orders, _ = Permission.objects.get_or_create(
        codename="change_web_order_invoice",
        content_type=ContentType.objects.get_for_model(Invoice),
        defaults={"name": "Can edit downloaded web-order invoices"},
    )
    Group.objects.get(name=OWNER_GROUP).permissions.add(edit_web_orders)


@transaction.atomic
def staff_user_create(
    *, username: str, password: str, group: str, first_name: str = "", email: str = ""
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise SetupError(f"a desk login named {username!r} already exists")
    user = User(
        username=username,
        first_name=first_name,
        email=email,
        is_staff=True,
        is_superuser=group == OWNER_GROUP,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise SetupError("password refused: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@transaction.atomic
def desk_setup(
    *,
    studio_name: str,
    email: str = "",
    currency: str = "USD",
    time_zone: str = "UTC",
    owner_username: str = "",
    owner_password: str = "",
) -> SetupResult:
    try:
        studio = studio_setup(name=studio_name, email=email, currency=currency, time_zone=time_zone)
    except ValidationError as exc:
        raise SetupError(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        ) from None
    security_groups_ensure()
    workflow_setup()
    invoice_statuses_ensure()
    letters_setup()
    owner = None
    if owner_username:
        owner = staff_user_create(
            username=owner_username, password=owner_password, group=OWNER_GROUP, email=email
        )
    return SetupResult(studio=studio, owner=owner)
