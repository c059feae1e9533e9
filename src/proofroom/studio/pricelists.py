"""Price lists: the products a studio sells, in integer minor units of its currency."""

from __future__ import annotations

import uuid

from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Prefetch, QuerySet

from proofroom.core.choices import mirror
from proofroom.sync import protocol


@mirror(protocol.ProductCategory)
class ProductCategory(models.TextChoices):
    """What a product is; the values are the protocol's."""

    PRINT = protocol.ProductCategory.PRINT.value, "Print"
    CANVAS = protocol.ProductCategory.CANVAS.value, "Canvas"
    DIGITAL = protocol.ProductCategory.DIGITAL.value, "Digital download"
    PACKAGE = protocol.ProductCategory.PACKAGE.value, "Package"
    OTHER = protocol.ProductCategory.OTHER.value, "Other"


class PriceList(models.Model):
    """A named list of products; a web-enabled list may be offered online."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    web_enabled = models.BooleanField(
        default=False, help_text="Offered to clients in the online gallery."
    )
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something on a price list. A package is made of other products of the same list."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=10, choices=ProductCategory.choices)
    size = models.CharField(max_length=40, blank=True, help_text="e.g. 8×10 in, 30×40 cm")
    price = models.PositiveIntegerField(
        help_text="In minor units of the list's currency (cents, pence).",
        validators=[MinValueValidator(0)],
    )
    position = models.PositiveIntegerField(default=0)
    items: models.ManyToManyField[Product, PackageItem] = models.ManyToManyField(
        "self", through="PackageItem", symmetrical=False, related_name="in_packages", blank=True
    )

    class Meta:
        ordering = ["price_list", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "name", "size"],
                name="product_unique_in_list",
                violation_error_message=(
                    "This price list already has a product with that name and size."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.size}".strip()

    @property
    def is_package(self) -> bool:
        return self.category == ProductCategory.PACKAGE


class PackageItem(models.Model):
    """A product inside a package, with how many of it."""

    package = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="package_items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["package", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "product"],
                name="package_item_once",
                violation_error_message="This product is already in the package.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"


SAMPLE_PRICE_LIST: list[tuple[str, str, str, int]] = [
    ("Print", ProductCategory.PRINT, "5×7 in", 1500),
    ("Print", ProductCategory.PRINT, "8×10 in", 2500),
    ("Print", ProductCategory.PRINT, "11×14 in", 4500),
    ("Print", ProductCategory.PRINT, "16×20 in", 8500),
    ("Gallery canvas", ProductCategory.CANVAS, "16×20 in", 22500),
    ("Gallery canvas", ProductCategory.CANVAS, "24×36 in", 39500),
    ("Digital download", ProductCategory.DIGITAL, "Full resolution", 3500),
    ("All digital images", ProductCategory.DIGITAL, "", 45000),
]


@transaction.atomic
def pricelist_load_sample(*, name: str = "Portrait collection", currency: str = "USD") -> PriceList:
    """A ready-to-use web price list with prints, canvases, downloads and a package."""
    existing = PriceList.objects.filter(name=name).first()
    if existing is not None:
        return existing
    price_list = PriceList.objects.create(name=name, web_enabled=True, currency=currency)
    products = {}
    for position, (pname, category, size, price) in enumerate(SAMPLE_PRICE_LIST):
        products[(pname, size)] = Product.objects.create(
            price_list=price_list,
            name=pname,
            category=category,
            size=size,
            price=price,
            position=position * 10,
        )
    package = Product.objects.create(
        price_list=price_list,
        name="Wall & album package",
        category=ProductCategory.PACKAGE,
        price=29500,
        position=len(SAMPLE_PRICE_LIST) * 10,
    )
    PackageItem.objects.create(package=package, product=products[("Print", "16×20 in")], quantity=1)
    PackageItem.objects.create(package=package, product=products[("Print", "8×10 in")], quantity=2)
    PackageItem.objects.create(package=package, product=products[("Print", "5×7 in")], quantity=4)
    return price_list


@transaction.atomic
def product_add(
    *, price_list: PriceList, name: str, category: str, size: str = "", price: int
) -> Product:
    position = (price_list.products.aggregate(p=models.Max("position"))["p"] or 0) + 10
    product = Product(
        price_list=price_list,
        name=name,
        category=category,
        size=size,
        price=price,
        position=position,
    )
    product.full_clean()
    product.save()
    return product


def pricelists_with_counts() -> QuerySet[PriceList]:
    """The Price lists page: every list by name, with how many products it has."""
    return PriceList.objects.annotate(product_count=Count("products")).order_by("name")


def pricelist_by_pk(pk: int) -> PriceList | None:
    return PriceList.objects.filter(pk=pk).first()


def pricelist_products(price_list: PriceList) -> QuerySet[Product]:
    """A list's products in order, each package with its pieces."""
    return price_list.products.prefetch_related(
        Prefetch("package_items", queryset=PackageItem.objects.select_related("product"))
    )


def pricelists_web_enabled() -> QuerySet[PriceList]:
    """The lists a session may offer online."""
    return PriceList.objects.filter(web_enabled=True)


def products_for_menu() -> QuerySet[Product]:
    """Every product of every list, by list and position, with its list."""
    return Product.objects.select_related("price_list").order_by(
        "price_list__name", "position", "pk"
    )
