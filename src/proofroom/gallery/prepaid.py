"""Prepaid orders: invoices the client paid at the studio, whose images they pick online.

The studio uploads the invoice (``prepaid_put``, an idempotent PUT of the sync);
the client sees it in their account, picks an image of the session for each
item, may change the picks, and submits them. Each submit writes one PREPAID
change with every pick; the studio applies the newest. Picks can be changed and
sent again until the session expires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from proofroom.gallery.accounts import Account
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.feed import acked_upto, change_emit
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol


class PrepaidRefused(Exception):
    """The studio's upload (or the client's submit) cannot be applied; ``detail`` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PrepaidOrder(models.Model):
    """An invoice paid at the studio, offered online for the client to choose its images."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="prepaid_orders")
    uuid = models.UUIDField(help_text="The studio's invoice.")
    number = models.PositiveIntegerField(help_text="The studio's invoice number.")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="prepaid_orders")
    session = models.ForeignKey(OnlineSession, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    total = models.PositiveIntegerField()
    paid = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_picks = models.JSONField(
        default=dict, blank=True, help_text="{item uuid: image uuid} as last sent to the studio"
    )
    change_id = models.BigIntegerField(
        null=True, blank=True, help_text="The sequence number of the feed entry of the last submit."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["studio", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "uuid"],
                name="prepaid_order_uuid",
                violation_error_message="The studio has uploaded this invoice already.",
            )
        ]

    def __str__(self) -> str:
        return f"Prepaid invoice {self.number}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def fully_paid(self) -> bool:
        """The studio's payments cover the invoice; only then does the gallery call it paid."""
        return self.paid >= self.total

    @property
    def balance(self) -> int:
        """What is still to pay at the studio."""
        return max(self.total - self.paid, 0)


class PrepaidItem(models.Model):
    """One line of a prepaid invoice and the image it is to be made from."""

    order = models.ForeignKey(PrepaidOrder, on_delete=models.CASCADE, related_name="items")
    uuid = models.UUIDField(help_text="The studio's invoice line.")
    name = models.CharField(max_length=200)
    size = models.CharField(max_length=40, blank=True)
    quantity = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)
    image = models.ForeignKey(
        OnlineImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copies = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"2": image uuid, …}: the photograph of each further copy the client chose; '
        "a copy left out is made from the first copy's image.",
    )

    class Meta:
        ordering = ["order", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "uuid"], name="prepaid_item_uuid"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name} {self.size}".strip()

    @property
    def copy_numbers(self) -> range:
        """The further copies (2nd, 3rd…) the client may choose a photograph for."""
        return range(2, min(self.quantity, COPIES_CHOSEN_MAX) + 1)

    def copy_image(self, number: int) -> UUID | None:
        found = self.copies.get(str(number))
        return UUID(found) if found else None


# Past this many copies (a sheet of wallets) one photograph is chosen for them all.
COPIES_CHOSEN_MAX = 10


def _may_see(session: OnlineSession, account: Account) -> bool:
    """An account sees its own sessions and public events; a prepaid order never opens
    another client's session (or a private event) to it."""
    return session.account_id == account.pk or session.event_type == protocol.EventType.PUBLIC


def _visible(account: Account) -> Q:
    return Q(session__account=account) | Q(session__event_type=protocol.EventType.PUBLIC)


# --------------------------------------------------------------------------- the studio's side


