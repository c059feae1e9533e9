"""The desk's own "not found" and "form refused" pages: in the desk's frame, with a way back.

A desk link to a session, client or invoice that is gone (deleted, mistyped, from an old
bookmark) used to end on the server's bare "Not Found"; the page now says what was not
found and leads to the list it belongs to and to the desk's home page. A desk form posted
with a stale CSRF token (opened before logging in again) ended on Django's bare 403.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import csrf, defaults

from proofroom.studio.areas import desk_refused

FORM_REFUSED = (
    "CSRF verification failed: this form was opened before the desk's login changed "
    "(in another window, or before logging in again), so nothing was saved. "
    "Go back, reload the page and send it again."
)

# The first part of a desk path, and the list a missing page of it belongs to.
SECTIONS = {
    "clients": ("studio:client_list", "clients"),
    "sessions": ("studio:session_list", "sessions"),
    "invoices": ("studio:invoice_list", "invoices"),
    "deposits": ("studio:deposit_list", "deposits"),
    "price-lists": ("studio:pricelist_list", "price lists"),
    "sync": ("studio:synchronizer", "Synchronizer"),
}


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The process's 404 handler: a desk page under /desk/, Django's own elsewhere."""
    if not request.path_info.startswith("/desk/"):
        return defaults.page_not_found(request, exception)
    section = request.path_info.removeprefix("/desk/").split("/", 1)[0]
    back = None
    if section in SECTIONS and request.user.is_authenticated:
        url_name, label = SECTIONS[section]
        back = {"url": reverse(url_name), "label": label}
    return render(request, "studio/not_found.html", {"back": back}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The process's CSRF failure view: a desk page under /desk/, Django's own elsewhere."""
    if not request.path_info.startswith("/desk/"):
        return csrf.csrf_failure(request, reason)
    return desk_refused(request, FORM_REFUSED)
