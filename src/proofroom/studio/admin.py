"""Maintenance lists that staff rarely touch, served by Django's admin at /desk/admin/."""

from django.contrib import admin
from django.http import HttpRequest

from proofroom.studio.areas import maintenance_open
from proofroom.studio.invoices.models import Invoice, InvoiceStatus
from proofroom.studio.pricelists import PackageItem, PriceList, Product
from proofroom.studio.sessions import SessionType
from proofroom.studio.studios import Studio
from proofroom.studio.workflow import WorkflowStage

admin.site.has_permission = maintenance_open  # type: ignore[method-assign]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "currency", "time_zone", "preview_size", "watermark_enabled"]


@admin.register(WorkflowStage)
class WorkflowStageAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "role"]
    list_editable = ["position", "role"]
    ordering = ["position"]


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "web_price_list", "days_active"]


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["name", "category", "size", "price", "position"]
    extra = 1


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "web_enabled", "currency"]
    inlines = [ProductInline]


class PackageItemInline(admin.TabularInline):
    model = PackageItem
    fk_name = "package"
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "category", "price", "price_list"]
    list_filter = ["price_list", "category"]
    inlines = [PackageItemInline]


@admin.register(InvoiceStatus)
class InvoiceStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "role", "is_closed"]
    list_editable = ["position", "is_closed"]
    ordering = ["position"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """A read-only look; invoices are edited on the desk's invoice page, where the rules are."""

    list_display = ["number", "date", "client", "status", "web_order_number", "total"]
    list_filter = ["status"]
    search_fields = ["=number", "web_order_number", "client__last_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
