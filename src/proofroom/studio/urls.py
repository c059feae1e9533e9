from django.contrib.auth import views as auth_views
from django.urls import path

from proofroom.studio.logins import DeskLoginForm
from proofroom.studio.todos import views as todos
from proofroom.studio.views import (
    clients,
    deposits,
    exports,
    home,
    import_rejections,
    invoices,
    letters,
    mail,
    media,
    online,
    preferences,
    pricelists,
    sessions,
    sync,
    viewer,
    workflow,
)

app_name = "studio"

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="studio/login.html",
            redirect_authenticated_user=True,
            authentication_form=DeskLoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Clients
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:pk>/reset-login/", online.reset_login, name="client_reset_login"),
    # Sessions
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<int:number>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:number>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:number>/status/", sessions.session_status, name="session_status"),
    path("sessions/<int:number>/import/", sessions.session_import, name="session_import"),
    path("sessions/<int:number>/online/", online.online_tab, name="session_online"),
    path(
        "sessions/<int:number>/online/extend/", online.online_extend, name="session_online_extend"
    ),
    path(
        "sessions/<int:number>/online/yearbook/",
        online.online_yearbook,
        name="session_online_yearbook",
    ),
    path(
        "sessions/<int:number>/online/take-down/",
        online.online_take_down,
        name="session_online_take_down",
    ),
    path("sessions/<int:number>/upload/", online.uploader, name="session_upload"),
    # Synchronizer
    path("sync/", sync.synchronizer, name="synchronizer"),
    path("sync/<int:pk>/", sync.sync_run, name="sync_run"),
    # Workflow hub
    path("workflow/", workflow.hub, name="workflow"),
    # Price lists
    path("price-lists/", pricelists.pricelist_list, name="pricelist_list"),
    path("price-lists/sample/", pricelists.pricelist_sample, name="pricelist_sample"),
    path("price-lists/<int:pk>/", pricelists.pricelist_detail, name="pricelist_detail"),
    # Invoices and deposits
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", invoices.invoice_new, name="invoice_new"),
    path("invoices/statuses/", invoices.invoice_statuses, name="invoice_statuses"),
    path("invoices/statuses/add/", invoices.invoice_status_new, name="invoice_status_add"),
    path(
        "invoices/statuses/<int:pk>/rename/",
        invoices.invoice_status_rename,
        name="invoice_status_rename",
    ),
    path("invoices/<int:number>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:number>/lines/add/", invoices.invoice_line_new, name="invoice_line_add"),
    path(
        "invoices/<int:number>/lines/<int:line>/remove/",
        invoices.invoice_line_delete,
        name="invoice_line_remove",
    ),
    path("invoices/<int:number>/payments/", invoices.invoice_payments, name="invoice_payments"),
    path("invoices/<int:number>/other/", invoices.invoice_other, name="invoice_other"),
    path("deposits/", deposits.deposit_list, name="deposit_list"),
    path("deposits/record/", deposits.deposit_record, name="deposit_record"),
    path("deposits/<int:pk>/", deposits.deposit_detail, name="deposit_detail"),
    # Settings
    path("settings/", preferences.preferences, name="preferences"),
    path("settings/auto-sync/", preferences.preferences_auto_sync, name="preferences_auto_sync"),
    path("settings/remake-previews/", preferences.preferences_remake, name="preferences_remake"),
    # Image files
    path("images/<uuid:image_uuid>/<slug:kind>/", media.image_file, name="image_file"),
    *viewer.urlpatterns,
    *exports.urlpatterns,
    *import_rejections.urlpatterns,
    *todos.urlpatterns,
    *letters.urlpatterns,
    *mail.urlpatterns,
]
