"""The gallery's store: carts, packages, pricing, orders, card checkout, order history and
the confirmation mails. Models live in app ``gallery`` (``gallery/models.py`` collects them).
"""
