"""Demo risk registers for ``manage.py seed_demo``: risks, reviews, issues and actions.

Every curated project gets the register a project manager would have built since the
project started: one or two identification sessions (a brainstorming workshop, an expert
interview) that raised most of its risks, an assessment a few days later, a response with
its actions, then reviews at each score band's cadence in which the residual probability
and impact move (mostly down as the mitigations work, sometimes up), until the risk is
closed, occurs (and becomes an issue) or is still open today. A few risks wait in triage,
one was rejected. Programs and portfolios get a few risks of their own, and each demo
portfolio a risk appetite, so that the risks above it are escalated
(``risks.services.rules.apply_rules``, applied at every step of every risk's life).

History is written as it would have happened: every row's history records are dated on the
day of the change and name who made it, with the review comment as the reason, so the
exposure trend and each risk's score trend show the months, not a jump on the day of the
seed. For speed the rows and their history records are inserted in bulk (the rules and
validation are the models' own), rather than through the services one save at a time.

Rules of ``pmo.core.demo``: a register that already holds risks, issues or sessions is
left as people left it; randomness comes from ``ctx.random``; dates are laid around
``ctx.today`` (nothing happens after yesterday, so nothing is in the future).
"""

from __future__ import annotations

import datetime
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q

from pmo.core.demo import DemoContext
from projects.models import Milestone, Task
from risks import demo_estimates, scoring
from risks.demo_catalogue import PORTFOLIO_APPETITE, PROGRAM_REGISTERS, PROJECT_REGISTERS
from risks.models import (
    Action,
    ActionStatus,
    Axis,
    IdentificationSession,
    Issue,
    IssueStatus,
    MatrixLevel,
    Risk,
    RiskAppetite,
    RiskCategory,
    RiskKind,
    RiskReview,
    RiskStatus,
    Strategy,
)
from risks.registers import Register
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.numbering import ISSUE_LETTER, RISK_LETTER, next_reference

DAY = datetime.timedelta(days=1)
BATCH_SIZE = 500
OPEN = set(RiskStatus.open_values())
TOKEN_ISSUE = "{issue}"
TOKEN_RISK = "{risk}"


# --- Stories: a row's life, written in one go with its dated history ---------------------
@dataclass
class State:
    when: datetime.datetime
    by: object
    reason: str
    kind: str  # "+" created, "~" changed
    values: dict


class Story:
    """The values a row had at each change, with who changed it, when and why."""

    def __init__(self, model, when, by, reason, values: dict):
        self.model = model
        self.states = [State(when, by, reason, "+", self.prepare(dict(values)))]
        self.m2m: dict[str, list] = {}
        self.obj = None
        self.extra: dict = {}  # anything the seeding needs to remember about the row

    def prepare(self, values: dict) -> dict:
        return values

    def change(self, when, by, reason, **changes) -> State:
        last = self.states[-1]
        if when <= last.when:
            # Two changes on the same day keep their order.
            when = last.when + datetime.timedelta(minutes=7)
        state = State(when, by, reason, "~", self.prepare({**last.values, **changes}))
        self.states.append(state)
        return state

    @property
    def values(self) -> dict:
        return self.states[-1].values

    @property
    def created(self) -> datetime.datetime:
        return self.states[0].when

    def resolved(self, values: dict) -> dict:
        return {k: (v.obj if isinstance(v, Story) else v) for k, v in values.items()}

    def build(self):
        obj = self.model(**self.resolved(self.values))
        obj.version = len(self.states)
        obj.created_by = self.states[0].by
        self.obj = obj
        return obj


class RiskStory(Story):
    def prepare(self, values: dict) -> dict:
        # What Risk.save() stores; bulk inserts do not call save().
        for prefix in ("inherent", "residual"):
            p, i = values.get(f"{prefix}_probability"), values.get(f"{prefix}_impact")
            values[f"{prefix}_score"] = p * i if p is not None and i is not None else None
        values["current_score"] = (
            values["residual_score"]
            if values["residual_score"] is not None
            else values["inherent_score"]
        )
        return values


def _insert(model, objs: list) -> None:
    if not objs:
        return
    if connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    else:  # pragma: no cover - PostgreSQL and SQLite >= 3.35 return the keys
        for obj in objs:
            obj.skip_history_when_saving = True
            obj.save()


