"""Money, defined once (core/money.py): each currency's digits and each locale's way of
writing an amount come from CLDR, and amounts are rounded half up where they must be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from proofroom.core.money import (
    AmountInvalid,
    currency_exponent,
    format_money,
    from_minor,
    parse_money,
    to_minor,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("code", "digits"),
    [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("CLP", 0), ("BHD", 3)],
)
def test_each_currency_has_its_own_digits(code: str, digits: int) -> None:
    """Issue 12, money: 'only JPY and KRW have no decimals' was wrong for ISK, CLP and BHD."""
    assert currency_exponent(code) == digits
    assert currency_exponent(code.lower()) == digits


@pytest.mark.parametrize(
    ("minor", "code", "locale", "shown"),
    [
        (1250, "USD", "en", "$12.50"),
        (123456, "USD", "en", "$1,234.56"),
        (125050, "EUR", "de", f"1.250,50{NBSP}€"),
        (1250, "EUR", "en", "€12.50"),
        (1500, "JPY", "en", "¥1,500"),
        (1500, "ISK", "en", f"ISK{NBSP}1,500"),
        (150000, "ISK", "is", f"150.000{NBSP}kr."),
        (1500, "BHD", "en", f"BHD{NBSP}1.500"),
        (12345, "BHD", "en", f"BHD{NBSP}12.345"),
    ],
)
def test_amounts_are_written_with_the_currencys_digits_in_the_locale(
    minor: int, code: str, locale: str, shown: str
) -> None:
    """Issue 12, money: ¥1,500 has no decimals, ISK has none, BHD has three; EUR in German
    puts the symbol after a decimal comma."""
    assert format_money(minor, code, locale) == shown


def test_without_a_locale_the_sites_language_is_used(settings) -> None:  # type: ignore[no-untyped-def]
    assert format_money(1250, "EUR") == "€12.50"
    settings.LANGUAGE_CODE = "de"
    assert format_money(1250, "EUR") == f"12,50{NBSP}€"


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [
        ("12.50", "USD", 1250),
        ("1.005", "USD", 101),  # half up, not to even
        ("1.004", "USD", 100),
        ("1500", "JPY", 1500),
        ("1500.5", "JPY", 1501),
        ("1499.4", "ISK", 1499),
        ("1.2345", "BHD", 1235),
        ("1.5", "BHD", 1500),
    ],
)
def test_to_minor_rounds_half_up_to_the_currencys_digits(
    amount: str, code: str, minor: int
) -> None:
    assert to_minor(Decimal(amount), code) == minor


def test_from_minor_keeps_the_currencys_digits() -> None:
    assert str(from_minor(750, "USD")) == "7.50"
    assert str(from_minor(1500, "JPY")) == "1500"
    assert str(from_minor(1500, "BHD")) == "1.500"


@pytest.mark.parametrize(
    ("typed", "code", "locale", "minor"),
    [
        ("25", "USD", "en", 2500),
        ("$1,250.50", "USD", "en", 125050),
        (" 7.505 ", "USD", "en", 751),
        ("1.250,50 €", "EUR", "de", 125050),
        ("12,5", "EUR", "de", 1250),
        ("¥1,500", "JPY", "en", 1500),
        ("1500", "ISK", "en", 1500),
        ("12.345", "BHD", "en", 12345),
        ("BHD 0.5", "BHD", "en", 500),
    ],
)
def test_amounts_typed_on_the_desk_are_read_in_minor_units(
    typed: str, code: str, locale: str, minor: int
) -> None:
    assert parse_money(typed, code, locale) == minor


@pytest.mark.parametrize("typed", ["", "  ", "twelve", "1e999999", "NaN", "12.50.3x"])
def test_what_is_not_an_amount_is_a_clear_error(typed: str) -> None:
    with pytest.raises(AmountInvalid):
        parse_money(typed, "USD", "en")
