from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "proofroom.gallery"
    label = "gallery"
    verbose_name = "Online gallery"
