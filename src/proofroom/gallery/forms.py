"""The forms of the gallery's pages: they parse and check input; services do the writing."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from proofroom.gallery.accounts import Account
from proofroom.gallery.logins import current_password_problem


class LoginForm(forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class EventCodeForm(forms.Form):
    code = forms.CharField(
        label="Event code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class DateSearchForm(forms.Form):
    date = forms.DateField(label="Event date", widget=forms.DateInput(attrs={"type": "date"}))


class _NewPasswordFields(forms.Form):
    new_password = forms.CharField(
        label="New password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat_password = forms.CharField(
        label="Repeat the new password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, repeat = data.get("new_password"), data.get("repeat_password")
        if new and repeat and new != repeat:
            self.add_error("repeat_password", "The two passwords differ.")
        return data


class SetPasswordForm(_NewPasswordFields):
    """The first sign-in's "choose your own password" (the default worked once)."""

    next = forms.CharField(required=False, widget=forms.HiddenInput)


class _CurrentPasswordMixin(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        problem = current_password_problem(account=self.account, password=password)
        if problem:
            raise forms.ValidationError(problem)
        return password


class ChangeUsernameForm(_CurrentPasswordMixin):
    prefix = "name"
    username = forms.CharField(
        label="New user name",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    field_order = ["username", "current_password"]


class ChangePasswordForm(_CurrentPasswordMixin, _NewPasswordFields):
    prefix = "pw"
    field_order = ["current_password", "new_password", "repeat_password"]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
    )


class GalleryFilterForm(forms.Form):
    """The query string of a gallery page: which filter, which page of thumbnails."""

    group = forms.UUIDField(required=False)
    favourites = forms.BooleanField(required=False)
    mine = forms.IntegerField(required=False, min_value=1)
    yearbook = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def values(self) -> dict[str, Any]:
        self.is_valid()  # a bad value is dropped, the good ones kept
        return {name: self.cleaned_data.get(name) for name in self.fields}


class GuestSignupForm(_NewPasswordFields):
    """A guest's own login on a private or public event (the password rules are the clients')."""

    first_name = forms.CharField(
        label="First name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )
    field_order = ["first_name", "last_name", "email", "new_password", "repeat_password"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].label = "Password"
        self.fields["new_password"].widget.attrs["aria-describedby"] = "password-rules"
        self.fields["repeat_password"].label = "Password again"


class FavouriteForm(forms.Form):
    """Heart (on=1) or un-heart (on=0): the wanted state, so a repeated tap changes nothing."""

    on = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")
    next = forms.CharField(required=False)


class GroupNameForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=80)
    next = forms.CharField(required=False)


class UUIDListField(forms.Field):
    """Several uuids under one name (checkboxes); any malformed one refuses the lot."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(str(v)) for v in value or []]
        except ValueError as error:
            raise forms.ValidationError("Choose photographs of this gallery.") from error


class ImagesForm(forms.Form):
    """Images of a session by uuid, to add to (or remove from) one of the visitor's groups."""

    group = forms.IntegerField(min_value=1)
    images = UUIDListField(error_messages={"required": "Choose one or more photographs."})
    next = forms.CharField(required=False)


class YearbookForm(forms.Form):
    image = forms.UUIDField()
    next = forms.CharField(required=False)
