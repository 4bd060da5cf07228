"""Portfolios, programs, projects and who works on them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import Department, VersionedModel

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$",
    _("Use capital letters, digits and dashes, starting with a letter (e.g. PRJ-0042)."),
)


class Stage(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    MONITORING = "monitoring", _("Monitoring and control")
    CLOSING = "closing", _("Closing")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")


class Portfolio(VersionedModel):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_portfolios",
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:portfolio_detail", args=[self.code])


class Program(VersionedModel):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("program manager"),
        on_delete=models.PROTECT,
        related_name="managed_programs",
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:program_detail", args=[self.code])


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=[Status.CLOSED, Status.CANCELLED])

    def involving(self, user):
        """Projects the user manages, sponsors or is a member of."""
        from pmo.core.policy import involvement_q

        return self.filter(involvement_q(user))

    def for_user(self, user, action: str = "view"):
        from pmo.core import policy

        return policy.projects_for_user(self, user, action)

    def with_list_relations(self):
        return self.select_related(
            "portfolio", "program", "department", "project_manager", "sponsor"
        )


class Project(VersionedModel):
    CODE_PREFIX = "PRJ"

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("Leave empty to get the next PRJ-number."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("portfolio"), on_delete=models.PROTECT, related_name="projects"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="sponsored_projects",
        null=True,
        blank=True,
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        related_name="managed_projects",
    )
    stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=Stage.choices, default=Stage.INITIATION
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.GREEN
    )
    health_reason = models.CharField(_("health reason"), max_length=500, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    planned_start = models.DateField(_("planned start"))
    planned_finish = models.DateField(_("planned finish"))
    calendar = models.ForeignKey(
        "projects.WorkCalendar",
        verbose_name=_("working calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("Leave empty to use the organisation's default calendar."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="CNY",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_finish__gte=models.F("planned_start")),
                name="project_finish_not_before_start",
                violation_error_message=_("The planned finish cannot be before the start."),
            ),
        ]
        indexes = [
            # The project list filters by these and sorts by code.
            models.Index(fields=["status", "stage"], name="project_status_stage_idx"),
            models.Index(fields=["health"], name="project_health_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.code])

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = _("The planned finish cannot be before the start.")
        if self.program_id and self.portfolio_id and self.program.portfolio_id != self.portfolio_id:
            errors["program"] = _("This program belongs to another portfolio.")
        if self.health in (Health.AMBER, Health.RED) and not self.health_reason.strip():
            errors["health_reason"] = _("Say why the project is amber or red.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status in (Status.CLOSED, Status.CANCELLED)


class ProjectRole(models.TextChoices):
    DEPUTY_PM = "deputy_pm", _("Deputy project manager")
    TEAM_LEAD = "team_lead", _("Team lead")
    TEAM_MEMBER = "team_member", _("Team member")
    ANALYST = "analyst", _("Business analyst")
    STAKEHOLDER = "stakeholder", _("Stakeholder")
    OBSERVER = "observer", _("Observer")


class ProjectMembership(VersionedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="project_memberships",
    )
    role = models.CharField(
        _("role on the project"),
        max_length=20,
        choices=ProjectRole.choices,
        default=ProjectRole.TEAM_MEMBER,
    )
    can_edit = models.BooleanField(
        _("can edit the plan"),
        default=False,
        help_text=_("Lets this person change the project's plan like its manager."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "user__last_name", "user__first_name"]
        verbose_name = _("project membership")
        verbose_name_plural = _("project memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_person"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.project.code}"
