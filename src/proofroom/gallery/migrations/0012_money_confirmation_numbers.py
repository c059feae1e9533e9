"""Confirmation numbers are stored as the desk stores them and the client is told them,
with a dash after the fourth symbol (K7MQ2XDA → K7MQ-2XDA)."""

from typing import Any

from django.db import migrations, models

BATCH = 500


def add_dashes(apps: Any, schema_editor: Any) -> None:
    Order = apps.get_model("gallery", "Order")
    pending = Order.objects.exclude(number__contains="-").only("pk", "number")
    for order in pending.iterator(chunk_size=BATCH):
        if len(order.number) == 8:
            order.number = f"{order.number[:4]}-{order.number[4:]}"
            order.save(update_fields=["number"])


def drop_dashes(apps: Any, schema_editor: Any) -> None:
    Order = apps.get_model("gallery", "Order")
    for order in Order.objects.filter(number__contains="-").only("pk", "number").iterator():
        order.number = order.number.replace("-", "")
        order.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0011_files_blob_touched_sweep"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="number",
            field=models.CharField(
                help_text="As the client is told it, with its dash: K7MQ-2XDA.", max_length=9
            ),
        ),
        migrations.RunPython(add_dashes, drop_dashes, elidable=False),
    ]
