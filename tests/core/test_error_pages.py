"""The 403, 404 and 500 pages are the application's own, not Django's defaults."""

from django.test import RequestFactory

from pmo.core.views import server_error


def test_unknown_page_gets_the_404_page(client, pm):
    client.force_login(pm)
    response = client.get("/projects/NOPE-1/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_denied_action_gets_the_403_page(client, executive, project):
    client.force_login(executive)
    response = client.get(f"/projects/{project.code}/edit/")
    assert response.status_code == 403
    assert "You are not allowed to do that" in response.content.decode()


def test_server_error_page_renders_without_a_database_or_user(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "bootstrap.min.css" in body
