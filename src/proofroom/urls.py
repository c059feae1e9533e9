"""URLs of the running process: the desk under /desk/, the gallery at /, or both."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from proofroom.core.views import healthz
from proofroom.sync import protocol

urlpatterns: list[URLPattern | URLResolver] = [path("healthz", healthz, name="healthz")]

if settings.RUNS_STUDIO:
    from django.contrib import admin

    from proofroom.studio.logins import MaintenanceLoginForm

    admin.site.site_header = "Proofroom maintenance"
    admin.site.site_title = "Proofroom"
    admin.site.index_title = "Maintenance lists"
    admin.site.login_form = MaintenanceLoginForm
    handler403 = "proofroom.studio.areas.permission_denied"
    handler404 = "proofroom.studio.errors.page_not_found"
    urlpatterns += [
        path("desk/admin/", admin.site.urls),
        path("desk/", include("proofroom.studio.urls")),
    ]

if settings.RUNS_GALLERY:
    from proofroom.gallery.sync_api import api as sync_api

    urlpatterns += [
        path(f"{protocol.PREFIX.strip('/')}/", sync_api.urls),
        path("", include("proofroom.gallery.urls")),
    ]