@contextmanager
def _given_timestamps(model):
    """Let bulk inserts keep the dates the story gives ``auto_now``/``auto_now_add`` fields.

    Those fields stamp every insert with the current time; a demo row created in March must
    say March. Only flipped for the length of one insert by this command.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def write_stories(stories: list[Story]) -> list:
    """Insert the rows (their final values and dates), then their dated history records."""
    if not stories:
        return []
    model = stories[0].model
    objs = [story.build() for story in stories]
    for obj, story in zip(objs, stories, strict=True):
        _validate(obj)
        obj.created_at = story.created
        obj.updated_at = story.states[-1].when
    with _given_timestamps(model):
        _insert(model, objs)

    history_model = model.history.model
    copied = [
        f
        for f in history_model._meta.fields
        if not f.name.startswith("history_")
        and f.name not in ("id", "version", "created_at", "created_by")
    ]
    defaults = {f.name: f.get_default() for f in copied}
    rows = []
    for obj, story in zip(objs, stories, strict=True):
        first = story.states[0]
        for version, state in enumerate(story.states, 1):
            values = story.resolved(state.values)
            fields = {}
            for f in copied:
                value = values.get(f.name, defaults[f.name])
                if f.is_relation:
                    fields[f.attname] = value.pk if value is not None else None
                else:
                    fields[f.attname] = value
            rows.append(
                history_model(
                    id=obj.pk,
                    version=version,
                    created_at=first.when,
                    created_by_id=first.by.pk,
                    history_date=state.when,
                    history_type=state.kind,
                    history_user_id=state.by.pk,
                    history_change_reason=state.reason or None,
                    **fields,
                )
            )
    history_model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    links: dict[str, list] = {}
    for story in stories:
        for name, targets in story.m2m.items():
            through = getattr(model, name).through
            source = f"{model._meta.model_name}_id"
            target = next(f for f in through._meta.fields if f.is_relation and f.attname != source)
            links.setdefault(name, []).extend(
                through(**{source: story.obj.pk, target.attname: row.pk}) for row in targets
            )
    for name, rows in links.items():
        getattr(model, name).through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return objs


def _validate(obj) -> None:
    """The model's own checks, without the per-row queries (keys exist; the database
    enforces uniqueness and the check constraints)."""
    relations = [f.name for f in obj._meta.fields if f.is_relation]
    obj.clean_fields(exclude=relations)
    obj.clean()


# --- Register context ----------------------------------------------------------------------
@dataclass
class Reg:
    register: Register
    manager: object
    people: dict  # username -> user who may own rows here
    start: datetime.date
    finish: datetime.date
    horizon: datetime.date  # the last day anything happens in this register
    closed_on: datetime.date | None
    currency: str
    appetite: int | None
    rng: object
    milestones: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # "s1"/"s2" -> Story
    session_dates: dict = field(default_factory=dict)


@dataclass
class Seeding:
    ctx: DemoContext
    matrix: scoring.MatrixSpec
    impact_ranges: dict
    categories: dict
    sessions: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    reviews: list = field(default_factory=list)  # (RiskStory, RiskReview)

    @property
    def today(self) -> datetime.date:
        return self.ctx.today


def seed(ctx: DemoContext) -> None:
    projects = ctx.published.get("projects.projects") or []
    if not projects:
        return
    started = time.monotonic()
    seeding = Seeding(
        ctx=ctx,
        matrix=load_matrix(),
        impact_ranges={
            level.value: level
            for level in MatrixLevel.objects.filter(axis=Axis.IMPACT).order_by("value")
        },
        categories={c.code: c for c in RiskCategory.objects.filter(is_active=True)},
    )
    portfolios = ctx.published.get("projects.portfolios") or []
    programs = ctx.published.get("projects.programs") or []
    appetites = _seed_appetites(seeding, portfolios, projects)

    for project in projects:
        spec = PROJECT_REGISTERS.get(project.name)
        if spec is None:
            continue
        register = Register("project", project)
        if _already_seeded(ctx, register):
            continue
        _seed_register(seeding, _project_reg(seeding, project, appetites), spec)
    for obj, kind in [*((p, "program") for p in programs), *((p, "portfolio") for p in portfolios)]:
        spec = PROGRAM_REGISTERS.get(obj.code)
        if spec is None:
            continue
        register = Register(kind, obj)
        if _already_seeded(ctx, register):
            continue
        _seed_register(seeding, _container_reg(seeding, register, appetites), spec)

    _write(seeding)
    ctx.log(f"risks: registers written in {time.monotonic() - started:.2f}s")
    demo_estimates.seed(ctx, projects)


def _already_seeded(ctx, register: Register) -> bool:
    q = register.owner_q()
    risks = Risk.objects.filter(q)
    issues = Issue.objects.filter(q)
    existing = {
        "risks.Risk": risks.count(),
        "risks.Issue": issues.count(),
        "risks.IdentificationSession": IdentificationSession.objects.filter(q).count(),
        "risks.RiskReview": RiskReview.objects.filter(risk__in=risks).count(),
        "risks.Action": Action.objects.filter(Q(risk__in=risks) | Q(issue__in=issues)).count(),
    }
    for label, count in existing.items():
        if count:
            ctx.count(label, existing=count)
    return any(existing.values())


def _write(seeding: Seeding) -> None:
    ctx = seeding.ctx
    write_stories(seeding.sessions)
    ctx.count("risks.IdentificationSession", created=len(seeding.sessions))
    write_stories(seeding.risks)
    ctx.count("risks.Risk", created=len(seeding.risks))
    reviews = []
    for story, review in seeding.reviews:
        review.risk = story.obj
        reviews.append(review)
    with _given_timestamps(RiskReview):
        _insert(RiskReview, reviews)
    ctx.count("risks.RiskReview", created=len(reviews))
    write_stories(seeding.issues)
    ctx.count("risks.Issue", created=len(seeding.issues))
    write_stories(seeding.actions)
    ctx.count("risks.Action", created=len(seeding.actions))


# --- Appetite --------------------------------------------------------------------------------
def _seed_appetites(seeding: Seeding, portfolios: list, projects: list) -> dict:
    ctx = seeding.ctx
    existing = dict(
        RiskAppetite.objects.filter(portfolio__in=portfolios).values_list(
            "portfolio_id", "max_score"
        )
    )
    stories = []
    for portfolio in portfolios:
        if portfolio.pk in existing:
            ctx.count("risks.RiskAppetite", existing=1)
            continue
        spec = PORTFOLIO_APPETITE.get(portfolio.code)
        if spec is None:
            continue
        max_score, statement = spec
        # Set by the portfolio owner before its oldest project started.
        starts = [p.planned_start for p in projects if p.portfolio_id == portfolio.pk]
        day = _wd(min([*starts, ctx.today - 200 * DAY]) - 14 * DAY)
        story = Story(
            RiskAppetite,
            _at(day, portfolio.owner, 11),
            portfolio.owner,
            "Risk appetite set",
            {"portfolio": portfolio, "max_score": max_score, "statement": statement},
        )
        stories.append(story)
        existing[portfolio.pk] = max_score
    write_stories(stories)
    ctx.count("risks.RiskAppetite", created=len(stories))
    return existing


# --- Building one register -------------------------------------------------------------------
def _members(project) -> dict:
    people = {project.project_manager.username: project.project_manager}
    if project.sponsor_id:
        people[project.sponsor.username] = project.sponsor
    for membership in project.memberships.select_related("user"):
        if membership.user_id:
            people[membership.user.username] = membership.user
    return people


def _project_reg(seeding: Seeding, project, appetites: dict) -> Reg:
    today = seeding.today
    closed_on = None
    horizon = today - DAY
    if project.is_closed:
        span = (project.planned_finish - project.planned_start).days
        if project.status == "cancelled":
            # Stopped at the initiation gate, about a third of the way in.
            closed_on = project.planned_start + datetime.timedelta(days=round(span * 0.3))
        else:
            closed_on = project.planned_finish
        closed_on = min(closed_on, horizon)
        horizon = closed_on
    reg = Reg(
        register=Register("project", project),
        manager=project.project_manager,
        people=_members(project),
        start=project.planned_start,
        finish=project.planned_finish,
        horizon=horizon,
        closed_on=closed_on,
        currency=project.currency,
        appetite=appetites.get(project.portfolio_id),
        rng=seeding.ctx.random("risks", project.code),
    )
    reg.milestones = {m.name: m for m in Milestone.objects.filter(project=project)}
    for task in Task.objects.filter(project=project, children__isnull=True).order_by("sort_key"):
        reg.tasks.setdefault(task.name, task)
    return reg


def _container_reg(seeding: Seeding, register: Register, appetites: dict) -> Reg:
    today = seeding.today
    obj = register.obj
    manager = obj.manager if register.kind == "program" else obj.owner
    people = {manager.username: manager}
    for group in seeding.ctx.users.values():
        for user in group:
            people.setdefault(user.username, user)
    return Reg(
        register=register,
        manager=manager,
        people=people,
        start=today - 220 * DAY,
        finish=today + 240 * DAY,
        horizon=today - DAY,
        closed_on=None,
        currency="CNY",
        appetite=appetites.get(register.portfolio.pk),
        rng=seeding.ctx.random("risks", register.kind, register.code),
    )


def _wd(day: datetime.date, floor: datetime.date | None = None) -> datetime.date:
    """The working day on or before ``day`` (people meet on weekdays), not before ``floor``."""
    day = day - max(0, day.weekday() - 4) * DAY
    return max(day, floor) if floor is not None else day


def _next_wd(day: datetime.date) -> datetime.date:
    """The working day on or after ``day``."""
    return day + (7 - day.weekday()) % 7 * DAY if day.weekday() > 4 else day


def _on(reg: Reg, position: float) -> datetime.date:
    return reg.start + datetime.timedelta(days=round((reg.finish - reg.start).days * position))


def _at(day: datetime.date, user, hour: int, minute: int = 0) -> datetime.datetime:
    zone = ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _work_hour(rng, day, user) -> datetime.datetime:
    return _at(day, user, rng.randint(9, 17), rng.choice([0, 10, 20, 30, 40, 50]))


def _person(reg: Reg, username: str | None):
    if username in (None, "pm", "manager"):
        return reg.manager
    if username == "sponsor":
        sponsor = getattr(reg.register.obj, "sponsor", None)
        return sponsor or reg.manager
    return reg.people.get(username) or reg.manager


def _seed_register(seeding: Seeding, reg: Reg, spec: dict) -> None:
    _plan_sessions(seeding, reg, spec.get("sessions", ()))
    risk_stories = []
    for index, risk_spec in enumerate(spec.get("risks", ())):
        rng = seeding.ctx.random("risks", reg.register.code, "risk", index)
        story = _risk_story(seeding, reg, risk_spec, rng)
        if story is not None:
            risk_stories.append(story)
    # Numbered in the order they were raised, as the register would have numbered them.
    risk_stories.sort(key=lambda s: s.created)
    for story in risk_stories:
        number, reference = next_reference(reg.register, RISK_LETTER)
        for state in story.states:
            state.values["number"], state.values["reference"] = number, reference

    issue_stories = []
    for story in risk_stories:
        if story.extra.get("issue"):
            issue_stories.append(_issue_story(seeding, reg, story.extra["issue"], risk=story))
    for index, issue_spec in enumerate(spec.get("issues", ())):
        issue_stories.append(_issue_story(seeding, reg, issue_spec, index=index))
    issue_stories.sort(key=lambda s: s.created)
    for story in issue_stories:
        number, reference = next_reference(reg.register, ISSUE_LETTER)
        risk = story.extra.get("risk")
        for state in story.states:
            state.values["number"], state.values["reference"] = number, reference
            if risk is not None:
                state.reason = state.reason.replace(TOKEN_RISK, risk.values["reference"])
        if risk is not None:
            for state in risk.states:
                state.reason = state.reason.replace(TOKEN_ISSUE, reference)
    seeding.risks.extend(risk_stories)
    seeding.issues.extend(issue_stories)


# --- Sessions --------------------------------------------------------------------------------
def _session_dates(seeding: Seeding, reg: Reg) -> dict:
    today = seeding.today
    span = max(30, (reg.finish - reg.start).days)
    s1 = min(reg.start + datetime.timedelta(days=max(3, round(span * 0.04))), today - 12 * DAY)
    s1 = _wd(min(s1, reg.horizon - 2 * DAY))
    dates = {"s1": s1}
    if (reg.horizon - s1).days > 60:
        dates["s2"] = _wd(s1 + datetime.timedelta(days=round((reg.horizon - s1).days * 0.45)))
    return dates


def _plan_sessions(seeding: Seeding, reg: Reg, specs) -> None:
    reg.session_dates = _session_dates(seeding, reg)
    for key, spec in zip(("s1", "s2"), specs, strict=False):
        day = reg.session_dates.get(key)
        if day is None:
            continue
        facilitator = _person(reg, spec.get("facilitator"))
        story = Story(
            IdentificationSession,
            _at(day, facilitator, 15, 0),
            facilitator,
            "Session recorded",
            {
                **reg.register.scope_kwargs(),
                "title": spec["title"],
                "held_on": day,
                "method": spec["method"],
                "facilitator": facilitator,
                "external_participants": spec.get("external", ""),
                "notes": spec["notes"].strip(),
            },
        )
        participants = {facilitator.pk: facilitator}
        for username in spec.get("participants", ()):
            person = _person(reg, username)
            participants[person.pk] = person
        story.m2m["participants"] = list(participants.values())
        reg.sessions[key] = story
        seeding.sessions.append(story)


# --- Risks -----------------------------------------------------------------------------------
def _identified_on(seeding: Seeding, reg: Reg, when, rng) -> tuple[datetime.date, str | None]:
    """The day the risk was raised and the session it came from (if any)."""
    if when in ("s1", "s2"):
        if when in reg.sessions:
            return reg.session_dates[when], when
        when = 0.5
    if when == "recent":
        return _wd(reg.horizon - rng.randint(1, 6) * DAY), None
    s1 = reg.session_dates["s1"]
    day = s1 + datetime.timedelta(days=round((reg.horizon - s1).days * float(when)))
    return _wd(min(max(day, s1 + DAY), reg.horizon), s1), None


def _cost(seeding: Seeding, impact: int, rng) -> Decimal:
    level = seeding.impact_ranges.get(impact)
    lo = level.cost_min if level and level.cost_min is not None else Decimal(5000)
    hi = level.cost_max if level and level.cost_max is not None else lo * 3
    lo = max(lo, Decimal(2000))
    value = Decimal(rng.uniform(float(lo), float(hi)))
    step = Decimal(5000) if value < 100_000 else Decimal(10_000) if value < 1_000_000 else 50_000
    return max(step, (value / step).quantize(Decimal(1)) * step)


def _days(seeding: Seeding, impact: int, rng) -> int:
    level = seeding.impact_ranges.get(impact)
    lo = level.days_min if level and level.days_min is not None else 0
    hi = level.days_max if level and level.days_max is not None else lo + 30
    return max(1, rng.randint(lo, hi))


def _cadence(seeding: Seeding, score: int | None) -> int:
    band = seeding.matrix.band_for(score)
    return band.review_every_days if band else 90


def _final_levels(spec: dict, rng) -> tuple[int, int]:
    p, i, status = spec["p"], spec["i"], spec["status"]
    if spec.get("now"):
        return spec["now"]
    if spec.get("kind") == RiskKind.OPPORTUNITY:
        return (min(5, p + 1), i) if status != RiskStatus.ASSESSED else (p, i)
    if status == RiskStatus.RESPONDING:
        return max(1, p - 1), i
    if status == RiskStatus.MONITORING:
        return (max(1, p - 2), i) if rng.random() < 0.5 else (max(1, p - 1), max(1, i - 1))
    if status == RiskStatus.CLOSED:
        return max(1, p - 2), max(1, i - 1)
    if status == RiskStatus.OCCURRED:
        return min(5, p + 1), i  # the warning signs came before it happened
    return p, i


def _moves(start: tuple[int, int], end: tuple[int, int], rng, bump: bool) -> list[tuple]:
    """Unit steps of (probability, impact) from start to end, in a plausible order."""
    dp, di = end[0] - start[0], end[1] - start[1]
    moves = [(1 if dp > 0 else -1, 0)] * abs(dp) + [(0, 1 if di > 0 else -1)] * abs(di)
    rng.shuffle(moves)
    if bump and start[0] < 5 and dp <= 0:
        # It got worse for a while before the response caught up.
        position = rng.randint(0, len(moves))
        moves[position:position] = [(1, 0), (-1, 0)]
    return moves


def _risk_story(seeding: Seeding, reg: Reg, spec: dict, rng) -> RiskStory | None:
    status = spec["status"]
    if reg.closed_on is not None and status in OPEN:
        status = RiskStatus.CLOSED  # a closed project's risks were closed with it
    kind = spec.get("kind", RiskKind.THREAT)
    owner = _person(reg, spec.get("owner"))
    identified, session_key = _identified_on(seeding, reg, spec.get("when", "s1"), rng)
    p0, i0 = spec["p"], spec["i"]

    proximity = _proximity(reg, spec, identified, rng)
    base = {
        **reg.register.scope_kwargs(),
        "number": 0,
        "reference": "",
        "title": spec["title"],
        "cause": spec.get("cause", ""),
        "event": spec.get("event", ""),
        "effect": spec.get("effect", ""),
        "category": seeding.categories.get(spec.get("cat")),
        "kind": kind,
        "owner": owner,
        "proximity_date": proximity,
        "triggers": spec.get("trigger", ""),
        "status": RiskStatus.IDENTIFIED,
        "currency": reg.currency,
        "identified_in": reg.sessions.get(session_key) if session_key else None,
        "inherent_probability": None,
        "inherent_impact": None,
        "residual_probability": None,
        "residual_impact": None,
        "escalated_to": None,
        "escalated_at": None,
        "last_reviewed_on": None,
        "next_review_on": None,
        "closed_on": None,
        "closure_reason": "",
    }
    assessment = {
        "inherent_probability": p0,
        "inherent_impact": i0,
        "cost_impact": spec["cost"] if "cost" in spec else _cost(seeding, i0, rng),
        "schedule_impact_days": spec["days"] if "days" in spec else _days(seeding, i0, rng),
    }
    if spec.get("cat") in ("cost", "legal") and "days" not in spec:
        assessment["schedule_impact_days"] = None
    if spec.get("cat") in ("schedule",) and "cost" not in spec and rng.random() < 0.5:
        assessment["cost_impact"] = None

    pm = reg.manager
    author = pm if session_key else owner
    if status in (RiskStatus.PROPOSED, RiskStatus.REJECTED):
        author = _person(reg, spec.get("by")) if spec.get("by") else owner
        if status == RiskStatus.PROPOSED and spec.get("draft"):
            base.update(assessment)
        base["status"] = RiskStatus.PROPOSED
        story = RiskStory(
            Risk, _work_hour(rng, identified, author), author, "Risk added (proposed)", base
        )
        if status == RiskStatus.REJECTED:
            day = _wd(min(identified + rng.randint(2, 5) * DAY, reg.horizon), identified)
            reason = spec.get("reason") or "Not a risk for this project."
            _step(
                seeding,
                reg,
                story,
                _work_hour(rng, day, pm),
                pm,
                f"Rejected in triage: {reason}",
                status=RiskStatus.REJECTED,
                closed_on=day,
                closure_reason=reason,
            )
        _links(reg, story, spec)
        return story

    created_at = (
        _at(identified, author, 15, rng.randint(5, 55))
        if session_key
        else _work_hour(rng, identified, author)
    )
    story = RiskStory(Risk, created_at, author, "Risk added", base)
    _links(reg, story, spec)
    if status == RiskStatus.IDENTIFIED:
        _step(seeding, reg, story, created_at, author, "", rules_only=True)
        return story

    # Assessment a few days after it was raised.
    assessed = min(_next_wd(identified + rng.randint(1, 5) * DAY), reg.horizon)
    _step(
        seeding,
        reg,
        story,
        _work_hour(rng, assessed, owner),
        owner,
        "Assessed",
        status=RiskStatus.ASSESSED,
        **assessment,
    )
    final = _final_levels({**spec, "status": status}, rng)

    strategy = spec.get("strategy") or ""
    responded = None
    if status != RiskStatus.ASSESSED and strategy:
        responded = _wd(min(assessed + rng.randint(2, 8) * DAY, reg.horizon), assessed)
        new_status = RiskStatus.MONITORING if strategy == Strategy.ACCEPT else RiskStatus.RESPONDING
        _step(
            seeding,
            reg,
            story,
            _work_hour(rng, responded, owner),
            owner,
            f"Response planned: {Strategy(strategy).label.lower()}",
            status=new_status,
            strategy=strategy,
            response_summary=spec.get("response", ""),
            contingency_plan=spec.get("contingency", ""),
            fallback_plan=spec.get("fallback", ""),
        )
    elif strategy:
        story.states[-1].values.update(strategy=strategy, response_summary=spec.get("response", ""))

    # When its reviews end: closed, occurred, or the last review before today.
    after = responded or assessed
    end, occurred = _review_window(seeding, reg, spec, status, after, final, rng)
    actions = _risk_actions(seeding, reg, story, spec, responded, status, end, occurred, rng)
    _reviews(seeding, reg, story, spec, status, after, end, final, actions, rng)
    if occurred is not None:
        _step(
            seeding,
            reg,
            story,
            _work_hour(rng, occurred, owner),
            owner,
            f"Occurred: raised as issue {TOKEN_ISSUE}",
            status=RiskStatus.OCCURRED,
        )
        story.extra["issue"] = {**spec["issue"], "raised": occurred, "owner": spec.get("owner")}
    return story


def _links(reg: Reg, story: Story, spec: dict) -> None:
    tasks = [reg.tasks[name] for name in spec.get("tasks", ()) if name in reg.tasks]
    milestones = [reg.milestones[n] for n in spec.get("milestones", ()) if n in reg.milestones]
    if tasks:
        story.m2m["tasks"] = tasks
    if milestones:
        story.m2m["milestones"] = milestones


def _proximity(reg: Reg, spec: dict, identified: datetime.date, rng) -> datetime.date | None:
    near = spec.get("near")
    for name in spec.get("milestones", ()):
        if near is None and name in reg.milestones:
            return reg.milestones[name].forecast_date
    for name in spec.get("tasks", ()):
        if near is None and name in reg.tasks and reg.tasks[name].early_finish:
            return reg.tasks[name].early_finish
    if isinstance(near, str) and near in reg.milestones:
        return reg.milestones[near].forecast_date
    if isinstance(near, float):
        return _on(reg, near)
    if isinstance(near, int):
        return identified + near * DAY
    low = identified + 30 * DAY
    high = max(low + DAY, reg.finish)
    return low + rng.randint(0, (high - low).days) * DAY


def _step(seeding: Seeding, reg: Reg, story: RiskStory, when, by, reason, *, rules_only=False, **c):
    """One change of a risk, with the rules applied as the services apply them that day."""
    state = story.states[-1] if rules_only else story.change(when, by, reason, **c)
    values = state.values
    transient = story.extra.get("transient")
    if transient is None:
        transient = story.extra["transient"] = Risk()
    for name, value in values.items():
        if name != "identified_in":
            setattr(transient, name, value)
    changed = rules.apply_rules(
        transient, matrix=seeding.matrix, today=state.when.date(), appetite=reg.appetite
    )
    for name in changed:
        values[name] = getattr(transient, name)
    if "escalated_at" in changed and values["escalated_at"] is not None:
        values["escalated_at"] = state.when
    return state


def _review_window(seeding, reg, spec, status, after, final, rng):
    """(day of the last review, day it occurred or None)."""
    today = seeding.today
    if status == RiskStatus.CLOSED:
        if reg.closed_on is not None:
            end = reg.closed_on
        elif isinstance(spec.get("closed"), int):
            end = today - spec["closed"] * DAY
        else:
            low = after + 30 * DAY
            end = low + rng.randint(0, max(0, (reg.horizon - 5 * DAY - low).days)) * DAY
        return _wd(min(max(end, after + DAY), reg.horizon), after), None
    if status == RiskStatus.OCCURRED:
        days_ago = spec.get("occurred", 20)
        occurred = _wd(min(max(today - days_ago * DAY, after + 2 * DAY), reg.horizon), after)
        return _wd(occurred - rng.randint(2, 6) * DAY), occurred
    cadence = _cadence(seeding, final[0] * final[1])
    due = spec.get("due") or rng.choices(["normal", "week", "overdue"], weights=[74, 12, 14])[0]
    if due == "overdue":
        end = today - (cadence + rng.randint(1, min(20, cadence))) * DAY
    elif due == "week":
        end = today - (cadence - rng.randint(0, 6)) * DAY
    else:
        end = today - (1 + rng.randint(0, max(0, cadence - 9))) * DAY
    return _wd(min(end, reg.horizon)), None


SAME_COMMENTS = [
    "Reviewed with the owner: no change, the actions are on track.",
    "No change since the last review; no early-warning signs this period.",
    "Discussed at the project meeting: assessment unchanged.",
    "Still as assessed. Watching the triggers; nothing seen yet.",
    "No change. The owner confirmed the response is still the right one.",
    "Reviewed at the risk meeting; keep as is until the next checkpoint.",
]
WAITING_COMMENTS = [
    "No change yet: waiting for “{action}” before lowering it.",
    "Unchanged; “{action}” is under way.",
]
DOWN_P_COMMENTS = [
    "“{action}” is done: probability lowered to {plabel}.",
    "Probability down to {plabel}; “{action}” worked as intended.",
    "Lowered to {plabel} likelihood after “{action}”.",
]
DOWN_P_PLAIN = [
    "Probability lowered to {plabel}: the situation is better than at the last review.",
    "Less likely now ({plabel}); the early-warning signs have not appeared.",
]
DOWN_I_COMMENTS = [
    "Impact reduced to {ilabel}: the contingency is ready if it happens.",
    "Impact now {ilabel}: less of the plan depends on it than when it was raised.",
]
UP_COMMENTS = [
    "Raised to {plabel}: {signal}",
    "Probability up to {plabel}. Early-warning sign seen: {signal}",
]
UP_I_COMMENTS = ["Impact raised to {ilabel}: more of the plan now depends on it."]
OPPORTUNITY_UP = [
    "More likely now ({plabel}): “{action}” opened the door.",
    "Probability up to {plabel}; the enhancement actions are paying off.",
]
MONITOR_COMMENT = "Response actions complete; moved to monitoring."


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else text


def _reviews(seeding, reg, story, spec, status, after, end, final, actions, rng) -> None:
    """Reviews at the band's cadence from ``after`` to ``end``, moving P/I to ``final``."""
    matrix = seeding.matrix
    values = story.values
    level = (values["inherent_probability"], values["inherent_impact"])
    if end <= after + 2 * DAY and status != RiskStatus.CLOSED:
        return  # too young for a review yet
    bump = spec.get("path") == "bump" or (spec.get("path") is None and rng.random() < 0.18)
    if status == RiskStatus.OCCURRED:
        bump = False
    moves = _moves(level, final, rng, bump)
    window = max(1, (end - after).days)
    move_days = sorted(after + max(1, round(window * rng.uniform(0.15, 1.0))) * DAY for _ in moves)
    if status == RiskStatus.OCCURRED:
        move_days = [end] * len(moves)  # it got worse at the last review before it happened

    # Review days: each band's cadence after the last review, give or take a few days.
    days, day, current = [], after, level
    pending = list(zip(move_days, moves, strict=True))
    while True:
        step = _cadence(seeding, current[0] * current[1])
        day = day + (step + (rng.randint(0, 3) if step >= 14 else rng.randint(0, 1))) * DAY
        if day.weekday() > 4:  # a weekend: the Friday before or the Monday after
            day = _wd(day) if rng.random() < 0.5 else _next_wd(day)
        if day >= end - 2 * DAY:
            break
        days.append(day)
        while pending and pending[0][0] <= day:
            _, move = pending.pop(0)
            current = (current[0] + move[0], current[1] + move[1])
    days.append(end)
    if len(days) > 60:  # a long weekly review keeps its recent months
        days = days[-60:]

    owner = values["owner"]
    pm = reg.manager
    monitoring_from = None
    if status in (RiskStatus.MONITORING, RiskStatus.CLOSED) and values["status"] != (
        RiskStatus.MONITORING
    ):
        monitoring_from = days[max(0, int(len(days) * rng.uniform(0.55, 0.8)) - 1)]
    remaining = list(zip(move_days, moves, strict=True))
    current = level
    for index, day in enumerate(days):
        last = index == len(days) - 1
        applied = []
        while remaining and (remaining[0][0] <= day or last):
            applied.append(remaining.pop(0)[1])
        before = current
        for move in applied:
            current = (current[0] + move[0], current[1] + move[1])
        review_status = values["status"]
        if review_status in (RiskStatus.RESPONDING,) and monitoring_from and day >= monitoring_from:
            review_status = RiskStatus.MONITORING
        comment = _comment(matrix, story, spec, before, current, actions, day, rng)
        if review_status != values["status"] and review_status == RiskStatus.MONITORING:
            comment = f"{comment} {MONITOR_COMMENT}" if current != before else MONITOR_COMMENT
        extra = {}
        if last and status == RiskStatus.CLOSED:
            review_status = RiskStatus.CLOSED
            comment = spec.get("reason") or _closure_reason(reg, spec)
            extra = {"closed_on": day, "closure_reason": comment}
        reviewer = owner if (owner == pm or rng.random() < 0.7) else pm
        state = _step(
            seeding,
            reg,
            story,
            _work_hour(rng, day, reviewer),
            reviewer,
            comment,
            status=review_status,
            residual_probability=current[0],
            residual_impact=current[1],
            last_reviewed_on=day,
            **extra,
        )
        score = current[0] * current[1]
        band = matrix.band_for(score)
        review = RiskReview(
            reviewed_on=day,
            reviewed_by=reviewer,
            probability=current[0],
            impact=current[1],
            score=score,
            band=band.code if band else "",
            status=review_status,
            comment=comment,
        )
        review.recorded_at = state.when
        seeding.reviews.append((story, review))


