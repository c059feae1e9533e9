"""Packages: a product made of other products, each piece made from a photograph the
client picks (or the line's own)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from proofroom.gallery.catalog import Product
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage
from proofroom.gallery.store.carts import CartLine, OrderRefused, refuse_closed
from proofroom.sync.protocol import ProductCategory

# --------------------------------------------------------------------------- packages


@dataclass(frozen=True)
class PackageSlot:
    """One piece of a package (the second of two 8x10 prints, say) and its photograph."""

    key: str  # "<product uuid>:<n>", stable while the package's contents are
    product_uuid: uuid.UUID
    name: str
    size: str
    image: OnlineImage
    number: int = 1  # the second …
    of: int = 1  # … of two

    @property
    def label(self) -> str:
        label = f"{self.name} {self.size}".strip()
        return f"{label} ({self.number} of {self.of})" if self.of > 1 else label


def package_contents(package: Product) -> list[tuple[Product, int]]:
    """The products a package is made of, with how many of each, as the price list says."""
    wanted = [
        (str(item.get("product", "")), int(item.get("quantity", 1))) for item in package.items
    ]
    known = {
        str(p.uuid): p
        for p in Product.objects.filter(
            price_list_id=package.price_list_id, uuid__in=[u for u, _ in wanted if u]
        )
    }
    return [(known[u], n) for u, n in wanted if u in known and n > 0]


def _slot_images(session_id: int, picks: Mapping[str, str]) -> dict[str, OnlineImage]:
    chosen = set(picks.values())
    if not chosen:
        return {}
    valid = []
    for value in chosen:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return {
        str(image.uuid): image
        for image in OnlineImage.objects.filter(session_id=session_id, uuid__in=valid)
    }


def package_slots(line: CartLine, package: Product) -> list[PackageSlot]:
    """Every piece of the line's package with the photograph it is made from: the client's
    pick, or the line's own photograph."""
    images = _slot_images(line.cart.session_id, line.picks)
    return [
        PackageSlot(
            key=f"{product.uuid}:{n}",
            product_uuid=product.uuid,
            name=product.name,
            size=product.size,
            image=images.get(line.picks.get(f"{product.uuid}:{n}", ""), line.image),
            number=n,
            of=count,
        )
        for product, count in package_contents(package)
        for n in range(1, count + 1)
    ]


def cart_line_package(line: CartLine) -> tuple[Product, list[PackageSlot]]:
    """The line's package and its pieces; OrderRefused when the line is not a package
    still offered."""
    package = Product.objects.filter(
        price_list_id=line.cart.session.price_list_id,
        uuid=line.product_uuid,
        category=ProductCategory.PACKAGE,
    ).first()
    if package is None:
        raise OrderRefused("That is not a package of this gallery's price list.")
    return package, package_slots(line, package)


@atomic
def cart_line_pick(*, line: CartLine, picks: Mapping[str, str]) -> None:
    """Choose the photograph of each piece of a package (``{slot key: image uuid}``; a slot
    left out keeps its photograph). Refused, changing nothing, for a photograph that is
    not in the line's gallery or a piece the package does not have."""
    refuse_closed(line.cart.session)
    _, slots = cart_line_package(line)
    keys = {slot.key for slot in slots}
    unknown = set(picks) - keys
    if unknown:
        raise OrderRefused("The package has changed: choose its photographs again.")
    images = _slot_images(line.cart.session_id, picks)
    if any(value not in images for value in picks.values()):
        raise OrderRefused("That photograph is not in this gallery.")
    line.picks = {key: value for key, value in {**line.picks, **picks}.items() if key in keys}
    line.save(update_fields=["picks"])
