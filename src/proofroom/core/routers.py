"""Each side's models live in its own database; nothing is shared between them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model

# Apps that belong to the gallery; everything else is the studio's (desk staff,
# admin, sessions) or process infrastructure kept beside the studio's data.
GALLERY_APPS = frozenset({"gallery"})


def _alias_for(app_label: str) -> str:
    if app_label in GALLERY_APPS:
        return settings.GALLERY_DB
    return settings.STUDIO_DB if settings.RUNS_STUDIO else settings.GALLERY_DB


class SideRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return _alias_for(model._meta.app_label)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return _alias_for(model._meta.app_label)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return _alias_for(obj1._meta.app_label) == _alias_for(obj2._meta.app_label)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        if settings.STUDIO_DB == settings.GALLERY_DB:
            return True
        if app_label == "contenttypes":
            # Both databases keep their own content types (permissions, admin log).
            return True
        return db == _alias_for(app_label)
