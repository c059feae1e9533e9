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


AREAS = {
    "clients": "Can open the desk's clients",
    "sessions": "Can open the desk's sessions and images",
    "invoices": "Can open the desk's invoices and deposits",
    "sync": "Can open the desk's synchronizer",
    "settings": "Can open the desk's settings and price lists",
    "maintenance": "Can open the desk's maintenance lists",
}
GROUP_AREAS = {
    "Owner": list(AREAS),
    "Assistant": ["clients", "sessions", "invoices", "sync"],
}


def grant_areas(apps, schema_editor):  # type: ignore[no-untyped-def]
    """A desk set up earlier: its default groups keep opening what they opened, except that
    the Assistant no longer opens settings and maintenance."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not Group.objects.exists():
        return  # a new desk: set-up makes the groups with their areas
    area_type, _ = ContentType.objects.get_or_create(app_label="studio", model="deskarea")
    permissions = {
        area: Permission.objects.get_or_create(
            codename=f"desk_{area}", content_type=area_type, defaults={"name": name}
        )[0]
        for area, name in AREAS.items()
    }
    for group in Group.objects.filter(name__in=GROUP_AREAS):
        group.permissions.add(*(permissions[a] for a in GROUP_AREAS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0009_auth_desk_login_counters"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "permissions": [(f"desk_{area}", name) for area, name in AREAS.items()],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(grant_areas, migrations.RunPython.noop),
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
