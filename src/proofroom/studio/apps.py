from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "proofroom.studio"
    label = "studio"
    verbose_name = "Studio desk"

    def ready(self) -> None:
        from proofroom.studio import beats  # noqa: F401 - registers this side's periodic jobs
        from proofroom.studio.letters.triggers import on_stage_entered
        from proofroom.studio.sessions import session_stage_entered

        session_stage_entered.connect(on_stage_entered, dispatch_uid="letters_triggers")
