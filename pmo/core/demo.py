"""Demo data for ``manage.py seed_demo``: the seeding context, departments and people.

Every installed app may ship a ``demo`` module with a ``seed(ctx)`` function; the command
calls them in ``INSTALLED_APPS`` order, one transaction per app, so an app can use what
the apps before it published on the context (``ctx.users["pm"]``, ``ctx.published[...]``).

Rules every ``seed`` follows:
- idempotent: rows are looked up by a natural key (username, code) and created only when
  missing; a second run creates nothing;
- never overwrite: an existing row is left exactly as people left it, and the rows that
  hang off it (memberships, group membership, passwords) are only written together with a
  row created in the same run;
- deterministic: randomness comes from ``ctx.random(...)``, seeded from ``--seed``.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from pmo.core import roles
from pmo.core.models import Department

# Printed by ``seed_demo --print-accounts`` (only with DEBUG on) and in the README.
# A published demo password, by design: it only guards demo data.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_EMAIL_DOMAIN = "demo.pmo.local"


@dataclass
class DemoAccount:
    username: str
    role: str
    name: str
    job_title: str


@dataclass
class DemoContext:
    """What the command hands to every app's ``demo.seed``."""

    today: datetime.date
    seed: int = 2026
    projects: int = 0
    members_per_project: int = 3
    write: Callable[[str], None] = print
    verbosity: int = 1
    # Published by pmo.core: role code -> users, in a stable order (``users["pm"][0]`` is
    # the user ``pm``), and department code -> department.
    users: dict[str, list] = field(default_factory=dict)
    departments: dict[str, Any] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    # Anything later apps want to hand on, keyed "<app label>.<what>" (e.g. "projects.projects").
    published: dict[str, Any] = field(default_factory=dict)
    # label -> [created, existing]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def random(self, *scope) -> random.Random:
        """A generator for one scope; the same seed and scope give the same numbers.

        Scoping per app (and per row where useful) keeps one app's data stable when
        another app starts drawing more numbers.
        """
        return random.Random(":".join(str(part) for part in (self.seed, *scope)))

    def count(self, label: str, *, created: int = 0, existing: int = 0) -> None:
        row = self.counts.setdefault(label, [0, 0])
        row[0] += created
        row[1] += existing

    def log(self, message: str, level: int = 2) -> None:
        if self.verbosity >= level:
            self.write(message)

    def user(self, username: str):
        """A demo user by username, from what pmo.core published."""
        for people in self.users.values():
            for person in people:
                if person.username == username:
                    return person
        raise KeyError(username)


# --- Departments ------------------------------------------------------------------------
# (code, name, parent code); parents come first.
DEPARTMENTS = [
    ("head-office", "Head office", None),
    ("pmo", "Project Management Office", "head-office"),
    ("it", "Information Technology", "head-office"),
    ("finance", "Finance", "head-office"),
    ("operations", "Operations", "head-office"),
    ("hr", "Human Resources", "head-office"),
    ("marketing", "Marketing", "head-office"),
    ("infrastructure", "IT Infrastructure", "it"),
    ("applications", "Business Applications", "it"),
]

# Department code -> username of its head, set only on departments created in the same run.
DEPARTMENT_HEADS = {
    "head-office": "exec2",
    "pmo": "pmo",
    "it": "exec",
    "operations": "exec2",
    "finance": "pm3",
    "infrastructure": "pm4",
    "applications": "pm",
}

SHANGHAI = "Asia/Shanghai"
LONDON = "Europe/London"

