"""Accounts, departments and the abstract models every domain app builds on."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.core import roles

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TimeStampedModel(models.Model):
    """Who created a row and when it last changed; the history table keeps the rest."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic locking: every save through a service bumps ``version``.

    Forms carry the version they were loaded with; ``pmo.core.locking`` refuses a save
    whose version is no longer the row's.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Department(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and (
            self.parent_id == self.pk or self in [*self.parent.ancestors(), self.parent]
        ):
            raise ValidationError({"parent": _("A department cannot sit under itself.")})

    def ancestors(self):
        """Parents from the top down; departments are shallow, so walking is cheap."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    notification_email = models.EmailField(
        _("notification email"),
        blank=True,
        help_text=_("Digests and alerts go here; leave empty to use your account email."),
    )

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        """The user's role group names, cached per instance (one query per request)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def primary_role(self) -> str | None:
        return roles.primary_role(self.role_codes)

    @property
    def primary_role_label(self) -> str:
        return roles.label(self.primary_role)

    @property
    def digest_email(self) -> str:
        return self.notification_email or self.email


class Sequence(models.Model):
    """Named counters for human-readable codes (PRJ-0042), safe under concurrency."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self):
        return f"{self.name}={self.last_value}"

    @classmethod
    def next_value(cls, name: str) -> int:
        with transaction.atomic():
            cls.objects.get_or_create(name=name)
            # The row lock serialises concurrent callers until the surrounding commit.
            seq = cls.objects.select_for_update().get(name=name)
            seq.last_value += 1
            seq.save(update_fields=["last_value"])
            return seq.last_value


class TaskRun(models.Model):
    """One run of a background task, so PMO staff can see what ran and how it went."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Succeeded")
        FAILURE = "failure", _("Failed")
        RETRY = "retry", _("Will retry")

    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")
        indexes = [
            # The admin list and the pruning task both read newest-first by start time.
            models.Index(fields=["-started_at"], name="taskrun_started_idx"),
        ]

    def __str__(self):
        return f"{self.task_name} @ {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.finished_at:
            return self.finished_at - self.started_at
        return None
