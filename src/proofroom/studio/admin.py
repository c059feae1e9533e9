"""Maintenance lists that staff rarely touch, served by Django's admin at /desk/admin/."""

from django.contrib import admin

from proofroom.studio.pricelists import PackageItem, PriceList, Product
from proofroom.studio.sessions import SessionType
from proofroom.studio.studios import Studio
from proofroom.studio.workflow import WorkflowStage


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
