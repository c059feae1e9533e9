"""The price lists a studio offers online, as the studio last uploaded them."""

from __future__ import annotations

import uuid

from django.db import models

from proofroom.sync.protocol import ProductCategory


class PriceList(models.Model):
    studio = models.ForeignKey(
        "gallery.Studio", on_delete=models.CASCADE, related_name="price_lists"
    )
    uuid = models.UUIDField()
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["studio", "name"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "uuid"], name="gallery_pricelist_uuid")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="products")
    uuid = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=120)
    category = models.CharField(
        max_length=10, choices=[(c.value, c.name.title()) for c in ProductCategory]
    )
    size = models.CharField(max_length=40, blank=True)
    price = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)
    items = models.JSONField(
        default=list, blank=True, help_text="[{product, quantity}] of a package"
    )

    class Meta:
        ordering = ["price_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "uuid"], name="gallery_product_uuid")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.size}".strip()