# (username, role, first name, last name, job title, department code, time zone)
PEOPLE = [
    ("pmo", roles.PMO, "Na", "Li", "Head of PMO", "pmo", SHANGHAI),
    ("pmo2", roles.PMO, "Oliver", "Bennett", "PMO analyst", "pmo", LONDON),
    ("pm", roles.PM, "Wei", "Zhang", "Senior project manager", "applications", SHANGHAI),
    ("pm2", roles.PM, "Emma", "Clarke", "Project manager", "applications", LONDON),
    ("pm3", roles.PM, "Jing", "Chen", "Finance systems project manager", "finance", SHANGHAI),
    ("pm4", roles.PM, "James", "Patel", "Infrastructure project manager", "infrastructure", LONDON),
    ("resources", roles.RESOURCE_MANAGER, "Fang", "Wang", "Resource manager", "it", SHANGHAI),
    ("exec", roles.EXECUTIVE, "Yang", "Liu", "Chief information officer", "it", SHANGHAI),
    (
        "exec2",
        roles.EXECUTIVE,
        "Sarah",
        "Thompson",
        "Chief operating officer",
        "operations",
        LONDON,
    ),
    ("member", roles.MEMBER, "Lei", "Zhao", "Business analyst", "applications", SHANGHAI),
    ("member2", roles.MEMBER, "Hannah", "Wright", "Software developer", "applications", LONDON),
    ("member3", roles.MEMBER, "Mei", "Sun", "Network engineer", "infrastructure", SHANGHAI),
    ("member4", roles.MEMBER, "Daniel", "Hughes", "Finance systems analyst", "finance", LONDON),
    ("member5", roles.MEMBER, "Min", "Huang", "HR business partner", "hr", SHANGHAI),
    ("member6", roles.MEMBER, "Priya", "Shah", "UX designer", "marketing", LONDON),
    ("member7", roles.MEMBER, "Tao", "Xu", "Database administrator", "infrastructure", SHANGHAI),
    ("member8", roles.MEMBER, "Grace", "Evans", "Operations coordinator", "operations", LONDON),
]

ADMIN_USERNAME = "admin"


def seed(ctx: DemoContext) -> None:
    departments = _seed_departments(ctx)
    ctx.departments.update(departments)
    created_users = _seed_users(ctx, departments)
    _seed_admin(ctx)
    # Heads only for departments nobody has touched: new ones, still without a head.
    for code, username in DEPARTMENT_HEADS.items():
        department = departments[code]
        if department.head_id is None and getattr(department, "_demo_created", False):
            department.head = ctx.user(username)
            department.save(update_fields=["head", "updated_at"])
    ctx.log(f"pmo.core: {len(created_users)} demo users created")


def _seed_departments(ctx: DemoContext) -> dict:
    existing = {d.code: d for d in Department.objects.filter(code__in=[c for c, *_ in DEPARTMENTS])}
    result = {}
    for code, name, parent_code in DEPARTMENTS:
        department = existing.get(code)
        if department is None:
            department = Department.objects.create(
                code=code, name=name, parent=result.get(parent_code)
            )
            department._demo_created = True
            ctx.count("core.Department", created=1)
        else:
            ctx.count("core.Department", existing=1)
        result[code] = department
    return result


def _seed_users(ctx: DemoContext, departments: dict) -> list:
    User = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL}
    existing = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in PEOPLE])}
    # One hash for every new demo account: hashing is deliberately slow, and the password
    # is public anyway.
    password_hash = None
    created = []
    for username, role, first, last, title, department_code, time_zone in PEOPLE:
        user = existing.get(username)
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                job_title=title,
                department=departments[department_code],
                time_zone=time_zone,
                password=password_hash,
            )
            user.full_clean()
            user.save()
            user.groups.add(groups[role])
            created.append(user)
            ctx.count("core.User", created=1)
        else:
            ctx.count("core.User", existing=1)
        ctx.users.setdefault(role, []).append(user)
        ctx.accounts.append(
            DemoAccount(
                username=username,
                role=str(roles.label(role)),
                name=user.get_full_name() or username,
                job_title=user.job_title,
            )
        )
    return created


def _seed_admin(ctx: DemoContext) -> None:
    """A superuser for operations (the admin site); the product never relies on it."""
    User = get_user_model()
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        ctx.count("core.User", existing=1)
    else:
        User.objects.create_superuser(
            username=ADMIN_USERNAME,
            email=f"{ADMIN_USERNAME}@{DEMO_EMAIL_DOMAIN}",
            password=DEMO_PASSWORD,
            first_name="Site",
            last_name="Administrator",
            job_title="Operations (superuser)",
        )
        ctx.count("core.User", created=1)
    ctx.accounts.append(
        DemoAccount(
            username=ADMIN_USERNAME,
            role="Superuser (operations only)",
            name="Site Administrator",
            job_title="Operations (superuser)",
        )
    )
