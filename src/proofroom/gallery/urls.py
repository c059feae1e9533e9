from django.urls import path

from proofroom.gallery import views

app_name = "gallery"

studio = "s/<slug:studio_slug>/"

urlpatterns = [
    path("", views.root, name="root"),
    path(studio, views.landing, name="landing"),
    path(f"{studio}login/", views.login, name="login"),
    path(f"{studio}password/", views.set_password, name="set_password"),
    path(f"{studio}logout/", views.logout, name="logout"),
    path(f"{studio}home/", views.home, name="home"),
    path(f"{studio}account/", views.account, name="account"),
    path(f"{studio}events/", views.events, name="events"),
    path(f"{studio}code/", views.code, name="code"),
    path(f"{studio}e/<uuid:session_uuid>/", views.event, name="event"),
    path(f"{studio}e/<uuid:session_uuid>/i/<uuid:image_uuid>/", views.image_page, name="image"),
    path(f"{studio}e/<uuid:session_uuid>/invite/", views.invite, name="invite"),
    path(f"{studio}invite/<str:token>/", views.invitation, name="invitation"),
    path(f"{studio}i/<uuid:image_uuid>/thumb/", views.image_file, {"size": "thumb"}, name="thumb"),
    path(
        f"{studio}i/<uuid:image_uuid>/preview/",
        views.image_file,
        {"size": "preview"},
        name="preview",
    ),
]
