"""Studios on the gallery: one gallery serves many studios, each with its own site."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.text import slugify


class Studio(models.Model):
    """A studio's site on the gallery; every other gallery record belongs to one."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    welcome = models.TextField(
        blank=True, help_text="A few words shown on the studio's landing page."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def studio_slug_for(name: str) -> str:
    base = slugify(name)[:50] or "studio"
    slug, n = base, 1
    while Studio.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def studio_create(*, name: str, slug: str = "", email: str = "", welcome: str = "") -> Studio:
    studio = Studio(name=name, slug=slug or studio_slug_for(name), email=email, welcome=welcome)
    studio.full_clean()
    studio.save()
    return studio


def studio_for_landing() -> Studio | None:
    """The studio shown at the gallery's root: the only one, when there is only one."""
    studios = list(Studio.objects.all()[:2])
    return studios[0] if len(studios) == 1 else None
