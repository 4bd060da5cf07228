"""Give a fresh install the PMO's default stage-gate checklists (only where none exist)."""

from django.db import migrations

from projects.demo_gates import create_default_criteria


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_planning")]

    operations = [migrations.RunPython(create_default_criteria, migrations.RunPython.noop)]