@atomic
def prepaid_put(*, studio: Studio, data: protocol.PrepaidOrder) -> PrepaidOrder:
    """Create or refresh a prepaid order (idempotent). The items are replaced by the
    upload's; an item that remains keeps the image the client picked (else takes the one
    the studio chose, if any). Refused when the client or the session is unknown here."""
    account = Account.objects.filter(studio=studio, client_uuid=data.client).first()
    if account is None:
        raise PrepaidRefused("Upload the invoice's client first.")
    session = OnlineSession.objects.filter(studio=studio, uuid=data.session).first()
    if session is None:
        raise PrepaidRefused("Upload the invoice's session first.")
    if session.taken_down_at is not None:
        raise PrepaidRefused("The invoice's session was taken down: upload it again first.")
    if not _may_see(session, account):
        raise PrepaidRefused(
            "The invoice's session belongs to another client: "
            "a prepaid order is for the client whose session it is."
        )
    order, _ = PrepaidOrder.objects.select_for_update().update_or_create(
        studio=studio,
        uuid=data.uuid,
        defaults={
            "number": data.number,
            "account": account,
            "session": session,
            "currency": data.currency.upper(),
            "total": data.total,
            "paid": data.paid,
            "withdrawn_at": None,
        },
    )
    old = {item.uuid: item for item in order.items.select_related("image")}
    # Picks that were all sent stay "sent" when the studio reshapes the items (a line of
    # two split into a line per photograph): nothing is left for the client to send.
    all_sent = order.submitted_at is not None and _sent_form(list(old.values())) == (
        order.submitted_picks
    )
    # A pick stays only while its image is still in the order's session.
    still_there = set(
        OnlineImage.objects.filter(
            session=session, pk__in=[i.image_id for i in old.values() if i.image_id]
        ).values_list("pk", flat=True)
    )
    images = {
        image.uuid: image
        for image in OnlineImage.objects.filter(
            session=session, uuid__in=[i.image for i in data.items if i.image]
        )
    }
    order.items.exclude(uuid__in=[i.uuid for i in data.items]).delete()
    for position, wanted in enumerate(data.items):
        item = old.get(wanted.uuid) or PrepaidItem(order=order, uuid=wanted.uuid)
        item.name, item.size = wanted.name, wanted.size
        item.quantity, item.position = wanted.quantity, position
        if item.image_id not in still_there:
            item.image = images.get(wanted.image) if wanted.image else None
        if item.copies:
            kept = set(
                OnlineImage.objects.filter(
                    session=session, uuid__in=list(item.copies.values())
                ).values_list("uuid", flat=True)
            )
            item.copies = {
                n: u
                for n, u in item.copies.items()
                if int(n) in item.copy_numbers and uuid.UUID(u) in kept
            }
        item.full_clean(exclude=["order"])
        item.save()
    if all_sent:
        order.submitted_picks = _sent_form(list(order.items.select_related("image")))
        order.save(update_fields=["submitted_picks", "updated_at"])
    return order


@atomic
def prepaid_withdraw(*, studio: Studio, uuid: uuid.UUID) -> bool:
    """The studio no longer offers this invoice online; False when it has no such one."""
    order = PrepaidOrder.objects.select_for_update().filter(studio=studio, uuid=uuid).first()
    if order is None:
        return False
    if order.withdrawn_at is None:
        order.withdrawn_at = timezone.now()
        order.save(update_fields=["withdrawn_at", "updated_at"])
    return True


# --------------------------------------------------------------------------- the client's side


def prepaid_orders_of(*, account: Account) -> list[PrepaidOrder]:
    """The account's prepaid orders still offered, newest first, with their items; only
    those of a session that is the account's own, whose images it may see."""
    return list(
        PrepaidOrder.objects.filter(_visible(account), account=account, withdrawn_at=None)
        .select_related("session")
        .prefetch_related(Prefetch("items", queryset=PrepaidItem.objects.select_related("image")))
        .order_by("-created_at", "-pk")
    )


def prepaid_of(*, account: Account, order_uuid: uuid.UUID) -> PrepaidOrder:
    """One of the account's prepaid orders; Http404 for anyone else's (or another studio's)."""
    order = get_object_or_404(
        PrepaidOrder.objects.select_related("session", "studio").filter(_visible(account)),
        studio_id=account.studio_id,
        account=account,
        uuid=order_uuid,
        withdrawn_at=None,
    )
    if order.session.taken_down_at is not None:
        raise Http404("No such order.")
    order.session.studio = order.studio
    return order


class PrepaidState(models.TextChoices):
    TO_CHOOSE = "to_choose", "Choose your images"
    SENT = "sent", "Sent to the studio"
    RECEIVED = "received", "Received by the studio"


@dataclass(frozen=True)
class CopySlot:
    """A further copy of an item, and the photograph chosen for it ("" for the first's)."""

    number: int
    key: str
    chosen: str


@dataclass(frozen=True)
class PrepaidView:
    """A prepaid order as its page shows it."""

    order: PrepaidOrder
    items: list[PrepaidItem]
    copies: dict[uuid.UUID, list[CopySlot]]

    @property
    def rows(self) -> list[tuple[PrepaidItem, list[CopySlot]]]:
        """Each item with its further copies, for the page."""
        return [(item, self.copies.get(item.uuid, [])) for item in self.items]

    state: PrepaidState
    open: bool
    unsent_changes: bool

    @property
    def complete(self) -> bool:
        return all(item.image_id is not None for item in self.items)


