"""The session uploader (seed steps 3-6), the session's Online tab, and Reset Login."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.clients import client_by_pk
from proofroom.studio.dates import studio_today
from proofroom.studio.downloads import YearbookSettings, yearbook_configure, yearbook_of
from proofroom.studio.images import (
    ImageGroup,
    Rating,
    groups_of_session,
)
from proofroom.studio.online import (
    EventType,
    client_reset_login,
    images_for_upload,
    online_defaults,
    online_image_ids,
    online_left_out_ids,
    online_settings_of,
    session_extend,
    session_mark_for_upload,
    session_take_down,
    uploader_groups,
    uploader_images,
    uploader_rating_counts,
)
from proofroom.studio.pricelists import pricelists_web_enabled
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runner import sync_start
from proofroom.studio.synchronizer.runs import SyncBusy, SyncKind
from proofroom.studio.views.sessions_common import session_context, session_or_404


class SessionInfoForm(forms.Form):
    days_active = forms.IntegerField(label="Number of days active", min_value=1, max_value=3650)
    price_list = forms.ModelChoiceField(
        queryset=pricelists_web_enabled(),
        required=False,
        empty_label="No ordering",
    )
    event_type = forms.ChoiceField(choices=EventType.choices, widget=forms.RadioSelect)
    event_code = forms.CharField(max_length=40, required=False)
    event_description = forms.CharField(max_length=500, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("event_type") == EventType.PRIVATE
            and not str(data.get("event_code", "")).strip()
        ):
            self.add_error("event_code", "A private event needs an event code.")
        return data


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


@dataclass(frozen=True)
class UploaderChoices:
    """What the uploader's boxes show ticked."""

    ratings: set[str]
    groups: set[int]
    images: set[int]
    online_groups: set[int]
    left_out: set[int]


def _tab_with_errors(form: SessionInfoForm) -> str:
    """The tab to open: Session Info when one of its fields is refused, else Images."""
    if any(name in form.errors for name in form.fields):
        return "tab-info"
    return "tab-images"


