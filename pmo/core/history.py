"""Readable change history (who, when, field: old -> new) from django-simple-history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bookkeeping columns that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"version", "updated_at", "created_at", "created_by"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    # The stored values (ids for foreign keys), for merging a stale form.
    old_value: object = None
    new_value: object = None


@dataclass
class HistoryEntry:
    when: datetime
    who: object
    kind: str
    reason: str
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)


KIND_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _display_value(model_field, value, related_names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        # Stored in UTC; readers see their own time zone, to the minute.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _tracked_fields(model):
    """Fields worth showing: kept by the history table, not bookkeeping, not hidden.

    A model may list derived fields that would only add noise as ``history_hidden_fields``.
    """
    kept = {f.name for f in model.history.model._meta.concrete_fields}
    hidden = IGNORED_FIELDS | set(getattr(model, "history_hidden_fields", ()))
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name in kept and f.name not in hidden
    ]


def related_names(model, records) -> dict:
    """One query per foreign-key target model, whatever the number of records."""
    wanted: dict[type, set] = {}
    for f in _tracked_fields(model):
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            names[(related_model, obj.pk)] = str(obj)
    return names


def diff_records(model, older, newer, related_names: dict) -> list[FieldChange]:
    changes = []
    for f in _tracked_fields(model):
        old_value = getattr(older, f.attname) if older is not None else None
        new_value = getattr(newer, f.attname)
        if old_value != new_value:
            changes.append(
                FieldChange(
                    field=f.name,
                    label=str(f.verbose_name).capitalize(),
                    old=_display_value(f, old_value, related_names),
                    new=_display_value(f, new_value, related_names),
                    old_value=old_value,
                    new_value=new_value,
                )
            )
    return changes


def history_for(instance, limit: int = 50) -> list[HistoryEntry]:
    """The newest ``limit`` changes of ``instance``, each diffed against the one before."""
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    names = related_names(model, records)
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is None and record.history_type != "+":
            # Older changes exist beyond the window; without the record before, a diff
            # would be misleading, so stop here.
            break
        changes = diff_records(model, previous, record, names) if record.history_type == "~" else []
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                version=getattr(record, "version", None),
                changes=changes,
            )
        )
    return entries


def changes_since_version(instance, version: int) -> list[FieldChange]:
    """What changed on ``instance`` after the user loaded ``version`` of it."""
    model = type(instance)
    base = instance.history.filter(version=version).order_by("-history_date").first()
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if base is None or latest is None:
        return []
    return diff_records(model, base, latest, related_names(model, [base, latest]))
