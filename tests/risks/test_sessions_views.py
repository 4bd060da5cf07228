"""Session pages: the register's list, recording, the detail page, editing, who may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.models import IdentificationSession, Risk, RiskStatus
from risks.services.numbering import next_reference
from tests.factories import ProgramFactory
from tests.risks.factories import RiskFactory, SessionFactory

pytestmark = pytest.mark.django_db


def list_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_sessions", kwargs={"code": code})


def create_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_session_create", kwargs={"code": code})


def detail_url(session):
    return reverse("risks:session_detail", kwargs={"pk": session.pk})


def edit_url(session):
    return reverse("risks:session_edit", kwargs={"pk": session.pk})


@pytest.fixture
def session(project, pm, member):
    session = SessionFactory(
        project=project,
        facilitator=pm,
        title="Kick-off workshop",
        notes="Data migration worried everyone.",
        external_participants="Vendor architect",
    )
    session.participants.set([member])
    return session


def post_data(pm, **extra):
    return {
        "title": "Supplier interview",
        "held_on": timezone.localdate().isoformat(),
        "method": "interview",
        "facilitator": pm.pk,
        "external_participants": "Acme account manager",
        "notes": "Their capacity is thin in Q3.",
        **extra,
    }


# --- List ----------------------------------------------------------------------------------
def test_list_shows_each_session_with_its_counts(client, pm, project, session):
    RiskFactory(project=project, identified_in=session)
    RiskFactory(project=project, identified_in=session, status=RiskStatus.PROPOSED)
    client.force_login(pm)
    response = client.get(list_url())
    assert response.status_code == 200
    row = response.context["sessions"][0]
    assert (row.participant_count, row.risk_count, row.proposed_count) == (1, 2, 1)
    body = response.content.decode()
    assert "Kick-off workshop" in body
    assert "Brainstorming workshop" in body
    assert 'data-testid="new-session"' in body
    assert "1 awaiting triage" in body


def test_empty_list_says_what_to_do(client, pm, member, project):
    client.force_login(pm)
    body = client.get(list_url()).content.decode()
    assert 'data-testid="empty-state"' in body
    assert "Record the first session" in body
    client.force_login(member)
    body = client.get(list_url()).content.decode()
    assert "Record the first session" not in body
    assert "managers record workshops" in body


def test_member_and_executive_read_the_list_without_the_record_button(
    client, member, executive, session
):
    for user in (member, executive):
        client.force_login(user)
        response = client.get(list_url())
        assert response.status_code == 200
        assert 'data-testid="new-session"' not in response.content.decode()


def test_list_filters_by_method_and_exports_csv(client, pm, project, session):
    SessionFactory(project=project, facilitator=pm, title="Expert call", method="interview")
    client.force_login(pm)
    response = client.get(list_url(), {"method": "interview"})
    assert [s.title for s in response.context["sessions"]] == ["Expert call"]
    assert client.get(list_url(), {"method": "nonsense"}).status_code == 400
    response = client.get(list_url(), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Date,Title,Method,Facilitator")
    assert len(lines) == 3


def test_program_register_lists_only_its_own_sessions(client, pm, portfolio, session):
    program = ProgramFactory(code="CX", portfolio=portfolio, manager=pm)
    SessionFactory(program=program, project=None, facilitator=pm, title="Program workshop")
    client.force_login(pm)
    response = client.get(list_url("program", "CX"))
    assert [s.title for s in response.context["sessions"]] == ["Program workshop"]


def test_sessions_list_queries_are_bounded(
    client, pm, project, member, django_assert_max_num_queries
):
    today = timezone.localdate()
    sessions = IdentificationSession.objects.bulk_create(
        IdentificationSession(
            project=project,
            title=f"Workshop {n}",
            held_on=today - datetime.timedelta(days=n),
            facilitator=pm,
        )
        for n in range(200)
    )
    through = IdentificationSession.participants.through
    through.objects.bulk_create(
        through(identificationsession=s, user=u) for s in sessions for u in (pm, member)
    )
    client.force_login(pm)
    with django_assert_max_num_queries(12):  # 10 when measured
        response = client.get(list_url())
    assert response.status_code == 200
    assert len(response.context["sessions"]) == 25
    assert response.context["paginator"].count == 200
    assert response.context["sessions"][0].participant_count == 2
    with django_assert_max_num_queries(11):  # 9 when measured
        response = client.get(list_url(), {"format": "csv"})
        assert len(b"".join(response.streaming_content).splitlines()) == 201


# --- Recording -----------------------------------------------------------------------------
def test_pm_records_a_session_and_lands_on_it(client, pm, member, project):
    client.force_login(pm)
    response = client.get(create_url())
    assert response.status_code == 200
    assert response.context["form"].initial["facilitator"] == pm.pk
    response = client.post(create_url(), post_data(pm, participants=[member.pk]))
    session = IdentificationSession.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(session)
    assert list(session.participants.all()) == [member]
    assert session.created_by == pm


def test_a_future_date_is_refused_with_the_message_by_the_field(client, pm, project):
    client.force_login(pm)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(create_url(), post_data(pm, held_on=tomorrow))
    assert response.status_code == 400
    assert "cannot be after today" in response.context["form"].errors["held_on"][0]
    body = response.content.decode()
    assert "Their capacity is thin in Q3." in body  # what was typed is kept
    assert not IdentificationSession.objects.exists()


def test_a_participant_outside_the_team_is_not_offered(client, pm, project, outsider):
    client.force_login(pm)
    response = client.post(create_url(), post_data(pm, participants=[outsider.pk]))
    assert response.status_code == 400
    assert "participants" in response.context["form"].errors


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("executive", 403), ("other_pm", 403), ("outsider", 404)],
)
def test_only_managers_may_record(client, project, other_project, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(create_url()).status_code == status
    assert client.post(create_url(), {"title": "x"}).status_code == status
    assert not IdentificationSession.objects.exists()


# --- Detail ------------------------------------------------------------------------------
def test_detail_shows_notes_participants_and_the_risks_raised(client, pm, project, session):
    raised = RiskFactory(project=project, identified_in=session, title="Vendor API late")
    client.force_login(pm)
    response = client.get(detail_url(session))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Data migration worried everyone." in body
    assert "Max Member" in body
    assert "Vendor architect" in body
    assert raised.reference in body
    assert "Vendor API late" in body
    assert ">12<" in body  # its score
    assert 'data-testid="add-drafts"' in body
    assert 'data-testid="edit-session"' in body
    assert 'data-testid="history"' in body


def test_member_may_add_drafts_but_not_edit(client, member, session):
    client.force_login(member)
    body = client.get(detail_url(session)).content.decode()
    assert 'data-testid="add-drafts"' in body
    assert 'data-testid="edit-session"' not in body


def test_executive_reads_only(client, executive, session):
    client.force_login(executive)
    body = client.get(detail_url(session)).content.decode()
    assert 'data-testid="add-drafts"' not in body
    assert 'data-testid="edit-session"' not in body


def test_outsider_gets_404(client, outsider, session):
    client.force_login(outsider)
    assert client.get(detail_url(session)).status_code == 404
    assert client.get(edit_url(session)).status_code == 404


def test_session_detail_queries_are_bounded(
    client, pm, project, session, django_assert_max_num_queries
):
    rows = []
    for n in range(300):
        number, reference = next_reference_for(project)
        rows.append(
            Risk(
                project=project,
                number=number,
                reference=reference,
                title=f"Risk {n}",
                status=RiskStatus.PROPOSED if n % 3 else RiskStatus.ASSESSED,
                inherent_probability=None if n % 3 else 3,
                inherent_impact=None if n % 3 else 4,
                inherent_score=None if n % 3 else 12,
                current_score=None if n % 3 else 12,
                identified_in=session,
                owner=pm,
            )
        )
    Risk.objects.bulk_create(rows)
    client.force_login(pm)
    with django_assert_max_num_queries(17):  # 14 when measured
        response = client.get(detail_url(session))
    assert response.status_code == 200
    assert len(response.context["risks"]) == 300
    assert response.context["proposed_count"] == 200


def next_reference_for(project):
    from risks.registers import Register

    return next_reference(Register("project", project), "R")


# --- Editing -----------------------------------------------------------------------------
def test_pm_edits_a_session(client, pm, executive, session):
    client.force_login(pm)
    response = client.get(edit_url(session))
    assert response.status_code == 200
    data = post_data(pm, title="Kick-off workshop (day 1)", participants=[executive.pk])
    response = client.post(edit_url(session), {**data, "version": session.version})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Kick-off workshop (day 1)"
    assert list(session.participants.all()) == [executive]


def test_stale_edit_answers_409_and_keeps_the_input(client, pm, session):
    IdentificationSession.objects.filter(pk=session.pk).update(version=2, notes="Changed")
    client.force_login(pm)
    response = client.post(edit_url(session), {**post_data(pm, title="My new title"), "version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body
    assert "My new title" in body
    assert IdentificationSession.objects.get(pk=session.pk).title == "Kick-off workshop"


@pytest.mark.parametrize("persona", ["member", "executive", "other_pm", "resource_manager"])
def test_only_managers_may_edit(client, session, other_project, persona, request, pm):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(session)).status_code == 403
    response = client.post(edit_url(session), {**post_data(pm), "version": 1})
    assert response.status_code == 403
    assert IdentificationSession.objects.get(pk=session.pk).title == "Kick-off workshop"
