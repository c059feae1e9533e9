"""The gallery's records. Each domain's models live in its module; this collects them."""

from proofroom.gallery.accounts import Account
from proofroom.gallery.blobs import Blob
from proofroom.gallery.catalog import PriceList, Product
from proofroom.gallery.events import Invitation, OnlineGroup, OnlineImage, OnlineSession
from proofroom.gallery.feed import Change, ChangeAck, FeedCounter
from proofroom.gallery.guests import GuestEvent
from proofroom.gallery.mail import OutgoingMail
from proofroom.gallery.prepaid import PrepaidItem, PrepaidOrder
from proofroom.gallery.selections import ClientGroup, Favourite, YearbookPick
from proofroom.gallery.store.carts import Cart, CartLine
from proofroom.gallery.store.models import Order, OrderLine, OrderPayment, WebhookEvent
from proofroom.gallery.sweep import SweepBooking
from proofroom.gallery.tenants import ApiKey, Studio
from proofroom.gallery.throttle import AttemptCounter
from proofroom.gallery.visits import GallerySession

__all__ = [
    "Account",
    "ApiKey",
    "AttemptCounter",
    "Blob",
    "Cart",
    "CartLine",
    "Change",
    "ChangeAck",
    "ClientGroup",
    "Favourite",
    "FeedCounter",
    "GallerySession",
    "GuestEvent",
    "Invitation",
    "OnlineGroup",
    "OnlineImage",
    "OnlineSession",
    "Order",
    "OrderLine",
    "OrderPayment",
    "OutgoingMail",
    "PrepaidItem",
    "PrepaidOrder",
    "PriceList",
    "Product",
    "Studio",
    "SweepBooking",
    "WebhookEvent",
    "YearbookPick",
]
