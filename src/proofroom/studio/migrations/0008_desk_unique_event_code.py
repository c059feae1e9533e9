from django.db import migrations, models
from django.db.models.functions import Upper

LIVE = models.Q(state__in=["pending", "online"]) & models.Q(event_type__in=["private", "public"])


def separate_shared_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Sessions that already share an event code keep it for the first uploaded; each other
    one gets its number added, is marked for upload, and says so on its Online tab."""
    OnlineSettings = apps.get_model("studio", "OnlineSettings")
    live = OnlineSettings.objects.filter(LIVE).exclude(event_code="").select_related("session")
    seen: set[str] = set()
    for online in live.order_by("uploaded_at", "pk"):
        code = "".join(online.event_code.split()).upper()
        if code not in seen:
            seen.add(code)
            continue
        new_code = f"{online.event_code}-{online.session.number}"[:40]
        seen.add(new_code.upper())
        online.last_problem = (
            f"The event code {online.event_code} was also another session's: this session's "
            f"code is now {new_code}. Tell its guests."
        )[:300]
        online.event_code = new_code
        online.needs_upload = True
        online.revision += 1
        online.save(update_fields=["event_code", "last_problem", "needs_upload", "revision"])


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0007_desk_login_throttle"),
    ]

    operations = [
        migrations.RunPython(separate_shared_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="onlinesettings",
            constraint=models.UniqueConstraint(
                Upper("event_code"),
                condition=models.Q(
                    ("state__in", ["pending", "online"]),
                    ("event_type__in", ["private", "public"]),
                    models.Q(("event_code", ""), _negated=True),
                ),
                name="online_event_code_unique",
                violation_error_message="Another online session uses this event code already.",
            ),
        ),
    ]
