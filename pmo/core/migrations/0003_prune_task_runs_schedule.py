"""Seed the beat schedule: prune TaskRun records daily at 03:30.

PMO staff can change or disable the schedule in the admin (Periodic tasks); running this
migration again, or after such a change, leaves their edits alone.
"""

import json

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TASK_NAME = "Prune task run records"
TASK = "pmo.core.tasks.prune_task_runs"
CRONTAB = {
    "minute": "30",
    "hour": "3",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}


def _time_zone():
    # The crontab is read in the deployment's time zone, like the rest of the app.
    return getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE or "UTC"


def seed_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    crontab = CrontabSchedule.objects.filter(**CRONTAB, timezone=_time_zone()).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**CRONTAB, timezone=_time_zone())
    _, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "kwargs": json.dumps({"keep_days": 90}),
            "description": "Deletes background task run records older than keep_days days.",
            "enabled": True,
        },
    )
    if created:
        # Historical models send no signals: tell a running beat that its schedule changed.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    # Only drop the crontab if nothing else uses it.
    CrontabSchedule.objects.filter(**CRONTAB, periodictask__isnull=True).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed_schedule, remove_schedule)]
