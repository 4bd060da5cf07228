"""Identification sessions: recording, editing and the all-or-nothing draft entry."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from risks.models import IdentificationSession, Risk, RiskCategory, RiskStatus
from risks.registers import Register
from risks.services import sessions as services
from tests.factories import ProgramFactory, UserFactory
from tests.risks.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _data(pm, **extra):
    return {
        "title": "Kick-off risk workshop",
        "held_on": timezone.localdate(),
        "method": "brainstorming",
        "facilitator": pm,
        "external_participants": "Vendor architect",
        "notes": "Integration and data migration worried everyone.",
        **extra,
    }


@pytest.fixture
def register(project):
    return Register("project", project)


@pytest.fixture
def session(project, pm):
    return SessionFactory(project=project, facilitator=pm, title="Workshop")


# --- Recording and editing -----------------------------------------------------------------
def test_pm_records_a_session_with_participants_and_history(register, pm, member, executive):
    session = services.session_create(
        register=register, by=pm, data=_data(pm, participants=[member, executive])
    )
    assert session.project == register.obj
    assert set(session.participants.all()) == {member, executive}
    entry = session.history.get()
    assert entry.history_user == pm
    assert entry.history_change_reason == "Session recorded"


def test_a_session_dated_in_the_future_is_refused(register, pm):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        services.session_create(register=register, by=pm, data=_data(pm, held_on=tomorrow))
    assert "cannot be after today" in info.value.message_dict["held_on"][0]
    assert not IdentificationSession.objects.exists()


def test_participants_must_be_on_the_project(register, pm, outsider):
    with pytest.raises(ValidationError) as info:
        services.session_create(register=register, by=pm, data=_data(pm, participants=[outsider]))
    assert "Olga Outside" in info.value.message_dict["participants"][0]


def test_pmo_staff_may_facilitate_a_project_session_but_a_stranger_may_not(
    register, pm, pmo_staff, outsider
):
    session = services.session_create(register=register, by=pm, data=_data(pmo_staff))
    assert session.facilitator == pmo_staff
    with pytest.raises(ValidationError) as info:
        services.session_create(register=register, by=pm, data=_data(outsider))
    assert "facilitator" in info.value.message_dict


def test_anyone_active_may_take_part_in_a_program_session(portfolio, pm, outsider):
    program = ProgramFactory(portfolio=portfolio, manager=pm)
    session = services.session_create(
        register=Register("program", program), by=pm, data=_data(outsider, participants=[outsider])
    )
    assert list(session.participants.all()) == [outsider]
    inactive = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.session_create(
            register=Register("program", program), by=pm, data=_data(pm, participants=[inactive])
        )


@pytest.mark.parametrize(
    "persona", ["member", "executive", "other_pm", "resource_manager", "outsider"]
)
def test_only_managers_record_sessions(register, persona, request, pm):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.session_create(register=register, by=user, data=_data(pm))


def test_edit_records_participant_changes_in_the_history(session, pm, member, executive):
    session.participants.set([member])
    services.session_update(
        session=session,
        by=pm,
        data={"title": "Workshop 1", "participants": [executive]},
        expected_version=session.version,
    )
    session.refresh_from_db()
    assert session.title == "Workshop 1"
    assert session.version == 2
    latest = session.history.order_by("-history_date").first()
    assert latest.history_change_reason == "Participants: +Eve Chief, -Max Member"


def test_stale_edit_is_refused(session, pm):
    services.session_update(session=session, by=pm, data={"notes": "first"}, expected_version=1)
    stale = IdentificationSession.objects.get(pk=session.pk)
    with pytest.raises(StaleObjectError):
        services.session_update(session=stale, by=pm, data={"notes": "second"}, expected_version=1)


def test_member_cannot_edit_a_session(session, member):
    with pytest.raises(PermissionDenied):
        services.session_update(
            session=session, by=member, data={"title": "Mine"}, expected_version=1
        )


def test_closed_project_keeps_its_sessions(session, project, pm):
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        services.session_update(session=session, by=pm, data={"title": "x"}, expected_version=1)


# --- Draft risks -----------------------------------------------------------------------------
def test_drafts_become_proposed_risks_identified_in_the_session(session, member):
    category = RiskCategory.objects.first()
    risks = services.session_add_drafts(
        session=session,
        by=member,
        drafts=[
            {"title": "Vendor API late", "event": "API ships late", "category": category},
            {"title": "Key tester leaves", "kind": "threat"},
        ],
    )
    assert [r.reference for r in risks] == ["PRJ-0042-R01", "PRJ-0042-R02"]
    assert {r.status for r in risks} == {RiskStatus.PROPOSED}
    assert {r.identified_in_id for r in risks} == {session.pk}
    assert risks[0].category == category
    assert risks[0].history.get().history_user == member


def test_one_refused_draft_saves_nothing_and_says_which(session, pm):
    with pytest.raises(services.DraftRowsError) as info:
        services.session_add_drafts(
            session=session,
            by=pm,
            drafts=[
                {"title": "Fine"},
                {"title": "Bad kind", "kind": "disaster"},
                {"title": "Also fine"},
            ],
        )
    assert list(info.value.rows) == [1]
    assert "kind" in info.value.rows[1].message_dict
    assert not Risk.objects.exists()
    # The numbering rolled back too: the next risk is still R01.
    risks = services.session_add_drafts(session=session, by=pm, drafts=[{"title": "Fine"}])
    assert risks[0].reference == "PRJ-0042-R01"


def test_no_drafts_is_refused(session, pm):
    with pytest.raises(ValidationError, match="at least one"):
        services.session_add_drafts(session=session, by=pm, drafts=[])


@pytest.mark.parametrize("persona", ["executive", "other_pm", "resource_manager", "outsider"])
def test_readers_cannot_add_drafts(session, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.session_add_drafts(session=session, by=user, drafts=[{"title": "x"}])
