"""Card-gateway secrets are sealed (proofroom.core.sealing): longer values, and the plain
ones stored before are sealed in place with this server's key."""

from typing import Any

from django.db import migrations, models


def seal_plain_secrets(apps: Any, schema_editor: Any) -> None:
    from proofroom.core.sealing import is_sealed, seal

    Studio = apps.get_model("gallery", "Studio")
    db = schema_editor.connection.alias
    for studio in Studio.objects.using(db).exclude(stripe_secret_key="", stripe_webhook_secret=""):
        for field in ("stripe_secret_key", "stripe_webhook_secret"):
            value = getattr(studio, field)
            if value and not is_sealed(value):
                setattr(studio, field, seal(value))
        studio.save(using=db, update_fields=["stripe_secret_key", "stripe_webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0005_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="studio",
            name="stripe_secret_key",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="studio",
            name="stripe_webhook_secret",
            field=models.TextField(blank=True),
        ),
        # Going back leaves them sealed: a plain copy of a secret is never written again.
        migrations.RunPython(seal_plain_secrets, migrations.RunPython.noop),
    ]
