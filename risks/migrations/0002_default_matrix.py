from django.db import migrations

from risks.defaults import create_defaults


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
