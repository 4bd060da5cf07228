"""The budget pages: who may see and change them, what they show, bad input, query counts."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from projects.models import BudgetEntry, BudgetLine, CostCategory, Status
from projects.services.budget import budget_entries_save, budget_line_update
from tests.factories import MembershipFactory, ProjectFactory
from tests.projects.factories_budget import BudgetEntryFactory, BudgetLineFactory

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))


def budget_url(project, **query):
    url = reverse("projects:budget", args=[project.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def line_url(name, line):
    return reverse(f"projects:{name}", args=[line.project.code, line.pk])


def month_post(months, values, version):
    """POST data of the monthly amounts form; ``values`` maps index -> (p, c, a) strings."""
    data = {
        "m-TOTAL_FORMS": str(len(months)),
        "m-INITIAL_FORMS": str(len(months)),
        "m-MIN_NUM_FORMS": str(len(months)),
        "m-MAX_NUM_FORMS": str(len(months)),
        "version": str(version),
    }
    for index in range(len(months)):
        planned, committed, actual = values.get(index, ("", "", ""))
        data[f"m-{index}-planned"] = planned
        data[f"m-{index}-committed"] = committed
        data[f"m-{index}-actual"] = actual
    return data


MONTHS_2026 = [datetime.date(2026, m, 1) for m in range(1, 13)]


@pytest.fixture
def line(project):
    line = BudgetLineFactory(project=project, category="equipment", description="Test servers")
    BudgetEntryFactory(line=line, month=JAN, planned=D("1000.00"), actual=D("1200.00"))
    BudgetEntryFactory(line=line, month=FEB, planned=D("500.00"), committed=D("50.00"))
    return line


# --- Who may see and change ----------------------------------------------------------------
ROUTES_WITH_LINE = ["budget_line", "budget_line_edit", "budget_line_amounts"]


def test_anonymous_is_sent_to_login_from_every_budget_page(client, line):
    urls = [
        budget_url(line.project),
        reverse("projects:budget_line_create", args=[line.project.code]),
        *[line_url(name, line) for name in ROUTES_WITH_LINE],
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    response = client.post(line_url("budget_line_remove", line), {"version": 1})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert BudgetLine.objects.filter(pk=line.pk).exists()


@pytest.mark.parametrize("persona", ["pm", "pmo_staff", "executive", "member", "other_pm"])
def test_people_who_see_the_project_read_its_budget(client, request, line, persona):
    request.getfixturevalue("other_project")  # other_pm works in the same portfolio
    client.force_login(request.getfixturevalue(persona))
    assert client.get(budget_url(line.project)).status_code == 200
    assert client.get(line_url("budget_line", line)).status_code == 200
    assert client.get(budget_url(line.project, format="csv")).status_code == 200


def test_an_outsider_gets_404_everywhere(client, outsider, line):
    client.force_login(outsider)
    assert client.get(budget_url(line.project)).status_code == 404
    assert client.get(budget_url(line.project, format="csv")).status_code == 404
    for name in ROUTES_WITH_LINE:
        assert client.get(line_url(name, line)).status_code == 404
    assert client.post(line_url("budget_line_remove", line), {"version": 1}).status_code == 404


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member", "resource_manager"])
def test_readers_cannot_open_or_post_the_editing_pages(client, request, line, persona):
    request.getfixturevalue("other_project")  # other_pm sees the project, cannot change it
    client.force_login(request.getfixturevalue(persona))
    create = reverse("projects:budget_line_create", args=[line.project.code])
    assert client.get(create).status_code == 403
    assert client.post(create, {"category": "travel", "description": "x"}).status_code == 403
    assert client.get(line_url("budget_line_edit", line)).status_code == 403
    assert client.post(line_url("budget_line_edit", line), {"description": "x"}).status_code == 403
    assert client.get(line_url("budget_line_amounts", line)).status_code == 403
    data = month_post(MONTHS_2026, {0: ("1", "", "")}, 1)
    assert client.post(line_url("budget_line_amounts", line), data).status_code == 403
    assert client.post(line_url("budget_line_remove", line), {"version": 1}).status_code == 403
    line.refresh_from_db()
    assert (line.description, line.version, project_lines(line.project)) == ("Test servers", 1, 1)
    assert line.entries.get(month=JAN).planned == D("1000.00")


PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READ = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
CHANGE = {
    "pmo_staff": 200,
    "pm": 200,
    "other_pm": 403,
    "executive": 403,
    "resource_manager": 403,
    "member": 403,
    "outsider": 404,
}
MATRIX = {
    "budget": READ,
    "budget_line_create": CHANGE,
    "budget_line": READ,
    "budget_line_edit": CHANGE,
    "budget_line_amounts": CHANGE,
}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_matrix_with_a_real_line(client, request, line, route):
    request.getfixturevalue("other_project")
    # The outsider works on a project in another portfolio only.
    MembershipFactory(user=request.getfixturevalue("outsider"))
    args = [line.project.code] if route in ("budget", "budget_line_create") else None
    url = reverse(f"projects:{route}", args=args or [line.project.code, line.pk])
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == MATRIX[route][persona], (route, persona)


def project_lines(project):
    return project.budget_lines.count()


def test_readers_see_no_edit_buttons(client, executive, line):
    client.force_login(executive)
    body = client.get(budget_url(line.project)).content.decode()
    assert 'data-testid="add-line"' not in body
    assert reverse("projects:budget_line_amounts", args=[line.project.code, line.pk]) not in body


def test_a_line_of_another_project_is_404(client, pm, project, other_project):
    foreign = BudgetLineFactory(project=other_project)
    client.force_login(pm)
    for name in ROUTES_WITH_LINE:
        url = reverse(f"projects:{name}", args=[project.code, foreign.pk])
        assert client.get(url).status_code == 404
    url = reverse("projects:budget_line_remove", args=[project.code, foreign.pk])
    assert client.post(url, {"version": 1}).status_code == 404
    assert BudgetLine.objects.filter(pk=foreign.pk).exists()


def test_the_budget_line_remove_route_takes_no_get(client, pm, line):
    client.force_login(pm)
    assert client.get(line_url("budget_line_remove", line)).status_code == 405


# --- The budget page ---------------------------------------------------------------------
def test_empty_budget_says_what_to_do_next(client, pm, project):
    client.force_login(pm)
    body = client.get(budget_url(project)).content.decode()
    assert 'data-testid="budget-empty"' in body
    assert reverse("projects:budget_line_create", args=[project.code]) in body


def test_budget_page_shows_totals_categories_lines_and_the_chart(client, pm, line, monkeypatch):
    monkeypatch.setattr(
        "projects.views.budget.timezone.localdate", lambda: datetime.date(2026, 2, 10)
    )
    client.force_login(pm)
    response = client.get(budget_url(line.project))
    assert response.status_code == 200
    budget = response.context["budget"]
    (cny,) = budget.currencies
    totals = cny.totals
    assert (totals.planned, totals.committed, totals.actual) == (D("1500"), D("50"), D("1200"))
    assert totals.remaining == D("300")
    assert totals.variance_to_date == D("-200")  # January: 1000 planned, 1200 spent
    assert totals.variance_percent == D("-20.0")
    assert totals.forecast == D("1700")  # Jan 1200 + Feb max(500, 50)
    assert [c.category for c in cny.categories] == list(CostCategory.values)
    body = response.content.decode()
    assert body.count('data-testid="budget-line"') == 1
    assert "1,500.00" in body and "1,200.00" in body and "-20.0 %" in body
    assert body.count("<tr data-category=") == 7
    assert 'data-testid="chart"' in body and 'id="budget-burn-cny-data"' in body
    assert "vendor/plotly/plotly.min.js" in body
    assert 'data-testid="budget-definitions"' in body
    assert 'data-testid="burn-data"' in body


def test_months_of_the_plan_are_grid_columns_and_the_grid_switches_amount(client, pm, line):
    client.force_login(pm)
    response = client.get(budget_url(line.project, grid="actual"))
    assert response.context["budget"].months == MONTHS_2026
    (row,) = response.context["grid_rows"]
    assert row[1][:2] == [D("1200.00"), D("0.00")] and row[2] == D("1200.00")
    body = response.content.decode()
    assert "2026-12</th>" in body
    response = client.get(budget_url(line.project, grid="nonsense"))
    assert response.context["grid"] == "planned"


def test_different_currencies_are_totalled_apart(client, pm, project):
    cny = BudgetLineFactory(project=project, currency="CNY")
    eur = BudgetLineFactory(project=project, currency="EUR", category="travel")
    BudgetEntryFactory(line=cny, month=JAN, planned=D("1000.00"))
    BudgetEntryFactory(line=eur, month=JAN, planned=D("10.00"))
    client.force_login(pm)
    response = client.get(budget_url(project))
    budget = response.context["budget"]
    assert budget.is_multi_currency
    assert {c.currency: c.totals.planned for c in budget.currencies} == {
        "CNY": D("1000.00"),
        "EUR": D("10.00"),
    }
    body = response.content.decode()
    assert 'data-testid="multi-currency-note"' in body
    assert "1,010.00" not in body  # never added together
    assert body.count('data-testid="chart"') == 2


def test_csv_exports_every_entry_with_its_line(client, executive, line):
    other = BudgetLineFactory(project=line.project, category="travel", currency="EUR")
    BudgetEntryFactory(line=other, month=MAR, planned=D("0.10"), actual=D("0.20"))
    BudgetEntryFactory(line=BudgetLineFactory(), month=JAN)  # another project's
    client.force_login(executive)
    response = client.get(budget_url(line.project, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "PRJ-0042-budget.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Project",
        "Line",
        "Category",
        "Description",
        "Currency",
        "Month",
        "Planned",
        "Committed",
        "Actual",
    ]
    assert rows[1:] == [
        [
            "PRJ-0042",
            str(line.pk),
            "Equipment",
            "Test servers",
            "CNY",
            "2026-01",
            "1000.00",
            "0.00",
            "1200.00",
        ],
        [
            "PRJ-0042",
            str(line.pk),
            "Equipment",
            "Test servers",
            "CNY",
            "2026-02",
            "500.00",
            "50.00",
            "0.00",
        ],
        [
            "PRJ-0042",
            str(other.pk),
            "Travel",
            other.description,
            "EUR",
            "2026-03",
            "0.10",
            "0.00",
            "0.20",
        ],
    ]


def test_a_formula_in_a_description_is_neutralised_in_the_csv(client, pm, project):
    line = BudgetLineFactory(project=project, description='=HYPERLINK("http://x")')
    BudgetEntryFactory(line=line)
    client.force_login(pm)
    response = client.get(budget_url(project, format="csv"))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_a_closed_project_shows_its_budget_read_only(client, pm, line):
    line.project.status = Status.CLOSED
    line.project.save()
    client.force_login(pm)
    body = client.get(budget_url(line.project)).content.decode()
    assert "can no longer change" in body
    assert 'data-testid="add-line"' not in body


# --- Lines -------------------------------------------------------------------------------
def test_pm_adds_a_line_and_is_sent_to_its_amounts(client, pm, project):
    client.force_login(pm)
    url = reverse("projects:budget_line_create", args=[project.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"category": "travel", "description": "Site visits", "currency": "eur"}
    )
    line = project.budget_lines.get()
    assert response.status_code == 302
    assert response.url == line_url("budget_line_amounts", line)
    assert (line.category, line.currency, line.created_by) == ("travel", "EUR", pm)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "travel", "description": "", "currency": "CNY"}, "description"),
        ({"category": "travel", "description": "x" * 201, "currency": "CNY"}, "description"),
        ({"category": "travel", "description": "Trips", "currency": "EURO"}, "currency"),
        ({"category": "travel", "description": "Trips", "currency": "€"}, "currency"),
        ({"category": "bribes", "description": "Trips", "currency": "CNY"}, "category"),
    ],
)
def test_bad_line_input_is_a_400_next_to_the_field_with_input_kept(
    client, pm, project, data, field
):
    client.force_login(pm)
    response = client.post(reverse("projects:budget_line_create", args=[project.code]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    body = response.content.decode()
    assert "is-invalid" in body
    if data["description"]:
        assert f'value="{data["description"]}"' in body
    assert not project.budget_lines.exists()


def test_adding_a_line_to_a_closed_project_is_a_400_with_the_reason(client, pm, project):
    project.status = Status.CLOSED
    project.save()
    client.force_login(pm)
    url = reverse("projects:budget_line_create", args=[project.code])
    response = client.post(url, {"category": "travel", "description": "Trips", "currency": "CNY"})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert not project.budget_lines.exists()


def test_pm_edits_a_line(client, pm, line):
    client.force_login(pm)
    response = client.post(
        line_url("budget_line_edit", line),
        {"category": "services", "description": "Hosting", "currency": "CNY", "version": 1},
    )
    assert response.status_code == 302 and response.url == line_url("budget_line", line)
    line.refresh_from_db()
    assert (line.category, line.description, line.version) == ("services", "Hosting", 2)


def test_stale_line_edit_is_a_409_showing_the_change_and_keeping_input(client, pm, pmo_staff, line):
    budget_line_update(line=line, by=pmo_staff, data={"category": "travel"}, expected_version=1)
    client.force_login(pm)
    response = client.post(
        line_url("budget_line_edit", line),
        {"category": "equipment", "description": "Mine", "currency": "CNY", "version": 1},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body and 'value="Mine"' in body
    assert str(pmo_staff) in body
    line.refresh_from_db()
    assert (line.description, line.category) == ("Test servers", "travel")


def test_changing_the_currency_of_a_line_with_money_is_a_400_on_the_field(client, pm, line):
    client.force_login(pm)
    response = client.post(
        line_url("budget_line_edit", line),
        {"category": "equipment", "description": "Test servers", "currency": "USD", "version": 1},
    )
    assert response.status_code == 400
    assert "currency" in response.context["form"].errors
    line.refresh_from_db()
    assert line.currency == "CNY"


def test_line_page_shows_months_totals_and_history(client, executive, pm, line):
    budget_entries_save(line=line, by=pm, amounts={MAR: (D("300"), D(0), D(0))}, expected_version=1)
    client.force_login(executive)
    response = client.get(line_url("budget_line", line))
    assert response.status_code == 200
    assert response.context["detail"].totals.planned == D("1800.00")
    body = response.content.decode()
    assert body.count("<tr") >= 12
    assert 'data-testid="entry-history"' in body and str(pm) in body
    assert 'data-testid="edit-amounts"' not in body


# --- Monthly amounts ---------------------------------------------------------------------
def test_amounts_form_has_one_row_per_month_of_the_plan(client, pm, line):
    client.force_login(pm)
    response = client.get(line_url("budget_line_amounts", line))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [f.month for f in formset.forms] == MONTHS_2026
    body = response.content.decode()
    assert 'name="m-0-planned" id="id_m-0-planned" value="1000.00"' in body
    assert 'name="m-1-committed" id="id_m-1-committed" value="50.00"' in body
    assert 'name="m-2-planned" id="id_m-2-planned" value=""' in body


def test_pm_saves_the_months_in_one_form(client, pm, line):
    client.force_login(pm)
    data = month_post(
        MONTHS_2026,
        {
            0: ("1,000.00", "", "1 200"),
            1: ("500", "50", ""),
            2: ("0.1", "", "0.2"),
            11: ("7", "", ""),
        },
        version=1,
    )
    response = client.post(line_url("budget_line_amounts", line), data)
    assert response.status_code == 302 and response.url == line_url("budget_line", line)
    rows = {e.month: (e.planned, e.committed, e.actual) for e in line.entries.all()}
    assert rows == {
        JAN: (D("1000.00"), D("0"), D("1200.00")),
        FEB: (D("500"), D("50"), D("0")),
        MAR: (D("0.10"), D("0"), D("0.20")),
        datetime.date(2026, 12, 1): (D("7"), D("0"), D("0")),
    }
    line.refresh_from_db()
    assert line.version == 2
    assert BudgetEntry.history.filter(history_user=pm).count() == 2  # Mar and Dec are new


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Amounts cannot be negative."),
        ("abc", "Enter an amount"),
        ("123456789012345", "no more than 14 digits before the decimal point"),
        ("1.234", "no more than 2 decimal places"),
        ("1e5", "Enter an amount"),
    ],
)
def test_bad_cell_is_a_400_with_the_message_next_to_it_and_nothing_saved(
    client, pm, line, typed, message
):
    client.force_login(pm)
    data = month_post(MONTHS_2026, {0: ("999", "", ""), 4: ("10", typed, "3")}, version=1)
    response = client.post(line_url("budget_line_amounts", line), data)
    assert response.status_code == 400
    formset = response.context["formset"]
    assert list(formset.errors[4]) == ["committed"]
    assert message in formset.errors[4]["committed"][0]
    body = response.content.decode()
    # The message sits right after the cell, and every cell keeps what was typed.
    cell = body.index('id="id_m-4-committed"')
    assert body.index(message.split(" ")[-1], cell) - cell < 400
    assert f'value="{typed}"' in body and 'value="999"' in body and 'value="3"' in body
    assert 'class="form-control form-control-sm num is-invalid"' in body
    assert line.entries.get(month=JAN).planned == D("1000.00")
    line.refresh_from_db()
    assert line.version == 1


def test_a_tampered_form_count_is_refused(client, pm, line):
    client.force_login(pm)
    data = month_post(MONTHS_2026[:11], {0: ("5", "", "")}, version=1)
    response = client.post(line_url("budget_line_amounts", line), data)
    assert response.status_code == 400
    assert "months changed since you opened this page" in response.content.decode()
    assert line.entries.get(month=JAN).planned == D("1000.00")
    missing = month_post(MONTHS_2026, {}, version=1)
    del missing["m-TOTAL_FORMS"]
    assert client.post(line_url("budget_line_amounts", line), missing).status_code == 400


def test_stale_amounts_save_is_a_409_that_merges_untouched_cells(client, pm, pmo_staff, line):
    client.force_login(pm)
    # PMO staff change January's plan and March's actual while the PM has the form open.
    budget_entries_save(
        line=line,
        by=pmo_staff,
        amounts={JAN: (D("1100"), D(0), D("1200")), MAR: (D(0), D(0), D("30"))},
        expected_version=1,
    )
    # The PM changes February's plan and January's plan too, from the old page (version 1).
    data = month_post(
        MONTHS_2026,
        {0: ("1050.00", "", "1200.00"), 1: ("600", "50.00", ""), 2: ("", "", "")},
        version=1,
    )
    response = client.post(line_url("budget_line_amounts", line), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body and str(pmo_staff) in body
    assert "2026-01 planned" in body and "2026-03 actual" in body
    formset = response.context["formset"]
    assert formset.data["m-0-planned"] == "1050.00"  # both changed it: the PM's input stays
    assert formset.data["m-1-planned"] == "600"  # only the PM changed it
    assert formset.data["m-2-actual"] == "30.00"  # only PMO staff changed it: their value
    assert 'name="version" value="2"' in body
    assert line.entries.get(month=FEB).planned == D("500.00")  # nothing saved
    # Saving the merged form again now goes through.
    response = client.post(line_url("budget_line_amounts", line), formset.data)
    assert response.status_code == 302
    assert line.entries.get(month=MAR).actual == D("30")
    assert line.entries.get(month=FEB).planned == D("600")


def test_saving_amounts_on_a_closed_project_is_a_400(client, pm, line):
    line.project.status = Status.CANCELLED
    line.project.save()
    client.force_login(pm)
    data = month_post(MONTHS_2026, {0: ("5", "", "")}, version=1)
    response = client.post(line_url("budget_line_amounts", line), data)
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert line.entries.get(month=JAN).planned == D("1000.00")


def test_a_member_with_the_edit_right_saves_amounts(client, line):
    editor = MembershipFactory(project=line.project, can_edit=True).user
    client.force_login(editor)
    data = month_post(MONTHS_2026, {5: ("77", "", "")}, version=1)
    assert client.post(line_url("budget_line_amounts", line), data).status_code == 302
    assert line.entries.get(month=datetime.date(2026, 6, 1)).planned == D("77")


# --- Removing a line ---------------------------------------------------------------------
def test_pm_removes_a_line_with_only_planned_money(client, pm, project):
    line = BudgetLineFactory(project=project)
    BudgetEntryFactory(line=line, planned=D("10"))
    client.force_login(pm)
    response = client.post(line_url("budget_line_remove", line), {"version": 1})
    assert response.status_code == 302 and response.url == budget_url(project)
    assert not project.budget_lines.exists()


def test_removing_a_line_with_actual_money_is_refused_with_the_reason(client, pm, line):
    client.force_login(pm)
    response = client.post(line_url("budget_line_remove", line), {"version": 1})
    assert response.status_code == 400
    assert "cannot be removed" in response.content.decode()
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_removing_a_line_changed_meanwhile_is_a_409(client, pm, project):
    line = BudgetLineFactory(project=project)
    BudgetLine.objects.filter(pk=line.pk).update(version=3)
    client.force_login(pm)
    response = client.post(line_url("budget_line_remove", line), {"version": 1})
    assert response.status_code == 409
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# --- Query counts ------------------------------------------------------------------------
@pytest.fixture
def big_budget(project):
    """50 lines x 24 months, in two currencies."""
    project.planned_start = datetime.date(2025, 1, 6)
    project.planned_finish = datetime.date(2026, 12, 18)
    project.save()
    months = [datetime.date(2025 + i // 12, i % 12 + 1, 1) for i in range(24)]
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            project=project,
            category=CostCategory.values[i % 7],
            description=f"Line {i:02d}",
            currency="EUR" if i % 10 == 0 else "CNY",
        )
        for i in range(50)
    )
    BudgetEntry.objects.bulk_create(
        BudgetEntry(line=line, month=month, planned=D("100.00"), actual=D("90.00"))
        for line in lines
        for month in months
    )
    return project


def test_budget_page_query_count_does_not_grow_with_lines(
    client, pm, big_budget, django_assert_max_num_queries
):
    client.force_login(pm)
    with django_assert_max_num_queries(9):  # 7 when measured
        response = client.get(budget_url(big_budget))
    assert response.status_code == 200
    assert len(response.context["budget"].lines) == 50
    assert len(response.context["budget"].months) == 24
    with django_assert_max_num_queries(8):  # 6 when measured
        response = client.get(budget_url(big_budget, format="csv"))
        assert len(b"".join(response.streaming_content).splitlines()) == 1 + 50 * 24


def test_line_pages_query_count_is_bounded(client, pm, big_budget, django_assert_max_num_queries):
    line = big_budget.budget_lines.first()
    budget_entries_save(
        line=line,
        by=pm,
        amounts={datetime.date(2025, m, 1): (D(m), D(0), D(0)) for m in range(1, 13)},
        expected_version=line.version,
    )
    client.force_login(pm)
    with django_assert_max_num_queries(12):  # 10 when measured
        assert client.get(line_url("budget_line", line)).status_code == 200
    with django_assert_max_num_queries(10):  # 8 when measured
        response = client.get(line_url("budget_line_amounts", line))
    assert len(response.context["formset"].forms) == 24


def test_a_bigger_project_needs_no_more_queries(client, pm, project, django_assert_num_queries):
    small = ProjectFactory(portfolio=project.portfolio, project_manager=pm, code="PRJ-0100")
    BudgetEntryFactory(line=BudgetLineFactory(project=small))
    client.force_login(pm)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(budget_url(small))
    for i in range(30):
        line = BudgetLineFactory(project=small, description=f"More {i}")
        BudgetEntryFactory(line=line, month=FEB)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(budget_url(small))