def _closure_reason(reg: Reg, spec: dict) -> str:
    if reg.closed_on is not None and reg.register.obj.status == "cancelled":
        return "Project cancelled at the initiation gate: the risk no longer applies."
    if reg.closed_on is not None:
        return "Project closed: the risk did not occur; lessons recorded in the closure report."
    return "The proximity date passed without the event; closed."


def _comment(matrix, story, spec, before, current, actions, day, rng) -> str:
    done = [a for a in actions if a.extra.get("done_on") and a.extra["done_on"] <= day]
    running = [
        a
        for a in actions
        if a.created.date() <= day and (not a.extra.get("done_on") or a.extra["done_on"] > day)
    ]
    action = done[-1].values["description"] if done else None
    fill = {
        "plabel": matrix.probability_label(current[0]).lower(),
        "ilabel": matrix.impact_label(current[1]).lower(),
        "signal": spec.get("signal") or _lower_first(spec.get("trigger", "")) + ".",
    }
    if current == before:
        if running and rng.random() < 0.4:
            return rng.choice(WAITING_COMMENTS).format(action=running[0].values["description"])
        return rng.choice(SAME_COMMENTS)
    opportunity = story.values["kind"] == RiskKind.OPPORTUNITY
    if current[0] > before[0]:
        if opportunity and action:
            return rng.choice(OPPORTUNITY_UP).format(action=action, **fill)
        if opportunity:
            return OPPORTUNITY_UP[1].format(**fill)
        return rng.choice(UP_COMMENTS).format(**fill)
    if current[1] > before[1]:
        return UP_I_COMMENTS[0].format(**fill)
    if current[0] < before[0]:
        if action and rng.random() < 0.75:
            return rng.choice(DOWN_P_COMMENTS).format(action=action, **fill)
        return rng.choice(DOWN_P_PLAIN).format(**fill)
    return rng.choice(DOWN_I_COMMENTS).format(**fill)


