"""Seed the beat schedule: re-apply the risk rules daily at 03:45 (risks.tasks)."""

from django.db import migrations

from pmo.core.beat import remove_crontab_task, seed_crontab_task

TASK_NAME = "Reconcile risk review dates and escalations"
CRONTAB = {
    "minute": "45",
    "hour": "3",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}


def seed_schedule(apps, schema_editor):
    seed_crontab_task(
        apps,
        name=TASK_NAME,
        task="risks.tasks.reconcile_risk_rules",
        crontab=CRONTAB,
        description="Re-applies review cadences and risk-appetite escalations to open risks.",
    )


def remove_schedule(apps, schema_editor):
    remove_crontab_task(apps, name=TASK_NAME, crontab=CRONTAB)


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0002_default_matrix"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed_schedule, remove_schedule)]
