"""Managing a project's team: add, change role and edit right, remove; who may do it."""

from django.urls import reverse

from projects.models import ProjectMembership
from tests.factories import MembershipFactory, UserFactory


def team_url(project):
    return reverse("projects:project_team", args=[project.code])


def change_url(membership):
    return reverse("projects:membership_change", args=[membership.project.code, membership.pk])


def test_pm_adds_a_person_with_edit_right(client, pm, project):
    newcomer = UserFactory(roles=["member"])
    client.force_login(pm)
    response = client.post(
        team_url(project), {"user": newcomer.pk, "role": "analyst", "can_edit": "on"}
    )
    assert response.status_code == 302
    membership = project.memberships.get(user=newcomer)
    assert (membership.role, membership.can_edit, membership.created_by) == ("analyst", True, pm)
    assert membership.history.get().history_user == pm


def test_added_person_can_then_see_the_project(client, pm, project):
    newcomer = UserFactory(roles=["member"])
    client.force_login(newcomer)
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(pm)
    client.post(team_url(project), {"user": newcomer.pk, "role": "team_member"})
    client.force_login(newcomer)
    assert client.get(project.get_absolute_url()).status_code == 200


def test_adding_someone_already_on_the_team_is_a_field_error(client, pm, project, member):
    client.force_login(pm)
    response = client.post(team_url(project), {"user": member.pk, "role": "team_member"})
    # The person is not offered (not a valid choice): a 400 with the error on the field.
    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert project.memberships.filter(user=member).count() == 1


def test_the_manager_cannot_be_added_as_a_member(client, pm, project):
    client.force_login(pm)
    response = client.post(team_url(project), {"user": pm.pk, "role": "team_member"})
    assert response.status_code == 400
    assert "user" in response.context["form"].errors


def test_unknown_role_is_refused(client, pm, project):
    newcomer = UserFactory(roles=["member"])
    client.force_login(pm)
    response = client.post(team_url(project), {"user": newcomer.pk, "role": "king"})
    assert response.status_code == 400
    assert "role" in response.context["form"].errors


def test_pm_changes_a_role_and_history_keeps_it(client, pm, project, member):
    membership = project.memberships.get(user=member)
    client.force_login(pm)
    prefix = f"m{membership.pk}"
    response = client.post(
        change_url(membership),
        {f"{prefix}-role": "team_lead", f"{prefix}-can_edit": "on", f"{prefix}-version": "1"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.can_edit, membership.version) == ("team_lead", True, 2)
    assert membership.history.count() == 2


def test_stale_role_change_is_refused(client, pm, project, member):
    membership = project.memberships.get(user=member)
    membership.role = "analyst"
    membership.version = 2
    membership.save()
    client.force_login(pm)
    prefix = f"m{membership.pk}"
    response = client.post(
        change_url(membership), {f"{prefix}-role": "observer", f"{prefix}-version": "1"}
    )
    assert response.status_code == 409
    membership.refresh_from_db()
    assert membership.role == "analyst"


def test_pm_removes_a_member_and_the_removal_is_recorded(client, pm, project, member):
    membership = project.memberships.get(user=member)
    client.force_login(pm)
    response = client.post(change_url(membership), {"remove": "1"})
    assert response.status_code == 302
    assert not ProjectMembership.objects.filter(pk=membership.pk).exists()
    removal = ProjectMembership.history.filter(id=membership.pk).latest("history_date")
    assert (removal.history_type, removal.history_user) == ("-", pm)


def test_membership_of_another_project_is_404(client, pm, project, other_project):
    foreign = MembershipFactory(project=other_project)
    client.force_login(pm)
    url = reverse("projects:membership_change", args=[project.code, foreign.pk])
    assert client.post(url, {"remove": "1"}).status_code == 404
    assert ProjectMembership.objects.filter(pk=foreign.pk).exists()


def test_other_pm_executive_and_member_cannot_change_the_team(
    client, project, other_project, other_pm, executive, member
):
    membership = project.memberships.get(user=member)
    newcomer = UserFactory(roles=["member"])
    for user in (other_pm, executive, member):
        client.force_login(user)
        add = client.post(team_url(project), {"user": newcomer.pk, "role": "team_member"})
        remove = client.post(change_url(membership), {"remove": "1"})
        assert (add.status_code, remove.status_code) == (403, 403), user
    assert project.memberships.count() == 1


def test_team_page_query_count_is_bounded(client, pm, project, django_assert_max_num_queries):
    for _ in range(40):
        MembershipFactory(project=project)
    client.force_login(pm)
    with django_assert_max_num_queries(14):
        assert client.get(team_url(project)).status_code == 200