# --- Actions ---------------------------------------------------------------------------------
def _risk_actions(seeding, reg, story, spec, responded, status, end, occurred, rng) -> list:
    """Response actions created with the response; their progress up to today."""
    if responded is None or not spec.get("actions"):
        return []
    result = []
    today = seeding.today
    for index, (description, who, due_in, cost) in enumerate(spec["actions"]):
        owner = _person(reg, who)
        created = responded
        due = responded + due_in * DAY
        if status == RiskStatus.RESPONDING and index == len(spec["actions"]) - 1 and due < today:
            # The response goes on: its latest action was added at a recent review.
            created = _wd(max(responded, today - rng.randint(8, 40) * DAY), responded)
            due = created + due_in * DAY
        story_ = _action_story(
            seeding,
            reg,
            {"risk": story},
            description,
            owner,
            created,
            due,
            cost,
            _risk_action_outcome(seeding, status, due, end, occurred, rng),
            rng,
        )
        result.append(story_)
    return result


def _risk_action_outcome(seeding, status, due, end, occurred, rng):
    """(final status, day done) for a response action."""
    yesterday = seeding.today - DAY
    if status in (RiskStatus.MONITORING, RiskStatus.CLOSED):
        return ActionStatus.DONE, min(due + rng.randint(-4, 3) * DAY, end, yesterday)
    if status == RiskStatus.OCCURRED:
        if due < occurred - 3 * DAY:
            return ActionStatus.DONE, min(due + rng.randint(-2, 2) * DAY, occurred - DAY)
        return ActionStatus.CANCELLED, occurred
    if due < yesterday:
        if rng.random() < 0.75:
            return ActionStatus.DONE, min(due + rng.randint(-3, 2) * DAY, yesterday)
        return ActionStatus.IN_PROGRESS, None  # overdue
    return (ActionStatus.IN_PROGRESS if rng.random() < 0.5 else ActionStatus.PLANNED), None


