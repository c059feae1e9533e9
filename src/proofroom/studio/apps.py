from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "proofroom.studio"
    label = "studio"
    verbose_name = "Studio desk"
