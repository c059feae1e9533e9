from django import template

from proofroom.core.money import format_money

register = template.Library()


@register.filter
def money(amount: int | None, currency: str = "USD") -> str:
    """``{{ product.price|money:price_list.currency }}`` → $25.00"""
    return "" if amount is None else format_money(amount, currency)
