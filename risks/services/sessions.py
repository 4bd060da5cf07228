"""Writes to identification sessions: record one, edit it, add the draft risks raised in it.

Sessions are recorded once held (a date after today is refused); planning workshops is the
calendar's job. Managers of the register record and edit sessions; the project's team may
add draft risks to a session, which are *proposed* and wait for triage
(``services.triage``). Participant changes are many-to-many, which the history table does
not track, so they are written into the change's reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmo.core.locking import create_versioned, save_versioned
from risks import access
from risks.models import IdentificationSession, Risk
from risks.registers import Register, register_of
from risks.selectors import sessions as selectors
from risks.services.risks import ensure_register_open, risk_create

EDITABLE_FIELDS = ("title", "held_on", "method", "facilitator", "external_participants", "notes")
# What one row of the bulk entry may set on a draft risk.
DRAFT_FIELDS = ("title", "cause", "event", "effect", "category", "kind")


class DraftRowsError(ValidationError):
    """Some rows of a bulk entry were refused, so none was saved.

    ``rows`` maps the position of each refused draft (in the list given to
    ``session_add_drafts``) to its ``ValidationError``.
    """

    def __init__(self, rows: dict[int, ValidationError]):
        self.rows = rows
        super().__init__(
            ngettext(
                "%(n)d draft risk was refused, so nothing was saved.",
                "%(n)d draft risks were refused, so nothing was saved.",
                len(rows),
            )
            % {"n": len(rows)}
        )


def can_manage_sessions(user, register: Register) -> bool:
    return access.can_manage_register(user, register)


def _split(data: dict) -> tuple[dict, list | None]:
    data = dict(data)
    participants = data.pop("participants", None)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not settable on a session: {sorted(unknown)}")
    return data, (list(participants) if participants is not None else None)


def _validate(session: IdentificationSession, register: Register, participants) -> None:
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if session.held_on and session.held_on > today:
        errors["held_on"] = [
            _("Record a session once it has been held: the date cannot be after today (%(today)s).")
            % {"today": today.isoformat()}
        ]
    if session.facilitator_id and not (
        selectors.facilitators(register).filter(pk=session.facilitator_id).exists()
    ):
        errors["facilitator"] = [
            _("The facilitator must be on the project (manager, sponsor or team) or PMO staff.")
        ]
    if participants:
        allowed = set(
            selectors.register_people(register)
            .filter(pk__in=[p.pk for p in participants])
            .values_list("pk", flat=True)
        )
        strangers = [str(p) for p in participants if p.pk not in allowed]
        if strangers:
            errors["participants"] = [
                _(
                    "Only the project manager, the sponsor and the team can be listed: "
                    "%(names)s. Put other people under “other participants”."
                )
                % {"names": ", ".join(strangers)}
            ]
    if errors:
        raise ValidationError(errors)


def _participants_reason(before: dict, after: list) -> str:
    """'Participants: +Ann, -Bob' for the history, or '' when nobody changed."""
    after_ids = {p.pk: p for p in after}
    added = [str(p) for pk, p in after_ids.items() if pk not in before]
    removed = [str(p) for pk, p in before.items() if pk not in after_ids]
    if not added and not removed:
        return ""
    parts = [f"+{name}" for name in sorted(added)] + [f"-{name}" for name in sorted(removed)]
    return _("Participants: %(changes)s") % {"changes": ", ".join(parts)}


@transaction.atomic
def session_create(*, register: Register, by, data: dict) -> IdentificationSession:
    """Record a session held for ``register``; ``data`` holds EDITABLE_FIELDS and
    ``participants`` (users)."""
    if not can_manage_sessions(by, register):
        raise PermissionDenied
    ensure_register_open(register)
    fields, participants = _split(data)
    session = IdentificationSession(**register.scope_kwargs(), **fields)
    _validate(session, register, participants)
    create_versioned(instance=session, by=by, reason=_("Session recorded"))
    if participants:
        session.participants.set(participants)
    return session


@transaction.atomic
def session_update(
    *, session: IdentificationSession, by, data: dict, expected_version: int
) -> IdentificationSession:
    """Edit a session; a stale ``expected_version`` raises ``StaleObjectError``."""
    register = register_of(session)
    if not can_manage_sessions(by, register):
        raise PermissionDenied
    ensure_register_open(register)
    fields, participants = _split(data)
    for name, value in fields.items():
        setattr(session, name, value)
    _validate(session, register, participants)
    reason = ""
    if participants is not None:
        before = {p.pk: p for p in session.participants.all()}
        reason = _participants_reason(before, participants)
    save_versioned(
        instance=session,
        expected_version=expected_version,
        by=by,
        reason=reason or _("Session edited"),
    )
    if participants is not None:
        session.participants.set(participants)
    return session


@transaction.atomic
def session_add_drafts(*, session: IdentificationSession, by, drafts: list[dict]) -> list[Risk]:
    """Add the draft risks raised in ``session``, all or none.

    Each draft holds DRAFT_FIELDS; each becomes a *proposed* risk identified in the session
    (``risk_create(proposed=True)``), numbered in the register. When any draft is refused,
    every draft is rolled back and ``DraftRowsError`` says which and why.
    """
    register = register_of(session)
    if not access.can_propose(by, register):
        raise PermissionDenied
    ensure_register_open(register)
    if not drafts:
        raise ValidationError(_("Type at least one draft risk: a title is enough."))
    created: list[Risk] = []
    refused: dict[int, ValidationError] = {}
    for index, draft in enumerate(drafts):
        unknown = set(draft) - set(DRAFT_FIELDS)
        if unknown:
            raise ValueError(f"Not settable on a draft risk: {sorted(unknown)}")
        try:
            # risk_create runs in its own savepoint: a refused draft leaves nothing behind,
            # so the others can still be checked and every error shown at once.
            risk = risk_create(
                register=register,
                by=by,
                data={**draft, "identified_in": session},
                proposed=True,
            )
        except ValidationError as error:
            refused[index] = error
        else:
            created.append(risk)
    if refused:
        raise DraftRowsError(refused)
    return created
