from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "proofroom.studio"
    label = "studio"
    verbose_name = "Studio desk"

    def ready(self) -> None:
        from proofroom.studio import beats  # noqa: F401 - registers this side's periodic jobs
