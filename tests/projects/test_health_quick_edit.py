"""The in-place health update on the project page (htmx, with a no-JavaScript fallback)."""

from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(project):
    return reverse("projects:project_health", args=[project.code])


def test_htmx_get_returns_the_card_with_a_form(client, pm, project):
    client.force_login(pm)
    response = client.get(url(project), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="card summary-card h-100" id="health-card">')
    assert 'name="health"' in body
    assert "<html" not in body


def test_without_htmx_it_is_a_full_page(client, pm, project):
    client.force_login(pm)
    body = client.get(url(project)).content.decode()
    assert "<html" in body and 'name="health"' in body


def test_htmx_post_saves_and_returns_the_updated_card(client, pm, project):
    client.force_login(pm)
    data = {"health": "amber", "health_reason": "Key supplier late", "version": project.version}
    response = client.post(url(project), data, **HTMX)
    assert response.status_code == 200
    assert "Key supplier late" in response.content.decode()
    project.refresh_from_db()
    assert (project.health, project.version) == ("amber", 2)
    assert project.history.first().history_user == pm


def test_plain_post_redirects_to_the_project(client, pm, project):
    client.force_login(pm)
    data = {"health": "red", "health_reason": "Budget cut", "version": project.version}
    response = client.post(url(project), data)
    assert response.status_code == 302 and response.url == project.get_absolute_url()


def test_amber_without_reason_is_refused_next_to_the_field(client, pm, project):
    client.force_login(pm)
    response = client.post(url(project), {"health": "amber", "version": project.version}, **HTMX)
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    project.refresh_from_db()
    assert project.health == "green"


def test_unknown_health_value_is_a_400(client, pm, project):
    client.force_login(pm)
    response = client.post(url(project), {"health": "purple", "version": 1}, **HTMX)
    assert response.status_code == 400


def test_stale_quick_edit_is_refused(client, pm, project):
    project.name = "Renamed meanwhile"
    project.version = 2
    project.save()
    client.force_login(pm)
    data = {"health": "red", "health_reason": "Late", "version": 1}
    response = client.post(url(project), data, **HTMX)
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in response.content.decode()
    project.refresh_from_db()
    assert project.health == "green"


def test_executive_and_other_pm_cannot_update_health(
    client, executive, other_pm, project, other_project
):
    for user in (executive, other_pm):
        client.force_login(user)
        assert client.get(url(project), **HTMX).status_code == 403
        data = {"health": "red", "health_reason": "x", "version": project.version}
        assert client.post(url(project), data, **HTMX).status_code == 403
    project.refresh_from_db()
    assert project.health == "green"


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(url(project))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
