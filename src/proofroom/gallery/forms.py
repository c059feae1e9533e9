"""The forms of the gallery's pages: they parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from proofroom.gallery.access import current_password_problem
from proofroom.gallery.accounts import Account


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
    """The query string of a gallery page: which group, which page of thumbnails."""

    group = forms.UUIDField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def values(self) -> dict[str, Any]:
        self.is_valid()  # a bad value is dropped, the good ones kept
        return {"group": self.cleaned_data.get("group"), "page": self.cleaned_data.get("page")}