def prepaid_view(*, order: PrepaidOrder) -> PrepaidView:
    items = list(order.items.select_related("image"))
    state = PrepaidState.TO_CHOOSE
    if order.change_id is not None:
        acked = acked_upto(studio_id=order.studio_id, kind=protocol.ChangeKind.PREPAID)
        state = PrepaidState.RECEIVED if order.change_id <= acked else PrepaidState.SENT
    current = _sent_form(items)
    return PrepaidView(
        order=order,
        items=items,
        copies={
            item.uuid: [
                CopySlot(number=n, key=f"{item.uuid}-{n}", chosen=str(item.copy_image(n) or ""))
                for n in item.copy_numbers
            ]
            for item in items
        },
        state=state,
        open=order.session.is_open,
        unsent_changes=order.submitted_at is not None and current != order.submitted_picks,
    )


CopyPicks = dict[tuple[uuid.UUID, int], uuid.UUID | None]


def _apply_picks(
    order: PrepaidOrder, picks: dict[uuid.UUID, uuid.UUID | None], copies: CopyPicks | None
) -> list[PrepaidItem]:
    if order.withdrawn_at is not None:
        raise PrepaidRefused("The studio no longer offers this order online.")
    if not order.session.is_open:
        raise PrepaidRefused(
            f"“{order.session.title}” has expired: contact the studio to change your choices."
        )
    copies = copies or {}
    wanted = {u for u in [*picks.values(), *copies.values()] if u is not None}
    images = {i.uuid: i for i in OnlineImage.objects.filter(session=order.session, uuid__in=wanted)}
    if wanted - images.keys():
        raise PrepaidRefused("Choose images of this order's gallery only.")
    items = list(order.items.select_related("image"))
    for item in items:
        mine = {n: u for (i, n), u in copies.items() if i == item.uuid and n in item.copy_numbers}
        if mine:
            item.copies = {
                **{n: u for n, u in item.copies.items() if int(n) not in mine},
                **{str(n): str(u) for n, u in mine.items() if u is not None},
            }
            item.save(update_fields=["copies"])
        if item.uuid not in picks:
            continue
        chosen = picks[item.uuid]
        image = images[chosen] if chosen is not None else None
        if item.image_id != (image.pk if image else None):
            item.image = image
            item.save(update_fields=["image"])
    return items


def _item_picks(item: PrepaidItem) -> list[protocol.PrepaidPick]:
    """The item's first pick, then one per further copy the client chose a photograph for
    (a copy left out is made from the first pick's)."""
    assert item.image is not None
    picks = [protocol.PrepaidPick(item=item.uuid, image=item.image.uuid)]
    for number in item.copy_numbers:
        chosen = item.copy_image(number)
        if chosen is not None:
            picks.append(protocol.PrepaidPick(item=item.uuid, image=chosen))
    return picks


def _sent_form(items: list[PrepaidItem]) -> dict[str, str]:
    """The picks as kept to tell later whether they changed since they were sent."""
    sent = {str(item.uuid): str(item.image.uuid) for item in items if item.image}
    for item in items:
        for number, chosen in item.copies.items():
            sent[f"{item.uuid}#{number}"] = chosen
    return sent


@atomic
def prepaid_pick(
    *,
    order: PrepaidOrder,
    picks: dict[uuid.UUID, uuid.UUID | None],
    copies: CopyPicks | None = None,
) -> PrepaidOrder:
    """Keep the client's picks (item → image; (item, copy number) → image for the further
    copies of an item of quantity 2 or more) without sending them yet."""
    order = _locked(order)
    _apply_picks(order, picks, copies)
    return order


@atomic
def prepaid_submit(
    *, order: PrepaidOrder, picks: dict[uuid.UUID, uuid.UUID | None]
) -> PrepaidOrder:
    """Keep the picks and send them all to the studio; every item needs an image."""
    order = _locked(order)
    items = _apply_picks(order, picks, None)
    missing = [item for item in items if item.image is None]
    if missing:
        names = ", ".join(str(item) for item in missing)
        raise PrepaidRefused(f"Choose an image for every item first: {names}.")
    now = timezone.now()
    payload = protocol.PrepaidChange(
        order=order.uuid,
        submitted_at=now,
        picks=[pick for item in items for pick in _item_picks(item)],
    ).model_dump(mode="json")
    change = change_emit(
        studio_id=order.studio_id, kind=protocol.ChangeKind.PREPAID, payload=payload
    )
    order.submitted_at, order.change_id = now, change.seq
    order.submitted_picks = _sent_form(items)
    order.save(update_fields=["submitted_at", "change_id", "submitted_picks", "updated_at"])
    return order


def _locked(order: PrepaidOrder) -> PrepaidOrder:
    locked = (
        PrepaidOrder.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=order.pk)
    )
    locked.session.studio = order.session.studio
    return locked
