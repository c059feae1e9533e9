from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "proofroom.gallery"
    label = "gallery"
    verbose_name = "Online gallery"

    def ready(self) -> None:
        from proofroom.gallery import beats  # noqa: F401 - registers this side's periodic jobs
