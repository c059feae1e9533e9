"""Issue 12, confirmation numbers: orders placed before the gallery stored the one form
(K7MQ2XDA, without its dash) are migrated to it (K7MQ-2XDA), and back on a rollback."""

from __future__ import annotations

import uuid

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

BEFORE = [("gallery", "0011_files_blob_touched_sweep")]
AFTER = [("gallery", "0012_money_confirmation_numbers")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connections["gallery"])
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_old_orders_take_the_dash_they_are_shown_with() -> None:
    executor = migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    studio = apps.get_model("gallery", "Studio").objects.create(slug="old", name="Old Studio")
    Order = apps.get_model("gallery", "Order")
    for number in ["K7MQ2XDA", "ZZZZ9999"]:
        Order.objects.create(
            studio=studio,
            number=number,
            account_uuid=uuid.uuid4(),
            client_uuid=uuid.uuid4(),
            session_uuid=uuid.uuid4(),
            session_title="Old session",
            currency="USD",
            subtotal=100,
            tax=0,
            shipping=0,
            total=100,
            delivery="pickup",
            status="placed",
        )

    executor = migrate(AFTER)
    Order = executor.loader.project_state(AFTER).apps.get_model("gallery", "Order")
    assert sorted(Order.objects.values_list("number", flat=True)) == ["K7MQ-2XDA", "ZZZZ-9999"]

    executor = migrate(BEFORE)
    Order = executor.loader.project_state(BEFORE).apps.get_model("gallery", "Order")
    assert sorted(Order.objects.values_list("number", flat=True)) == ["K7MQ2XDA", "ZZZZ9999"]
    migrate(executor.loader.graph.leaf_nodes("gallery"))
