"""Seed the beat schedule: prune TaskRun records daily at 03:30.

PMO staff can change or disable the schedule in the admin (Periodic tasks); running this
migration again, or after such a change, leaves their edits alone.
"""

from django.db import migrations

from pmo.core.beat import remove_crontab_task, seed_crontab_task

TASK_NAME = "Prune task run records"
TASK = "pmo.core.tasks.prune_task_runs"
CRONTAB = {
    "minute": "30",
    "hour": "3",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}


def seed_schedule(apps, schema_editor):
    seed_crontab_task(
        apps,
        name=TASK_NAME,
        task=TASK,
        crontab=CRONTAB,
        kwargs={"keep_days": 90},
        description="Deletes background task run records older than keep_days days.",
    )


def remove_schedule(apps, schema_editor):
    remove_crontab_task(apps, name=TASK_NAME, crontab=CRONTAB)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed_schedule, remove_schedule)]
