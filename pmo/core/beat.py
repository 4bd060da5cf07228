"""Seeding django-celery-beat schedules from data migrations, written once for every app.

PMO staff change or disable a schedule in the admin (Periodic tasks); seeding again, or
after such a change, leaves their edits alone.
"""

import json

from django.conf import settings
from django.utils import timezone


def _time_zone():
    # The crontab is read in the deployment's time zone, like the rest of the app.
    return getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE or "UTC"


def _models(apps):
    return (
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


def seed_crontab_task(
    apps, *, name: str, task: str, crontab: dict, description: str, kwargs: dict | None = None
) -> None:
    """Create the periodic task ``name`` on ``crontab`` unless it exists already."""
    crontab_model, task_model, tasks_changed = _models(apps)
    schedule = crontab_model.objects.filter(**crontab, timezone=_time_zone()).first()
    if schedule is None:
        schedule = crontab_model.objects.create(**crontab, timezone=_time_zone())
    _, created = task_model.objects.get_or_create(
        name=name,
        defaults={
            "task": task,
            "crontab": schedule,
            "kwargs": json.dumps(kwargs or {}),
            "description": description,
            "enabled": True,
        },
    )
    if created:
        # Historical models send no signals: tell a running beat that its schedule changed.
        tasks_changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_crontab_task(apps, *, name: str, crontab: dict) -> None:
    crontab_model, task_model, tasks_changed = _models(apps)
    task_model.objects.filter(name=name).delete()
    # Only drop the crontab if nothing else uses it.
    crontab_model.objects.filter(**crontab, periodictask__isnull=True).delete()
    tasks_changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
