"""Risks (threats and opportunities) and the actions that respond to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel
from risks.models.matrix import level_validators
from risks.models.scope import RegisterScoped, exactly_one_register


class RiskKind(models.TextChoices):
    THREAT = "threat", _("Threat")
    OPPORTUNITY = "opportunity", _("Opportunity")


class RiskStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # a draft or a member's proposal, awaiting triage
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    RESPONDING = "responding", _("Responding")
    MONITORING = "monitoring", _("Monitoring")
    OCCURRED = "occurred", _("Occurred")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")  # triaged out: a duplicate or not a risk

    @classmethod
    def open_values(cls) -> list[str]:
        """Statuses of risks still in play: they count in heat maps and exposure."""
        return [cls.IDENTIFIED, cls.ASSESSED, cls.RESPONDING, cls.MONITORING]

    @classmethod
    def final_values(cls) -> list[str]:
        """Statuses after which the risk can no longer be edited, only reopened."""
        return [cls.CLOSED, cls.REJECTED]


class Strategy(models.TextChoices):
    # Threats
    AVOID = "avoid", _("Avoid")
    TRANSFER = "transfer", _("Transfer")
    MITIGATE = "mitigate", _("Mitigate")
    # Opportunities
    EXPLOIT = "exploit", _("Exploit")
    SHARE = "share", _("Share")
    ENHANCE = "enhance", _("Enhance")
    # Both
    ACCEPT = "accept", _("Accept")
    ESCALATE = "escalate", _("Escalate")

    @classmethod
    def for_kind(cls, kind: str) -> list[str]:
        if kind == RiskKind.OPPORTUNITY:
            return [cls.EXPLOIT, cls.SHARE, cls.ENHANCE, cls.ACCEPT, cls.ESCALATE]
        return [cls.AVOID, cls.TRANSFER, cls.MITIGATE, cls.ACCEPT, cls.ESCALATE]


def _level_pair_q(p: str, i: str) -> Q:
    """Both levels empty or both between 1 and 5."""
    return Q(**{f"{p}__isnull": True, f"{i}__isnull": True}) | Q(
        **{f"{p}__gte": 1, f"{p}__lte": 5, f"{i}__gte": 1, f"{i}__lte": 5}
    )


class Risk(RegisterScoped, VersionedModel):
    """An uncertain event that would affect objectives: cause -> event -> effect."""

    number = models.PositiveIntegerField(_("number"), editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    cause = models.TextField(_("cause"), blank=True, max_length=2000)
    event = models.TextField(_("event"), blank=True, max_length=2000)
    effect = models.TextField(_("effect"), blank=True, max_length=2000)
    category = models.ForeignKey(
        "risks.RiskCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
    )
    kind = models.CharField(_("type"), max_length=12, choices=RiskKind.choices, default="threat")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    proximity_date = models.DateField(
        _("proximity"),
        null=True,
        blank=True,
        help_text=_("When the risk could occur, or by when it must be dealt with."),
    )
    triggers = models.TextField(_("triggers and early-warning signs"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    # Assessment on the organisation's 5 x 5 matrix. Inherent: before any response.
    inherent_probability = models.PositiveSmallIntegerField(
        _("inherent probability"), null=True, blank=True, validators=level_validators
    )
    inherent_impact = models.PositiveSmallIntegerField(
        _("inherent impact"), null=True, blank=True, validators=level_validators
    )
    # Residual: what remains once the planned response works; reviews update it.
    residual_probability = models.PositiveSmallIntegerField(
        _("residual probability"), null=True, blank=True, validators=level_validators
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("residual impact"), null=True, blank=True, validators=level_validators
    )
    # Stored scores so registers can sort, filter and band in SQL; save() keeps them right.
    inherent_score = models.PositiveSmallIntegerField(_("inherent score"), null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(_("residual score"), null=True, blank=True)
    current_score = models.PositiveSmallIntegerField(
        _("current score"),
        null=True,
        blank=True,
        help_text=_("The residual score once assessed, otherwise the inherent score."),
    )
    cost_impact = models.DecimalField(
        _("cost impact"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    schedule_impact_days = models.PositiveIntegerField(
        _("schedule impact (days)"), null=True, blank=True
    )
    # Response plan.
    strategy = models.CharField(
        _("response strategy"), max_length=10, choices=Strategy.choices, blank=True
    )
    response_summary = models.TextField(_("response"), blank=True, max_length=2000)
    contingency_plan = models.TextField(
        _("contingency plan"),
        blank=True,
        max_length=2000,
        help_text=_("What you will do if the risk occurs."),
    )
    fallback_plan = models.TextField(
        _("fallback plan"),
        blank=True,
        max_length=2000,
        help_text=_("What you will do if the contingency plan does not work."),
    )
    # Links into the plan.
    tasks = models.ManyToManyField(
        "projects.Task", verbose_name=_("linked tasks"), blank=True, related_name="risks"
    )
    milestones = models.ManyToManyField(
        "projects.Milestone",
        verbose_name=_("linked milestones"),
        blank=True,
        related_name="risks",
    )
    identified_in = models.ForeignKey(
        "risks.IdentificationSession",
        verbose_name=_("identified in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks",
    )
    # Escalation when the score goes above the portfolio's appetite.
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_risks",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Monitoring.
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.TextField(_("closure reason"), blank=True, max_length=2000)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-current_score", "number"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            exactly_one_register("risk"),
            models.CheckConstraint(
                condition=_level_pair_q("inherent_probability", "inherent_impact"),
                name="risk_inherent_levels_in_matrix",
            ),
            models.CheckConstraint(
                condition=_level_pair_q("residual_probability", "residual_impact"),
                name="risk_residual_levels_in_matrix",
            ),
            models.CheckConstraint(
                condition=Q(cost_impact__isnull=True) | Q(cost_impact__gte=0),
                name="risk_cost_impact_not_negative",
            ),
        ]
        indexes = [
            # Registers list a project's risks by score; heat maps count by status.
            models.Index(fields=["project", "status", "current_score"], name="risk_project_idx"),
            # "Due for review" lists read open risks by their next review date.
            models.Index(fields=["next_review_on"], name="risk_next_review_idx"),
            models.Index(fields=["owner", "status"], name="risk_owner_status_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def clean(self):
        errors = {}
        for p, i, field in (
            ("inherent_probability", "inherent_impact", "inherent_impact"),
            ("residual_probability", "residual_impact", "residual_impact"),
        ):
            if (getattr(self, p) is None) != (getattr(self, i) is None):
                errors[field] = _("Give both the probability and the impact, or neither.")
        if self.residual_probability is not None and self.inherent_probability is None:
            errors["residual_probability"] = _("Assess the inherent risk before the residual.")
        if self.strategy and self.strategy not in Strategy.for_kind(self.kind):
            errors["strategy"] = _("%(strategy)s is not a strategy for a %(kind)s.") % {
                "strategy": Strategy(self.strategy).label,
                "kind": RiskKind(self.kind).label.lower(),
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.inherent_score = _score(self.inherent_probability, self.inherent_impact)
        self.residual_score = _score(self.residual_probability, self.residual_impact)
        self.current_score = (
            self.residual_score if self.residual_score is not None else self.inherent_score
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "inherent_score",
                "residual_score",
                "current_score",
            }
        super().save(*args, **kwargs)

    @property
    def current_probability(self) -> int | None:
        if self.residual_probability is not None:
            return self.residual_probability
        return self.inherent_probability

    @property
    def current_impact(self) -> int | None:
        if self.residual_impact is not None:
            return self.residual_impact
        return self.inherent_impact

    @property
    def is_open(self) -> bool:
        return self.status in RiskStatus.open_values()

    @property
    def is_final(self) -> bool:
        return self.status in RiskStatus.final_values()


def _score(probability: int | None, impact: int | None) -> int | None:
    if probability is None or impact is None:
        return None
    return probability * impact


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Action(VersionedModel):
    """A response action for a risk, or a resolution action for an issue."""

    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
    )
    issue = models.ForeignKey(
        "risks.Issue",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="risk_actions",
    )
    due_date = models.DateField(_("due date"))
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(risk__isnull=False) & Q(issue__isnull=True))
                | (Q(risk__isnull=True) & Q(issue__isnull=False)),
                name="action_for_a_risk_or_an_issue",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="action_cost_not_negative"
            ),
        ]
        indexes = [
            # "My actions" lists open actions by owner and due date.
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_idx"),
        ]

    def __str__(self):
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
