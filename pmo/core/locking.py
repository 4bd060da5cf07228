"""Optimistic locking for models derived from ``VersionedModel``."""

from django.db import transaction
from django.utils.translation import gettext as _

from pmo.core.history import FieldChange, changes_since_version


class StaleObjectError(Exception):
    """The row changed after the user loaded it; ``changes`` says how."""

    def __init__(self, current, changes: list[FieldChange]):
        self.current = current
        self.changes = changes
        who = ""
        last = current.history.order_by("-history_date").select_related("history_user").first()
        if last is not None and last.history_user is not None:
            who = str(last.history_user)
        self.changed_by = who
        super().__init__(
            _("Someone else saved this record after you opened it (now version %(v)s).")
            % {"v": current.version}
        )


def save_versioned(*, instance, expected_version: int, by, reason: str = ""):
    """Save ``instance`` only if the stored row still has ``expected_version``.

    Validates with ``full_clean`` first, bumps ``version`` and records who changed it
    in the history table. Raises ``StaleObjectError`` or ``ValidationError``.
    """
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:
            raise StaleObjectError(current, changes_since_version(current, expected_version))
        instance.full_clean()
        instance.version = current.version + 1
        instance._history_user = by
        if reason:
            instance._change_reason = reason
        instance.save()
    return instance


def create_versioned(*, instance, by, reason: str = "", validated: bool = False):
    """Validate and insert a new versioned row, recording its author.

    ``validated=True`` skips ``full_clean`` for a caller that has just run it on the same
    instance (each run costs a query per foreign key and per check constraint).
    """
    instance.created_by = by
    instance.version = 1
    if not validated:
        instance.full_clean()
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance
