"""Desk pages for clients: a searchable list, a record with its sessions, add and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.clients import (
    Client,
    client_by_pk,
    client_create,
    client_update,
    clients_search,
)
from proofroom.studio.forms import ClientForm
from proofroom.studio.invoices.selectors import invoices_search
from proofroom.studio.sessions import sessions_search


def _client_or_404(pk: int) -> Client:
    client = client_by_pk(pk)
    if client is None:
        raise Http404("No such client.")
    return client


@desk_page(Area.CLIENTS)
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(clients_search(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "studio/clients/list.html", {"page": page, "query": query})


@desk_page(Area.CLIENTS)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client_or_404(pk)
    sessions = sessions_search(client=client)
    invoices = invoices_search(client=client)
    return render(
        request,
        "studio/clients/detail.html",
        {"client": client, "sessions": sessions, "invoices": invoices},
    )


@desk_page(Area.CLIENTS)
def client_new(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = client_create(**form.cleaned_data)
        messages.success(request, f"{client} was added.")
        return redirect("studio:client_detail", pk=client.pk)
    return render(request, "studio/clients/form.html", {"form": form, "client": None})


@desk_page(Area.CLIENTS)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client_or_404(pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        client_update(client=client, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("studio:client_detail", pk=client.pk)
    return render(request, "studio/clients/form.html", {"form": form, "client": client})
