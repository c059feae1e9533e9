"""The desk stores the protocol's values for what both sides share, defined once there."""

from __future__ import annotations

import enum

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from proofroom.core.choices import mirror
from proofroom.studio.online import EventType
from proofroom.studio.pricelists import ProductCategory
from proofroom.sync import protocol


@pytest.mark.parametrize(
    ("ours", "wire"),
    [(EventType, protocol.EventType), (ProductCategory, protocol.ProductCategory)],
)
def test_the_desks_choices_are_the_protocols_values(
    ours: type[models.TextChoices], wire: type[enum.StrEnum]
) -> None:
    assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in wire]
    assert all(m.label for m in ours)


def test_a_value_added_to_the_protocol_but_not_the_desk_is_refused_at_import() -> None:
    class Wire(enum.StrEnum):
        PRINT = "print"
        MUG = "mug"

    with pytest.raises(ImproperlyConfigured, match="MUG"):

        @mirror(Wire)
        class Category(models.TextChoices):
            PRINT = Wire.PRINT.value, "Print"
