"""Milestones as iCalendar feeds: per project (signed in) and per user (by token)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.selectors.schedule_io import feed_token, user_for_feed_token
from tests.factories import ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory

D = datetime.date


def project_feed_url(project):
    return reverse("projects:milestones_ical", args=[project.code])


def my_feed_url(user):
    return reverse("projects:my_milestones_ical", args=[feed_token(user)])


def unfold(text: str) -> str:
    return re.sub(r"\r\n ", "", text)


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def milestones(project, member, other_project):
    return {
        "launch": MilestoneFactory(
            project=project,
            name="Launch, phase 1; go",
            forecast_date=in_days(10),
            baseline_date=in_days(7),
            status_comment="Vendor late\nby a week",
        ),
        "member_owned": MilestoneFactory(
            project=project, name="Data migrated", owner=member, forecast_date=in_days(20)
        ),
        "other": MilestoneFactory(
            project=other_project, name="Warehouse live", forecast_date=in_days(5)
        ),
    }


def test_project_feed_lists_its_milestones_as_all_day_events(client, executive, milestones):
    client.force_login(executive)
    response = client.get(project_feed_url(milestones["launch"].project))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    body = unfold(text)
    launch = milestones["launch"]
    assert f"UID:milestone-{launch.pk}@testserver\r\n" in body
    assert "SUMMARY:PRJ-0042: Launch\\, phase 1\\; go\r\n" in body
    assert f"DTSTART;VALUE=DATE:{in_days(10):%Y%m%d}\r\n" in body
    assert f"DTEND;VALUE=DATE:{in_days(11):%Y%m%d}\r\n" in body
    assert "Status: Late" in body or "Status: At risk" in body
    assert "slip +3 days" in body
    assert "Comment: Vendor late\\nby a week" in body
    assert "Warehouse live" not in body
    assert body.count("BEGIN:VEVENT") == 2


def test_project_feed_uid_is_stable(client, pm, milestones):
    client.force_login(pm)
    first = unfold(client.get(project_feed_url(milestones["launch"].project)).content.decode())
    milestones["launch"].forecast_date = in_days(12)
    milestones["launch"].save()
    second = unfold(client.get(project_feed_url(milestones["launch"].project)).content.decode())
    uid = f"UID:milestone-{milestones['launch'].pk}@testserver"
    assert uid in first and uid in second
    assert f"{in_days(12):%Y%m%d}" in second


def test_project_feed_respects_visibility(client, outsider, project):
    client.force_login(outsider)
    assert client.get(project_feed_url(project)).status_code == 404


def test_project_feed_needs_a_login(client, project):
    response = client.get(project_feed_url(project))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_personal_feed_works_without_login(client, pm, milestones):
    response = client.get(my_feed_url(pm))
    assert response.status_code == 200
    body = unfold(response.content.decode())
    # pm manages PRJ-0042: both of its milestones, whoever owns them; not other_pm's project.
    assert "Launch\\, phase 1\\; go" in body and "Data migrated" in body
    assert "Warehouse live" not in body
    assert "X-WR-CALNAME:My milestones" in body


def test_personal_feed_of_an_owner_lists_only_what_they_own(client, member, milestones):
    body = unfold(client.get(my_feed_url(member)).content.decode())
    assert "Data migrated" in body
    assert "Launch" not in body


def test_personal_feed_leaves_out_projects_no_longer_visible(client, member, milestones, project):
    project.memberships.filter(user=member).delete()
    body = unfold(client.get(my_feed_url(member)).content.decode())
    assert "BEGIN:VEVENT" not in body


@pytest.mark.parametrize(
    "token",
    ["nonsense", "1-" + "0" * 40, "999999-" + "0" * 40, "", "1-"],
)
def test_wrong_token_is_404(client, pm, token):
    assert user_for_feed_token(token) is None
    url = reverse("projects:my_milestones_ical", args=["x"]).replace("x.ics", f"{token}.ics")
    assert client.get(url).status_code == 404


def test_token_of_someone_else_with_another_id_is_404(client, pm, member):
    forged = f"{member.pk}-{feed_token(pm).split('-', 1)[1]}"
    assert client.get(reverse("projects:my_milestones_ical", args=[forged])).status_code == 404


def test_changing_the_password_revokes_the_feed(client, pm, milestones):
    old_url = my_feed_url(pm)
    assert client.get(old_url).status_code == 200
    pm.set_password("a-new-password-2026")
    pm.save()
    assert client.get(old_url).status_code == 404
    assert client.get(my_feed_url(pm)).status_code == 200


def test_inactive_user_feed_is_404(client, pm):
    url = my_feed_url(pm)
    pm.is_active = False
    pm.save()
    assert client.get(url).status_code == 404


def test_feeds_page_shows_the_personal_url(client, pm, project):
    client.force_login(pm)
    response = client.get(reverse("projects:milestone_feeds"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"http://testserver{my_feed_url(pm)}" in body
    assert project_feed_url(project) in body


def test_feeds_page_needs_a_login(client, db):
    response = client.get(reverse("projects:milestone_feeds"))
    assert response.status_code == 302


def test_feed_query_counts_do_not_grow_with_milestones(
    client, pm, project, portfolio, django_assert_max_num_queries
):
    for n in range(150):
        MilestoneFactory(project=project, forecast_date=in_days(n % 60))
    for _n in range(30):
        ProjectFactory(portfolio=portfolio, project_manager=pm)
    with django_assert_max_num_queries(4):
        response = client.get(my_feed_url(pm))
    assert response.content.decode().count("BEGIN:VEVENT") == 150
    client.force_login(pm)
    with django_assert_max_num_queries(8):
        response = client.get(project_feed_url(project))
    assert response.content.decode().count("BEGIN:VEVENT") == 150
    with django_assert_max_num_queries(10):
        response = client.get(reverse("projects:milestone_feeds"))
    assert response.status_code == 200
