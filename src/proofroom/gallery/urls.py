from django.urls import path

from proofroom.gallery import views

app_name = "gallery"

urlpatterns = [
    path("", views.root, name="root"),
    path("s/<slug:studio_slug>/", views.landing, name="landing"),
]
