from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "proofroom.core"
    label = "core"
    verbose_name = "Proofroom"
