"""Milestone writes: who may make them, what they refuse, and the history they leave."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from projects.models import Milestone, Status
from projects.services import milestones as services
from tests.factories import MembershipFactory, ProjectFactory
from tests.projects.factories_milestones import DeliverableFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def in_days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def milestone(project):
    return MilestoneFactory(
        project=project, name="Go-live", forecast_date=in_days(30), baseline_date=in_days(30)
    )


def create_data(project, **overrides):
    return {
        "name": "Design approved",
        "description": "",
        "owner": project.project_manager,
        "forecast_date": in_days(20),
        "actual_date": None,
        "status_comment": "",
        **overrides,
    }


# --- Create and edit ---------------------------------------------------------------------
def test_pm_creates_a_milestone_with_the_projects_deliverables(pm, project):
    deliverable = DeliverableFactory(project=project)
    milestone = services.milestone_create(
        project=project, by=pm, data=create_data(project, deliverables=[deliverable])
    )
    assert list(milestone.deliverables.all()) == [deliverable]
    assert (milestone.created_by, milestone.version, milestone.baseline_date) == (pm, 1, None)
    record = milestone.history.get()
    assert (record.history_user, record.history_change_reason) == (pm, "Milestone created")


def test_another_projects_deliverable_cannot_be_linked(pm, project, other_project):
    foreign = DeliverableFactory(project=other_project, name="Warehouse schema")
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            project=project, by=pm, data=create_data(project, deliverables=[foreign])
        )
    assert "Warehouse schema" in str(error.value.message_dict["deliverables"])
    assert not Milestone.objects.exists()


def test_owner_must_be_the_pm_or_on_the_team(pm, project, outsider, member):
    with pytest.raises(ValidationError) as error:
        services.milestone_create(project=project, by=pm, data=create_data(project, owner=outsider))
    assert "owner" in error.value.message_dict
    assert services.milestone_create(
        project=project, by=pm, data=create_data(project, owner=member)
    )


def test_forecast_before_the_project_starts_is_refused(pm, project):
    early = project.planned_start - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            project=project, by=pm, data=create_data(project, forecast_date=early)
        )
    assert "before the project's planned start" in error.value.message_dict["forecast_date"][0]


def test_an_editor_on_the_team_and_pmo_staff_may_create(project, pmo_staff):
    editor = MembershipFactory(project=project, can_edit=True).user
    assert services.milestone_create(project=project, by=editor, data=create_data(project))
    assert services.milestone_create(project=project, by=pmo_staff, data=create_data(project))


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member", "outsider"])
def test_readers_and_strangers_cannot_create(request, project, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.milestone_create(project=project, by=user, data=create_data(project))
    assert not Milestone.objects.exists()


def test_full_edit_records_the_reason_and_relinks_deliverables(pm, project, milestone):
    first, second = DeliverableFactory(project=project), DeliverableFactory(project=project)
    milestone.deliverables.set([first])
    services.milestone_update(
        milestone=milestone,
        by=pm,
        data={"name": "Go-live (wave 1)", "deliverables": [second], "reason": "Split the launch"},
        expected_version=1,
    )
    milestone.refresh_from_db()
    assert milestone.name == "Go-live (wave 1)" and milestone.version == 2
    assert list(milestone.deliverables.all()) == [second]
    assert milestone.history.first().history_change_reason == "Split the launch"


def test_member_who_owns_a_milestone_still_cannot_use_the_full_edit(member, project):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=in_days(10))
    with pytest.raises(PermissionDenied):
        services.milestone_update(
            milestone=owned, by=member, data={"name": "Renamed"}, expected_version=1
        )


# --- The quick update --------------------------------------------------------------------
def test_quick_update_moves_the_forecast_and_keeps_the_comment_in_history(pm, milestone):
    services.milestone_update_forecast(
        milestone=milestone,
        forecast=in_days(37),
        comment="Vendor shipped late",
        by=pm,
        expected_version=1,
    )
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.status_comment) == (
        in_days(37),
        "Vendor shipped late",
    )
    assert milestone.slip_days == 7
    assert milestone.version == 2
    record = milestone.history.first()
    assert (record.history_user, record.history_change_reason) == (pm, "Vendor shipped late")
    assert record.forecast_date == in_days(37)


def test_every_quick_update_keeps_its_own_comment(pm, milestone):
    for version, (shift, comment) in enumerate([(3, "First slip"), (9, "Second slip")], start=1):
        services.milestone_update_forecast(
            milestone=milestone,
            forecast=in_days(30 + shift),
            comment=comment,
            by=pm,
            expected_version=version,
        )
    reasons = list(
        milestone.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == ["First slip", "Second slip"]


@pytest.mark.parametrize(
    ("comment", "message"),
    [("", "Say what changed"), ("   ", "Say what changed"), ("x" * 501, "500 characters")],
)
def test_quick_update_needs_a_short_comment(pm, milestone, comment, message):
    with pytest.raises(ValidationError) as error:
        services.milestone_update_forecast(
            milestone=milestone, forecast=in_days(40), comment=comment, by=pm, expected_version=1
        )
    assert message in error.value.message_dict["comment"][0]
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(30), 1)


def test_stale_quick_update_is_refused_and_saves_nothing(pm, pmo_staff, milestone):
    services.milestone_update_forecast(
        milestone=milestone,
        forecast=in_days(31),
        comment="PMO moved it",
        by=pmo_staff,
        expected_version=1,
    )
    stale = Milestone.objects.get(pk=milestone.pk)
    with pytest.raises(StaleObjectError) as error:
        services.milestone_update_forecast(
            milestone=stale, forecast=in_days(45), comment="Mine", by=pm, expected_version=1
        )
    assert [c.field for c in error.value.changes if c.field == "forecast_date"]
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(31), 2)


def test_quick_update_on_a_closed_project_is_refused_with_a_clear_message(pm, project, milestone):
    project.status = Status.CLOSED
    project.save()
    with pytest.raises(ValidationError) as error:
        services.milestone_update_forecast(
            milestone=milestone, forecast=in_days(40), comment="Late", by=pm, expected_version=1
        )
    assert "PRJ-0042 is closed: its plan can no longer change." in error.value.messages
    milestone.refresh_from_db()
    assert milestone.forecast_date == in_days(30)


def test_owner_on_the_team_updates_their_own_milestone_but_not_others(member, project, milestone):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=in_days(10))
    services.milestone_update_forecast(
        milestone=owned,
        forecast=in_days(12),
        comment="Waiting for test data",
        by=member,
        expected_version=1,
    )
    owned.refresh_from_db()
    assert owned.forecast_date == in_days(12)
    assert owned.history.first().history_user == member
    with pytest.raises(PermissionDenied):
        services.milestone_update_forecast(
            milestone=milestone,
            forecast=in_days(40),
            comment="Not mine",
            by=member,
            expected_version=1,
        )


@pytest.mark.parametrize("persona", ["other_pm", "executive", "outsider"])
def test_non_editors_cannot_quick_update(request, milestone, persona):
    with pytest.raises(PermissionDenied):
        services.milestone_update_forecast(
            milestone=milestone,
            forecast=in_days(40),
            comment="x",
            by=request.getfixturevalue(persona),
            expected_version=1,
        )


# --- Mark achieved -----------------------------------------------------------------------
def test_mark_achieved_records_the_actual_date_and_the_comment(pm, milestone):
    services.milestone_mark_achieved(
        milestone=milestone, actual=today(), comment="Signed off", by=pm, expected_version=1
    )
    milestone.refresh_from_db()
    assert milestone.actual_date == today()
    assert milestone.status == "achieved"
    assert milestone.history.first().history_change_reason == "Signed off"


def test_mark_achieved_without_comment_still_says_why_in_history(pm, milestone):
    services.milestone_mark_achieved(
        milestone=milestone, actual=today(), comment="", by=pm, expected_version=1
    )
    reason = milestone.history.first().history_change_reason
    assert reason == f"Marked achieved on {today().isoformat()}"


def test_actual_date_in_the_future_is_refused(pm, milestone):
    with pytest.raises(ValidationError) as error:
        services.milestone_mark_achieved(
            milestone=milestone, actual=in_days(1), comment="", by=pm, expected_version=1
        )
    assert "cannot be in the future" in error.value.message_dict["actual_date"][0]
    milestone.refresh_from_db()
    assert milestone.actual_date is None and milestone.version == 1


def test_actual_date_before_the_project_start_is_refused(pm, project, milestone):
    before = project.planned_start - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.milestone_mark_achieved(
            milestone=milestone, actual=before, comment="", by=pm, expected_version=1
        )
    assert "before the project's planned start" in error.value.message_dict["actual_date"][0]


def test_an_achieved_milestone_cannot_be_achieved_again(pm, milestone):
    services.milestone_mark_achieved(
        milestone=milestone, actual=today(), comment="", by=pm, expected_version=1
    )
    with pytest.raises(ValidationError, match="already achieved"):
        services.milestone_mark_achieved(
            milestone=milestone, actual=today(), comment="", by=pm, expected_version=2
        )


def test_the_forecast_of_an_achieved_milestone_no_longer_moves(pm, milestone):
    services.milestone_mark_achieved(
        milestone=milestone, actual=today(), comment="", by=pm, expected_version=1
    )
    with pytest.raises(ValidationError, match="its forecast no longer moves"):
        services.milestone_update_forecast(
            milestone=milestone, forecast=in_days(50), comment="Oops", by=pm, expected_version=2
        )
    milestone.refresh_from_db()
    assert milestone.forecast_date == in_days(30) and milestone.version == 2


def test_owner_on_the_team_marks_their_own_milestone_achieved(member, project):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=in_days(2))
    services.milestone_mark_achieved(
        milestone=owned, actual=today(), comment="Done", by=member, expected_version=1
    )
    owned.refresh_from_db()
    assert owned.actual_date == today()


# --- Delete ------------------------------------------------------------------------------
def test_delete_is_refused_while_deliverables_or_a_baseline_refer_to_it(pm, project, milestone):
    milestone.deliverables.add(DeliverableFactory(project=project))
    with pytest.raises(ValidationError) as error:
        services.milestone_delete(milestone=milestone, by=pm)
    assert "1 linked deliverable(s)" in error.value.messages[0]
    assert "a saved baseline" in error.value.messages[0]
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_milestone_nothing_refers_to_can_be_deleted_and_history_says_who(pm, project):
    mistake = MilestoneFactory(project=project, forecast_date=in_days(5))
    pk = mistake.pk
    services.milestone_delete(milestone=mistake, by=pm)
    assert not Milestone.objects.filter(pk=pk).exists()
    record = Milestone.history.filter(id=pk).first()
    assert (record.history_type, record.history_user) == ("-", pm)


def test_member_cannot_delete_even_their_own_milestone(member, project):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=in_days(5))
    with pytest.raises(PermissionDenied):
        services.milestone_delete(milestone=owned, by=member)


def test_delete_on_a_cancelled_project_is_refused(pm, portfolio):
    cancelled = ProjectFactory(portfolio=portfolio, project_manager=pm, status=Status.CANCELLED)
    mistake = MilestoneFactory(project=cancelled, forecast_date=in_days(5))
    with pytest.raises(ValidationError, match="cancelled"):
        services.milestone_delete(milestone=mistake, by=pm)
