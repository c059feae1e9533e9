from django.db import migrations, models


class Migration(migrations.Migration):
    """A sync run counts the clients, price lists and prepaid orders it uploads, so its
    summary names every kind of work it did (issue 18, point 3)."""

    dependencies = [("studio", "0012_one_live_sync_message")]

    operations = [
        migrations.AddField(
            model_name="syncrun",
            name="uploaded",
            field=models.JSONField(
                blank=True, default=dict, help_text="clients, price lists, prepaid orders sent"
            ),
        ),
    ]
