"""Money, defined once for both sides: integer minor units of an ISO 4217 currency.

A currency's precision (its exponent: 2 for USD, 0 for JPY and ISK, 3 for BHD and KWD)
and how a locale writes an amount come from CLDR through Babel, never from a hand list.
Where an amount has more digits than its currency, it is rounded half up (1.005 USD is
1.01 USD), as a person at a till would.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    parse_decimal,
)
from django import forms
from django.conf import settings
from django.utils.translation import to_locale

NBSP = "\u00a0"
MAX_MINOR = 2_147_483_647  # amounts are 32-bit integer columns on both sides


class AmountInvalid(ValueError):
    """Text typed as an amount that is not one; the message is for the person who typed it."""


def default_locale() -> str:
    """The locale money is written in when the caller names none: the site's language."""
    return to_locale(settings.LANGUAGE_CODE)


def _locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or default_locale()).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def currency_exponent(code: str) -> int:
    """How many digits a currency has after its decimal point: USD 2, JPY 0, BHD 3."""
    return int(get_currency_precision(code.upper()))


def _quantum(code: str) -> Decimal:
    return Decimal(1).scaleb(-currency_exponent(code))


def to_minor(amount: Decimal | int | str, code: str) -> int:
    """A decimal amount in minor units, half up: 7.50 USD → 750, 1.2345 BHD → 1235."""
    value = Decimal(amount).quantize(_quantum(code), rounding=ROUND_HALF_UP)
    return int(value.scaleb(currency_exponent(code)))


def from_minor(minor: int, code: str) -> Decimal:
    """Minor units as a decimal amount with the currency's digits: 1500 BHD → 1.500."""
    return Decimal(minor).scaleb(-currency_exponent(code)).quantize(_quantum(code))


def _space_after_letters(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a symbol that ends (or starts) in a
    letter next to a digit gets a no-break space (ISK1,500 → ISK 1,500; € and $ stay close)."""
    if not symbol or symbol not in text:
        return text
    at = text.index(symbol)
    before, after = text[:at], text[at + len(symbol) :]
    if after[:1].isdigit() and not unicodedata.category(symbol[-1]).startswith("S"):
        after = NBSP + after
    if before[-1:].isdigit() and not unicodedata.category(symbol[0]).startswith("S"):
        before = before + NBSP
    return before + symbol + after


def format_money(minor: int, code: str, locale: str | None = None) -> str:
    """Minor units as a price a person reads in a locale: 1250 USD → $12.50; 1250 EUR in
    de → 12,50 €; 1500 JPY → ¥1,500; 1500 BHD → BHD 1.500."""
    code = code.upper()
    where = _locale(locale)
    text = format_currency(from_minor(minor, code), code, locale=where, currency_digits=True)
    return _space_after_letters(text, get_currency_symbol(code, locale=where))


def parse_money(text: str, code: str, locale: str | None = None) -> int:
    """An amount typed on the desk (25, 25.00, $1,250.5, 1.250,50 in de) in minor units of
    the currency, rounded half up to its digits. AmountInvalid says what is wrong."""
    code = code.upper()
    where = _locale(locale)
    cleaned = "".join(text.split()).replace(NBSP, "")
    for mark in (code, get_currency_symbol(code, locale=where)):
        cleaned = cleaned.replace(mark, "")
    if not cleaned:
        raise AmountInvalid("Enter an amount.")
    try:
        value = parse_decimal(cleaned, locale=where)
        if not value.is_finite() or abs(value) > MAX_MINOR:
            raise InvalidOperation
        return to_minor(value, code)
    except (NumberFormatError, InvalidOperation) as error:
        raise AmountInvalid(f"{text.strip()!r} is not an amount of {code}.") from error


def format_amount(minor: int, code: str, locale: str | None = None) -> str:
    """Minor units as a person types them back into a form, without symbol or grouping:
    750 USD → 7.50 (7,50 in de); 1500 JPY → 1500; 1500 BHD → 1.500."""
    digits = currency_exponent(code)
    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(from_minor(minor, code), format=pattern, locale=_locale(locale))


class MoneyField(forms.Field):
    """An amount typed in a form, cleaned to integer minor units of ``currency`` (set by
    the form, which knows whose money it is). Initial values are minor units too."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(
        self, *, currency: str = "USD", min_minor: int = 0, locale: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.currency = currency
        self.min_minor = min_minor
        self.locale = locale

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_amount(value, self.currency, self.locale)
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_money(str(value), self.currency, self.locale)
        except AmountInvalid as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value < self.min_minor:
            least = format_money(self.min_minor, self.currency, self.locale)
            raise forms.ValidationError(f"Enter at least {least}.", code="min_value")
        if value is not None and value > MAX_MINOR:
            raise forms.ValidationError("That amount is too large.", code="max_value")


def money_field(form: forms.BaseForm, name: str) -> MoneyField:
    """A form's MoneyField by name, to set its currency once the form knows it."""
    field = form.fields[name]
    if not isinstance(field, MoneyField):
        raise TypeError(f"{name} is not a MoneyField")
    return field
