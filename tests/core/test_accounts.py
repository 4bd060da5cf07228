"""Sign in and out, password change and reset by email, the profile page and home routing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_with_wrong_password_shows_error_and_keeps_username(client, pm):
    response = client.post(reverse("login"), {"username": "pm", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct username and password" in body
    assert 'value="pm"' in body


def test_login_then_home_sends_each_role_where_it_works(client, pmo_staff, pm, executive, member):
    expected = {
        pmo_staff: reverse("projects:portfolio_list"),
        executive: reverse("projects:portfolio_list"),
        pm: reverse("projects:my_projects"),
        member: reverse("projects:my_work"),
    }
    for user, target in expected.items():
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("home")).url == target
        client.post(reverse("logout"))


def test_logout_is_post_only_and_ends_the_session(client, pm):
    client.force_login(pm)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("profile")).status_code == 302


def test_password_reset_sends_an_email_with_a_working_link(client, pm):
    response = client.post(reverse("password_reset"), {"email": pm.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pm.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "A-new-pass-2026!", "new_password2": "A-new-pass-2026!"}
    )
    assert done.status_code == 302
    pm.refresh_from_db()
    assert pm.check_password("A-new-pass-2026!")


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_rejects_a_weak_password(client, pm):
    client.force_login(pm)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_profile_saves_time_zone_language_and_email(client, pm):
    client.force_login(pm)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Pat",
            "last_name": "Manager",
            "email": "pat@example.org",
            "job_title": "Senior PM",
            "time_zone": "Asia/Shanghai",
            "language": "zh-hans",
            "notification_email": "digest@example.org",
        },
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
    pm.refresh_from_db()
    assert (pm.time_zone, pm.language, pm.digest_email) == (
        "Asia/Shanghai",
        "zh-hans",
        "digest@example.org",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus"), ("notification_email", "not-an-email"), ("language", "xx")],
)
def test_profile_bad_input_is_a_400_with_field_error(client, pm, field, value):
    client.force_login(pm)
    data = {
        "first_name": "Pat",
        "last_name": "Manager",
        "email": "pat@example.org",
        "time_zone": "UTC",
        "language": "",
        "notification_email": "",
        field: value,
    }
    response = client.post(reverse("profile"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    pm.refresh_from_db()
    assert pm.time_zone == "UTC"


def test_pages_show_times_in_the_users_time_zone(client, pm, project):
    pm.time_zone = "Asia/Shanghai"
    pm.save()
    client.force_login(pm)
    response = client.get(project.get_absolute_url())
    assert "Times shown in Asia/Shanghai" in response.content.decode()


def test_role_is_shown_in_the_user_menu(client, executive):
    client.force_login(executive)
    body = client.get(reverse("projects:portfolio_list")).content.decode()
    assert 'data-testid="role-badge">Executive<' in body
