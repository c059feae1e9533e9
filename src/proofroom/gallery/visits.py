"""Visitor sessions of the gallery, kept in the gallery's own database."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.base_session import AbstractBaseSession


class GallerySession(AbstractBaseSession):
    """A gallery visitor's session (clients, guests, event-code visitors)."""

    class Meta:
        db_table = "gallery_session"
        ordering = ["expire_date"]

    def __str__(self) -> str:
        return f"gallery session until {self.expire_date:%Y-%m-%d %H:%M}"


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[GallerySession]:
        return GallerySession