@desk_page(Area.SESSIONS)
def uploader(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    online = online_defaults(session=session)
    form = SessionInfoForm(
        request.POST or None,
        initial={
            "days_active": online.days_active,
            "price_list": online.price_list,
            "event_type": online.event_type,
            "event_code": online.event_code,
            "event_description": online.event_description,
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = images_for_upload(
            session=session,
            ratings=request.POST.getlist("rating"),
            group_ids=_ids(request, "group"),
            image_ids=_ids(request, "image"),
            left_out_ids=_ids(request, "leave_out"),
        )
        try:
            session_mark_for_upload(
                session=session,
                image_ids=chosen,
                online_group_ids=_ids(request, "online_group"),
                left_out_ids=_ids(request, "leave_out"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            try:
                run = sync_start(
                    kinds=[SyncKind.SESSIONS], user=request.user, session_ids=[session.pk]
                )
            except SyncBusy as busy:
                messages.warning(
                    request, f"#{session.number} is marked for upload with the next sync. {busy}"
                )
                return redirect("studio:synchronizer")
            messages.success(request, f"Uploading {len(chosen)} images of #{session.number}.")
            return redirect("studio:sync_run", pk=run.pk)
    images = uploader_images(session=session)
    already = online_image_ids(online)
    groups = uploader_groups(session=session)
    if request.method == "POST":
        # Refused: the page comes back with every choice as the user left it.
        picked = UploaderChoices(
            ratings=set(request.POST.getlist("rating")),
            groups=set(_ids(request, "group")),
            images=set(_ids(request, "image")),
            online_groups=set(_ids(request, "online_group")),
            left_out=set(_ids(request, "leave_out")),
        )
    else:
        picked = UploaderChoices(
            ratings=set() if already else {Rating.SELECTED.value},
            groups=set(),
            images=already,
            online_groups={g.pk for g in groups if g.show_online},
            left_out=online_left_out_ids(online),
        )
    counts = uploader_rating_counts(session=session)
    context = session_context(session, "online")
    context.update(
        {
            "form": form,
            "online": online,
            "images": images,
            "picked": picked,
            "open_tab": _tab_with_errors(form),
            "ratings": [(r.value, r.label, counts.get(r.value, 0)) for r in Rating],
            "groups": groups,
            "today": studio_today().isoformat(),
        }
    )
    return render(request, "studio/sessions/uploader.html", context)


class YearbookForm(forms.Form):
    enabled = forms.BooleanField(label="Let the client pick a yearbook pose", required=False)
    deadline = forms.DateField(
        label="Until (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    eligible_group: forms.ModelChoiceField[ImageGroup] = forms.ModelChoiceField(
        queryset=None,  # the session's groups: see _yearbook_form
        required=False,
        empty_label="Every image online",
        label="Among",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("enabled") and not data.get("deadline"):
            self.add_error("deadline", "Give the last day the client may choose.")
        return data


class ExtendForm(forms.Form):
    expire_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def _yearbook_form(
    session: Session, yearbook: YearbookSettings | None, data: Any = None
) -> YearbookForm:
    form = YearbookForm(
        data,
        initial={
            "enabled": yearbook is not None,
            "deadline": yearbook.deadline if yearbook else None,
            "eligible_group": yearbook.eligible_group_id if yearbook else None,
        },
    )
    form.fields["eligible_group"].queryset = groups_of_session(session=session)  # type: ignore[attr-defined]
    return form


def _online_page(
    request: HttpRequest,
    session: Session,
    *,
    extend_form: ExtendForm | None = None,
    yearbook_form: YearbookForm | None = None,
) -> HttpResponse:
    """The Online tab, with a refused form as the user left it."""
    online = online_settings_of(session=session)
    yearbook = yearbook_of(session=session)
    context = session_context(session, "online")
    context.update(
        {
            "online": online,
            "extend_form": extend_form
            or ExtendForm(initial={"expire_date": online.expire_date if online else None}),
            "today": studio_today(),
            "yearbook": yearbook,
            "yearbook_form": yearbook_form or _yearbook_form(session, yearbook),
        }
    )
    if online is not None:
        context["online_count"] = online.images.count()
        context["days_left"] = (online.expire_date - studio_today()).days
    return render(request, "studio/sessions/online.html", context)


@desk_page(Area.SESSIONS)
def online_tab(request: HttpRequest, number: int) -> HttpResponse:
    """The Online tab; its forms post to ``session_online_extend`` and
    ``session_online_yearbook``."""
    return _online_page(request, session_or_404(number))


@desk_page(Area.SESSIONS)
@require_POST
def online_extend(request: HttpRequest, number: int) -> HttpResponse:
    """Extend Expiration Date: the next sync sends the new date."""
    session = session_or_404(number)
    online = online_settings_of(session=session)
    form = ExtendForm(request.POST, initial={"expire_date": online.expire_date if online else None})
    if online is not None and form.is_valid():
        try:
            session_extend(session=session, expire_date=form.cleaned_data["expire_date"])
        except ValidationError as exc:
            form.add_error("expire_date", exc)
        else:
            messages.success(
                request,
                f"Online until {form.cleaned_data['expire_date']:%-d %B %Y} from the next sync.",
            )
            return redirect("studio:session_online", number=session.number)
    return _online_page(request, session, extend_form=form)


@desk_page(Area.SESSIONS)
def online_take_down(request: HttpRequest, number: int) -> HttpResponse:
    """Take down now: a page that asks first; confirmed, the session comes down at the
    next sync (started here when none is running), whatever its expire date."""
    session = session_or_404(number)
    online = online_settings_of(session=session)
    problem = ""
    if request.method == "POST":
        try:
            session_take_down(session=session)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            try:
                run = sync_start(
                    kinds=[SyncKind.SESSIONS], user=request.user, session_ids=[session.pk]
                )
            except SyncBusy as busy:
                messages.warning(
                    request, f"#{session.number} is taken down with the next sync. {busy}"
                )
                return redirect("studio:session_online", number=session.number)
            messages.success(request, f"Taking #{session.number} down from the gallery.")
            return redirect("studio:sync_run", pk=run.pk)
    context = session_context(session, "online")
    context.update({"online": online, "problem": problem})
    return render(request, "studio/sessions/take_down.html", context)


@desk_page(Area.SESSIONS)
@require_POST
def online_yearbook(request: HttpRequest, number: int) -> HttpResponse:
    """Yearbook selection: on with a deadline (among a group), or off."""
    session = session_or_404(number)
    form = _yearbook_form(session, yearbook_of(session=session), request.POST)
    if not form.is_valid():
        return _online_page(request, session, yearbook_form=form)
    data = form.cleaned_data
    yearbook_configure(
        session=session,
        deadline=data["deadline"] if data["enabled"] else None,
        eligible_group=data["eligible_group"],
    )
    messages.success(request, "Yearbook selection saved; the next sync sends it.")
    return redirect("studio:session_online", number=session.number)


@desk_page(Area.CLIENTS)
@require_POST
def reset_login(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_by_pk(pk)
    if client is None:
        raise Http404("No such client.")
    client_reset_login(client=client)
    messages.success(
        request,
        f"{client}'s gallery login goes back to their email and last name at the next sync.",
    )
    return redirect("studio:client_detail", pk=client.pk)
