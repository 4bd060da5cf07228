"""Risk categories: everyone reads the list with counts; PMO staff add, edit, deactivate."""

import pytest
from django.test import Client

from risks.models import RiskCategory
from tests.factories import UserFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

LIST = "/risks/categories/"
NEW = "/risks/categories/new/"


def edit_url(category) -> str:
    return f"/risks/categories/{category.pk}/edit/"


@pytest.mark.parametrize("persona", ["pmo_staff", "pm", "executive", "member"])
def test_everyone_reads_the_list_with_counts(client, persona, project, request):
    technical = RiskCategory.objects.get(code="technical")
    RiskFactory.create_batch(2, project=project, category=technical)
    RiskFactory(project=project, category=technical, status="closed")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('data-code="technical"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">2</td>' in row and '<td class="num">3</td>' in row
    assert ('data-testid="add-category"' in html) == (persona == "pmo_staff")


@pytest.mark.parametrize("persona", ["pm", "executive", "member", "resource_manager"])
def test_only_pmo_staff_change_categories(client, persona, request):
    category = RiskCategory.objects.get(code="legal")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"code": "x", "name": "X", "position": 0}).status_code == 403
    assert client.get(edit_url(category)).status_code == 403
    response = client.post(
        edit_url(category), {"name": "Hacked", "position": 0, "version": category.version}
    )
    assert response.status_code == 403
    assert not RiskCategory.objects.filter(code="x").exists()
    assert RiskCategory.objects.get(code="legal").name == "Legal and compliance"


def test_pmo_adds_a_category_with_history(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        NEW,
        {
            "code": "safety",
            "name": "Health and safety",
            "description": "",
            "position": 20,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = RiskCategory.objects.get(code="safety")
    assert category.name == "Health and safety" and category.is_active
    assert category.history.get().history_user == pmo_staff


def test_duplicate_code_is_400_at_the_field(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(NEW, {"code": "legal", "name": "Another", "position": 1})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert RiskCategory.objects.filter(code="legal").count() == 1


def test_blank_name_is_400(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(NEW, {"code": "blank", "name": "   ", "position": 1})
    assert response.status_code == 400
    assert not RiskCategory.objects.filter(code="blank").exists()


def test_deactivate_keeps_the_category_and_its_risks(client, pmo_staff, project):
    category = RiskCategory.objects.get(code="supplier")
    risk = RiskFactory(project=project, category=category)
    client.force_login(pmo_staff)
    response = client.post(
        edit_url(category),
        {
            "name": category.name,
            "description": category.description,
            "position": 4,
            "version": category.version,
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_active
    assert category.version == 2
    risk.refresh_from_db()
    assert risk.category == category
    # The list shows it as not in use, below the active ones.
    html = client.get(LIST).content.decode()
    assert html.index('data-code="supplier"') > html.index('data-code="external"')


def test_code_cannot_change(client, pmo_staff):
    category = RiskCategory.objects.get(code="cost")
    client.force_login(pmo_staff)
    response = client.post(
        edit_url(category),
        {
            "code": "money",
            "name": "Cost",
            "position": 2,
            "is_active": "on",
            "version": category.version,
        },
    )
    assert response.status_code == 302  # the code field is disabled: the posted one is ignored
    assert RiskCategory.objects.filter(code="cost").exists()


def test_stale_edit_is_409_and_keeps_the_input(client, pmo_staff):
    category = RiskCategory.objects.get(code="quality")
    colleague = UserFactory(username="colleague", roles=["pmo"])
    other = Client()
    other.force_login(colleague)
    other.post(
        edit_url(category),
        {
            "name": category.name,
            "description": "Defects and standards",
            "position": 8,
            "is_active": "on",
            "version": 1,
        },
    )
    client.force_login(pmo_staff)
    response = client.post(
        edit_url(category),
        {
            "name": "Quality assurance",
            "description": category.description,
            "position": 8,
            "is_active": "on",
            "version": 1,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="Quality assurance"' in html
    assert "Defects and standards" in html
    assert RiskCategory.objects.get(code="quality").name == "Quality"


def test_unknown_category_is_404(client, pmo_staff):
    client.force_login(pmo_staff)
    assert client.get("/risks/categories/999999/edit/").status_code == 404


def test_list_query_count(client, pm, project, django_assert_max_num_queries):
    from risks.models import Risk

    category = RiskCategory.objects.get(code="technical")
    Risk.objects.bulk_create(
        Risk(project=project, number=i, reference=f"X-{i}", title="r", category=category)
        for i in range(1, 2001)
    )
    client.force_login(pm)
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200
