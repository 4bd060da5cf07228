"""``manage.py seed_demo``: fill the database with a believable demo organisation.

The command knows no domain app. It walks the installed apps in ``INSTALLED_APPS`` order
and calls ``<app>.demo.seed(ctx)`` for each app that has one, each in its own transaction,
so that later apps build on what earlier ones published on the context. Running it again
creates nothing new and changes nothing people edited (see ``pmo.core.demo``).
"""

import datetime
import importlib
import importlib.util
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pmo.core.demo import DEMO_PASSWORD, DemoContext


def demo_modules():
    """(app config, module) for every installed app that ships ``demo.seed``."""
    found = []
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.demo"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            # The app is a plain module, not a package: it cannot have a ``demo`` submodule.
            spec = None
        if spec is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "seed", None)):
            found.append((app_config, module))
    return found


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today wants a date like 2026-11-25, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Create demo departments, people, portfolios, programs and projects (and whatever "
        "other apps add). Safe to run again: existing rows are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            metavar="N",
            help="Add synthetic projects until there are N demo projects (e.g. 2000).",
        )
        parser.add_argument(
            "--members-per-project",
            type=int,
            default=3,
            metavar="N",
            help="Team members on each synthetic project (default 3).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed for the synthetic data."
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="The date planned dates are laid around (default: today).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off (the demo accounts share a public password).",
        )
        parser.add_argument(
            "--apps",
            default="",
            help=(
                "Seed only these apps' demo parts (labels, comma-separated, e.g. core,projects); "
                "the apps they build on must be among them or already seeded."
            ),
        )
        parser.add_argument(
            "--print-accounts",
            action="store_true",
            help="Print the demo accounts and their password (only when DEBUG is on).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with a public password. "
                "Pass --allow-production for a disposable staging site."
            )
        if options["projects"] < 0 or options["members_per_project"] < 0:
            raise CommandError("--projects and --members-per-project cannot be negative.")
        ctx = DemoContext(
            today=options["today"] or timezone.localdate(),
            seed=options["seed"],
            projects=options["projects"],
            members_per_project=options["members_per_project"],
            write=self.stdout.write,
            verbosity=options["verbosity"],
        )
        only = {label.strip() for label in options["apps"].split(",") if label.strip()}
        modules = demo_modules()
        unknown = only - {app_config.label for app_config, _module in modules}
        if unknown:
            raise CommandError(f"No demo data for: {', '.join(sorted(unknown))}.")
        started = time.monotonic()
        for app_config, module in modules:
            if only and app_config.label not in only:
                continue
            app_started = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            ctx.log(f"{app_config.label}: seeded in {time.monotonic() - app_started:.2f}s")
        elapsed = time.monotonic() - started

        if options["verbosity"] >= 1:
            self._print_summary(ctx, elapsed)
        if options["print_accounts"]:
            self._print_accounts(ctx)
        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off: the demo accounts share a published password. Change or "
                    "deactivate them before anyone else can reach this site."
                )
            )

    def _print_summary(self, ctx: DemoContext, elapsed: float):
        width = max([len(label) for label in ctx.counts] + [10])
        self.stdout.write(f"{'':{width}}  {'created':>8}  {'existing':>8}")
        for label, (created, existing) in ctx.counts.items():
            self.stdout.write(f"{label:{width}}  {created:>8}  {existing:>8}")
        total = sum(created for created, _ in ctx.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {total} rows created in {elapsed:.1f}s.")
        )

    def _print_accounts(self, ctx: DemoContext):
        if not settings.DEBUG:
            # The password is public, but printing it on a production console invites its use.
            self.stderr.write(
                self.style.WARNING("Not printing demo accounts: DEBUG is off (production mode).")
            )
            return
        rows = [("username", "role", "name", "job title")] + [
            (a.username, a.role, a.name, a.job_title) for a in ctx.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo accounts (development only):")
        for index, row in enumerate(rows):
            line = "  ".join(f"{cell:{widths[i]}}" for i, cell in enumerate(row))
            self.stdout.write(f"  {line}".rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
