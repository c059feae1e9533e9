from django.urls import path

from proofroom.gallery.views import choosing, guests, pages, payments, prepaid, store

app_name = "gallery"

studio = "s/<slug:studio_slug>/"
event = f"{studio}e/<uuid:session_uuid>/"

urlpatterns = [
    path("", pages.root, name="root"),
    path(studio, pages.landing, name="landing"),
    path(f"{studio}login/", pages.login, name="login"),
    path(f"{studio}password/", pages.set_password, name="set_password"),
    path(f"{studio}logout/", pages.logout, name="logout"),
    path(f"{studio}home/", pages.home, name="home"),
    path(f"{studio}account/", pages.account, name="account"),
    path(f"{studio}account/username/", pages.account_username, name="account_username"),
    path(f"{studio}account/password/", pages.account_password, name="account_password"),
    path(f"{studio}events/", pages.events, name="events"),
    path(f"{studio}code/", pages.code, name="code"),
    path(event, pages.event, name="event"),
    path(f"{event}i/<uuid:image_uuid>/", pages.image_page, name="image"),
    path(f"{event}i/<uuid:image_uuid>/favourite/", choosing.favourite, name="favourite"),
    path(f"{event}groups/", choosing.group_create, name="group_create"),
    path(f"{event}groups/add/", choosing.group_add, name="group_add"),
    path(f"{event}groups/remove/", choosing.group_remove, name="group_remove"),
    path(f"{event}groups/<int:group_id>/rename/", choosing.group_rename, name="group_rename"),
    path(f"{event}groups/<int:group_id>/delete/", choosing.group_delete, name="group_delete"),
    path(f"{event}yearbook/", choosing.yearbook, name="yearbook"),
    path(f"{event}guest/", guests.guest_signup, name="guest_signup"),
    path(f"{studio}guest/<str:token>/", guests.guest_confirm, name="guest_confirm"),
    path(f"{event}invite/", pages.invite, name="invite"),
    path(f"{studio}invite/<str:token>/", pages.invitation, name="invitation"),
    path(f"{event}cart/add/", store.add, name="cart_add"),
    path(f"{event}checkout/", store.checkout, name="checkout"),
    path(f"{studio}cart/", store.cart, name="cart"),
    path(f"{studio}cart/lines/<int:line_id>/", store.cart_line, name="cart_line"),
    path(
        f"{studio}cart/lines/<int:line_id>/remove/", store.cart_line_remove, name="cart_line_remove"
    ),
    path(f"{studio}cart/lines/<int:line_id>/package/", store.cart_package, name="cart_package"),
    path(f"{studio}orders/", store.orders, name="orders"),
    path(f"{studio}orders/<str:number>/", store.order, name="order"),
    path(f"{studio}orders/<str:number>/pay/", store.pay, name="order_pay"),
    path(f"{studio}prepaid/<uuid:order_uuid>/", prepaid.prepaid, name="prepaid"),
    path(f"{studio}prepaid/<uuid:order_uuid>/save/", prepaid.prepaid_save, name="prepaid_save"),
    path(
        f"{studio}prepaid/<uuid:order_uuid>/submit/", prepaid.prepaid_submit, name="prepaid_submit"
    ),
    path(f"{studio}payments/stripe/webhook/", payments.stripe_webhook, name="stripe_webhook"),
    path(f"{studio}i/<uuid:image_uuid>/thumb/", pages.image_file, {"size": "thumb"}, name="thumb"),
    path(
        f"{studio}i/<uuid:image_uuid>/preview/",
        pages.image_file,
        {"size": "preview"},
        name="preview",
    ),
]
