"""Filling a letter's merge fields: ``{{ client.first_name }}`` and the like.

Deliberately not a template engine: the letter is scanned once, and each ``{{ name }}``
is replaced by the plain value of that field. A value is never scanned again, so a client
called ``{{ studio.name }}`` or ``<script>`` comes out as exactly those characters in the
text mail, and escaped in its HTML part and on the desk's preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import linebreaks

FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def fields_in(text: str) -> list[str]:
    return [match.group(1).strip() for match in FIELD.finditer(text)]


def unknown_fields(text: str) -> list[str]:
    from proofroom.studio.letters.fields import FIELD_NAMES

    unknown: list[str] = []
    for name in fields_in(text):
        if name not in FIELD_NAMES and name not in unknown:
            unknown.append(name)
    return unknown


def fill(text: str, values: Mapping[str, str]) -> str:
    return FIELD.sub(lambda match: values.get(match.group(1).strip(), ""), text)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str

    @property
    def html(self) -> str:
        """The HTML part: the text escaped, its paragraphs and line breaks kept."""
        return str(linebreaks(self.text, autoescape=True))


def render(*, subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    return Rendered(subject=" ".join(fill(subject, values).split()), text=fill(body, values))
