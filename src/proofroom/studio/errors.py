"""The desk's own "not found" page: in the desk's frame, with a way back.

A desk link to a session, client or invoice that is gone (deleted, mistyped, from an old
bookmark) used to end on the server's bare "Not Found"; the page now says what was not
found and leads to the list it belongs to and to the desk's home page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

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
