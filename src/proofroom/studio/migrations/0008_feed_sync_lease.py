"""A sync lease, and at most one live sync (issue 13, defects 3 and 5).

Runs left queued or running by a killed process would break the new constraint and
block every later sync: all but the newest are marked failed now, and the newest gets
a lease that lapses like any other.
"""

import proofroom.studio.synchronizer.runs
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fail_all_but_the_newest_live_run(apps, schema_editor):
    SyncRun = apps.get_model("studio", "SyncRun")
    live = SyncRun.objects.using(schema_editor.connection.alias).filter(
        status__in=["queued", "running"]
    )
    newest = live.order_by("-created_at", "-pk").first()
    if newest is not None:
        live.exclude(pk=newest.pk).update(
            status="failed",
            finished_at=timezone.now(),
            step="Stopped: its process ended without finishing.",
        )


class Migration(migrations.Migration):

    dependencies = [
        ('studio', '0007_desk_login_throttle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='syncrun',
            name='lease_until',
            field=models.DateTimeField(blank=True, default=proofroom.studio.synchronizer.runs.queued_lease_until, help_text='A live run not renewed by then is taken for dead and marked failed.', null=True),
        ),
        migrations.RunPython(fail_all_but_the_newest_live_run, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='syncrun',
            constraint=models.UniqueConstraint(models.Value(1), condition=models.Q(('status__in', ['queued', 'running'])), name='one_live_sync'),
        ),
    ]
