"""The studio's own records. Each domain's models live in its module; this collects them."""

from proofroom.studio.areas import DeskArea
from proofroom.studio.clients import Client
from proofroom.studio.downloads import (
    DownloadCursor,
    OnlineFavourite,
    YearbookSettings,
)
from proofroom.studio.guests import GuestLink
from proofroom.studio.images import Image, ImageGroup, ImportRejection
from proofroom.studio.invoices.models import Deposit, Invoice, InvoiceLine, InvoiceStatus, Payment
from proofroom.studio.letters.models import (
    ExpiryReminder,
    FormLetter,
    LetterTrigger,
    ReminderSchedule,
)
from proofroom.studio.logins import DeskLoginCounter
from proofroom.studio.mail.models import DeskMail, MailSettings
from proofroom.studio.online import OnlineSettings
from proofroom.studio.pricelists import PackageItem, PriceList, Product
from proofroom.studio.sessions import Session, SessionType
from proofroom.studio.studios import Studio
from proofroom.studio.synchronizer.runs import SyncRun
from proofroom.studio.todos.models import Todo, TodoRule
from proofroom.studio.workflow import StatusChange, WorkflowStage

__all__ = [
    "Client",
    "Deposit",
    "DeskArea",
    "DeskLoginCounter",
    "DeskMail",
    "DownloadCursor",
    "ExpiryReminder",
    "FormLetter",
    "GuestLink",
    "Image",
    "ImageGroup",
    "ImportRejection",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "LetterTrigger",
    "MailSettings",
    "OnlineFavourite",
    "OnlineSettings",
    "PackageItem",
    "Payment",
    "PriceList",
    "Product",
    "ReminderSchedule",
    "Session",
    "SessionType",
    "StatusChange",
    "Studio",
    "SyncRun",
    "Todo",
    "TodoRule",
    "WorkflowStage",
    "YearbookSettings",
]