def _action_story(seeding, reg, parent, description, owner, created, due, cost, outcome, rng):
    status, done_on = outcome
    pm = reg.manager
    created = min(created, reg.horizon)
    story = Story(
        Action,
        _work_hour(rng, created, pm),
        pm,
        "Action added",
        {
            **parent,
            "description": description,
            "owner": owner,
            "due_date": due,
            "cost": Decimal(cost) * 1000 if cost else None,
            "currency": reg.currency,
            "status": ActionStatus.PLANNED,
            "completed_on": None,
            "note": "",
        },
    )
    yesterday = seeding.today - DAY
    if status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        finish = done_on or yesterday
        start = _wd(created + max(1, (finish - created).days // 3) * DAY, created)
        if start <= min(finish, yesterday):
            story.change(
                _work_hour(rng, start, owner),
                owner,
                _status_reason(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
                status=ActionStatus.IN_PROGRESS,
            )
    if status == ActionStatus.DONE:
        done_on = _wd(max(done_on, created), created)
        story.change(
            _work_hour(rng, done_on, owner),
            owner,
            _status_reason(story.values["status"], ActionStatus.DONE),
            status=ActionStatus.DONE,
            completed_on=done_on,
        )
        story.extra["done_on"] = done_on
    elif status == ActionStatus.CANCELLED:
        story.change(
            _work_hour(rng, max(done_on, created), pm),
            pm,
            _status_reason(story.values["status"], ActionStatus.CANCELLED),
            status=ActionStatus.CANCELLED,
            note="Overtaken: the risk occurred and is handled as an issue.",
        )
    seeding.actions.append(story)
    return story


def _status_reason(old: str, new: str) -> str:
    """As ``risks.services.actions.action_set_status`` words it."""
    return f"Status: {ActionStatus(old).label} → {ActionStatus(new).label}"


# --- Issues ----------------------------------------------------------------------------------
def _issue_story(seeding, reg, spec: dict, *, risk: RiskStory | None = None, index: int = 0):
    rng = seeding.ctx.random(
        "risks", reg.register.code, "issue", risk.values["title"] if risk else index
    )
    today = seeding.today
    owner = _person(reg, spec.get("owner"))
    if risk is not None:
        raised = spec["raised"]
        reason = f"Raised from risk {TOKEN_RISK}, which occurred"
        score = risk.values["current_score"]
        band = seeding.matrix.band_for(score)
        severity = spec.get("severity") or {
            "critical": "critical",
            "high": "high",
            "low": "low",
        }.get(band.code if band else "", "medium")
    else:
        raised = today - spec.get("raised", 20) * DAY
        reason = "Issue logged"
        severity = spec.get("severity", "medium")
    raised = _wd(max(min(raised, reg.horizon), reg.session_dates.get("s1", raised)))
    values = {
        **reg.register.scope_kwargs(),
        "number": 0,
        "reference": "",
        "title": spec.get("title") or (risk.values["title"] if risk else ""),
        "description": spec.get("description", "").strip(),
        "severity": severity,
        "owner": owner,
        "raised_on": raised,
        "due_date": raised + spec.get("due", 21) * DAY,
        "status": IssueStatus.OPEN,
        "risk": risk,
        "escalated_to": None,
        "escalation_note": "",
        "resolution": "",
        "closed_on": None,
    }
    if risk is not None and not values["description"]:
        rv = risk.values
        values["description"] = "\n\n".join(
            f"{label}: {text}"
            for label, text in (
                ("Cause", rv["cause"]),
                ("Event", rv["event"]),
                ("Effect", rv["effect"]),
                ("Contingency plan", rv["contingency_plan"]),
            )
            if text
        )
    by = owner if risk is not None else _person(reg, spec.get("by", spec.get("owner")))
    story = Story(Issue, _work_hour(rng, raised, by), by, reason, values)
    story.extra["risk"] = risk
    final = spec.get("status", IssueStatus.IN_PROGRESS)
    if reg.closed_on is not None:
        final = IssueStatus.CLOSED
    limit = reg.horizon
    day = raised
    if final != IssueStatus.OPEN:
        day = _wd(min(raised + rng.randint(1, 3) * DAY, limit), raised)
        story.change(_work_hour(rng, day, owner), owner, "Work started", status="in_progress")
    if spec.get("escalate"):
        to = _person(reg, spec["escalate"])
        day = _wd(min(raised + spec.get("escalate_after", 6) * DAY, limit), day)
        note = spec.get("note", "A decision is needed above the project.")
        story.change(
            _work_hour(rng, day, owner),
            owner,
            f"Escalated to {to.get_full_name() or to.username}: {note}",
            status=IssueStatus.ESCALATED,
            escalated_to=to,
            escalation_note=note,
        )
    closed_on = None
    if final == IssueStatus.CLOSED:
        closed_on = min(raised + spec.get("closed_after", 12) * DAY, limit)
        closed_on = _wd(max(closed_on, day), day)
    for description, who, due_in, cost, *done in spec.get("actions", ()):
        due = raised + due_in * DAY
        if closed_on is not None:
            outcome = (ActionStatus.DONE, min(max(due - 2 * DAY, raised), closed_on))
        elif done and done[0]:
            outcome = (ActionStatus.DONE, min(due, today - DAY))
        elif due < today and not done and rng.random() < 0.6:
            outcome = (ActionStatus.DONE, min(due + rng.randint(-2, 2) * DAY, today - DAY))
        elif due < today or rng.random() < 0.5:
            outcome = (ActionStatus.IN_PROGRESS, None)  # the issue is still open
        else:
            outcome = (ActionStatus.PLANNED, None)
        _action_story(
            seeding,
            reg,
            {"issue": story},
            description,
            _person(reg, who),
            raised,
            due,
            cost,
            outcome,
            rng,
        )
    if closed_on is not None:
        story.change(
            _work_hour(rng, closed_on, owner),
            owner,
            "Closed",
            status=IssueStatus.CLOSED,
            resolution=spec.get("resolution", "Resolved; see the actions.").strip(),
            closed_on=closed_on,
        )
    return story
