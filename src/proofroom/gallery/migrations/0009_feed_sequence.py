"""Number each studio's feed by a sequence taken in commit order (issue 13, defect 1).

Existing changes keep their id as their sequence, so the cursors and acknowledgements
studios hold stay valid; each studio's counter starts at its highest one.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Max


def number_existing(apps, schema_editor):
    alias = schema_editor.connection.alias
    Change = apps.get_model("gallery", "Change")
    FeedCounter = apps.get_model("gallery", "FeedCounter")
    Change.objects.using(alias).update(seq=F("id"))
    heads = Change.objects.using(alias).values("studio_id").annotate(head=Max("id"))
    FeedCounter.objects.using(alias).bulk_create(
        FeedCounter(studio_id=row["studio_id"], last_seq=row["head"]) for row in heads
    )


class Migration(migrations.Migration):

    dependencies = [
        ('gallery', '0008_package_picks'),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedCounter',
            fields=[
                ('studio', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='gallery.studio')),
                ('last_seq', models.BigIntegerField(default=0)),
            ],
            options={
                'ordering': ['pk'],
            },
        ),
        migrations.AddField(
            model_name='change',
            name='seq',
            field=models.BigIntegerField(null=True, help_text="The studio's sequence number: its commit order."),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='change',
            name='seq',
            field=models.BigIntegerField(help_text="The studio's sequence number: its commit order."),
        ),
        migrations.AlterModelOptions(
            name='change',
            options={'ordering': ['studio', 'seq']},
        ),
        migrations.RemoveIndex(
            model_name='change',
            name='gallery_cha_studio__fc921e_idx',
        ),
        migrations.AddIndex(
            model_name='change',
            index=models.Index(fields=['studio', 'kind', 'seq'], name='change_kind_seq'),
        ),
        migrations.AddConstraint(
            model_name='change',
            constraint=models.UniqueConstraint(fields=('studio', 'seq'), name='change_seq_once', violation_error_message='This sequence number is taken.'),
        ),
        migrations.AlterField(
            model_name='order',
            name='change_id',
            field=models.BigIntegerField(blank=True, help_text='The sequence number of the feed entry that told the studio.', null=True),
        ),
        migrations.AlterField(
            model_name='prepaidorder',
            name='change_id',
            field=models.BigIntegerField(blank=True, help_text='The sequence number of the feed entry of the last submit.', null=True),
        ),
    ]
