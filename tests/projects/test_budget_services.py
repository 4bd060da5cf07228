"""Budget writes: lines and monthly amounts through projects.services.budget, and the DB rules."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from pmo.core.locking import StaleObjectError
from projects.models import BudgetEntry, BudgetLine, Status
from projects.services.budget import (
    budget_entries_save,
    budget_line_create,
    budget_line_delete,
    budget_line_update,
)
from tests.factories import MembershipFactory
from tests.projects.factories_budget import BudgetEntryFactory, BudgetLineFactory

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))
LINE = {"category": "equipment", "description": "Test servers", "currency": "CNY"}


def amounts(planned="0", committed="0", actual="0"):
    return (D(planned), D(committed), D(actual))


# --- Lines -------------------------------------------------------------------------------
def test_pm_adds_a_line_and_history_names_them(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    assert (line.project, line.category, line.version, line.created_by) == (
        project,
        "equipment",
        1,
        pm,
    )
    assert line.history.get().history_user == pm


def test_currency_defaults_to_the_projects_and_is_upper_cased(pm, project):
    project.currency = "GBP"
    project.save()
    line = budget_line_create(
        project=project, by=pm, data={"category": "travel", "description": "Flights"}
    )
    assert line.currency == "GBP"
    line = budget_line_create(project=project, by=pm, data={**LINE, "currency": " eur "})
    assert line.currency == "EUR"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**LINE, "currency": "EURO"}, "currency"),
        ({**LINE, "currency": "E1R"}, "currency"),
        ({**LINE, "description": "x" * 201}, "description"),
        ({**LINE, "description": "  "}, "description"),
        ({**LINE, "category": "bribes"}, "category"),
    ],
)
def test_bad_line_data_is_refused_on_its_field(pm, project, data, field):
    with pytest.raises(ValidationError) as caught:
        budget_line_create(project=project, by=pm, data=data)
    assert field in caught.value.message_dict
    assert not BudgetLine.objects.exists()


def test_the_same_line_twice_is_refused(pm, project):
    budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError) as caught:
        budget_line_create(project=project, by=pm, data={**LINE, "description": "test SERVERS"})
    assert "description" in caught.value.message_dict


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member", "resource_manager"])
def test_people_who_may_not_change_the_plan_cannot_add_lines(request, project, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        budget_line_create(project=project, by=user, data=LINE)


def test_a_member_with_the_edit_right_and_pmo_staff_can_add_lines(project, pmo_staff):
    editor = MembershipFactory(project=project, can_edit=True).user
    budget_line_create(project=project, by=editor, data=LINE)
    budget_line_create(project=project, by=pmo_staff, data={**LINE, "description": "Laptops"})
    assert project.budget_lines.count() == 2


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_a_closed_project_refuses_every_budget_write(pm, project, status):
    line = BudgetLineFactory(project=project)
    project.status = status
    project.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError, match="can no longer change"):
        budget_line_update(line=line, by=pm, data={"description": "x"}, expected_version=1)
    with pytest.raises(ValidationError, match="can no longer change"):
        budget_entries_save(line=line, by=pm, amounts={JAN: amounts("1")}, expected_version=1)
    with pytest.raises(ValidationError, match="can no longer change"):
        budget_line_delete(line=line, by=pm, expected_version=1)
    assert BudgetLine.objects.count() == 1 and not BudgetEntry.objects.exists()


def test_update_bumps_the_version_and_keeps_history(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_line_update(
        line=line, by=pm, data={"description": "Test and staging servers"}, expected_version=1
    )
    line.refresh_from_db()
    assert (line.description, line.version) == ("Test and staging servers", 2)
    assert line.history.count() == 2


def test_stale_line_update_is_refused_with_what_changed(pm, pmo_staff, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    theirs = BudgetLine.objects.get(pk=line.pk)
    budget_line_update(line=theirs, by=pmo_staff, data={"category": "services"}, expected_version=1)
    with pytest.raises(StaleObjectError) as caught:
        budget_line_update(line=line, by=pm, data={"description": "Mine"}, expected_version=1)
    assert [c.field for c in caught.value.changes] == ["category"]
    assert caught.value.changed_by == str(pmo_staff)
    line.refresh_from_db()
    assert (line.description, line.category) == ("Test servers", "services")


def test_currency_cannot_change_once_the_line_holds_money(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_line_update(line=line, by=pm, data={"currency": "EUR"}, expected_version=1)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("100")}, expected_version=2)
    with pytest.raises(ValidationError) as caught:
        budget_line_update(line=line, by=pm, data={"currency": "USD"}, expected_version=3)
    assert "currency" in caught.value.message_dict
    assert BudgetLine.objects.get(pk=line.pk).currency == "EUR"


# --- Monthly amounts ---------------------------------------------------------------------
def test_entries_are_saved_once_with_history_and_one_version_bump(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    saved = budget_entries_save(
        line=line,
        by=pm,
        amounts={JAN: amounts("1000.50", "200", "999.99"), FEB: amounts("0.10"), MAR: amounts()},
        expected_version=1,
    )
    assert saved.version == 2 and line.version == 2
    rows = {e.month: (e.planned, e.committed, e.actual) for e in line.entries.all()}
    # A month left blank (all zero) gets no row.
    assert rows == {JAN: amounts("1000.50", "200", "999.99"), FEB: amounts("0.10")}
    assert {r.history_user for r in BudgetEntry.history.all()} == {pm}


def test_unchanged_months_are_not_rewritten_and_nothing_changed_keeps_the_version(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("5")}, expected_version=1)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("5.00")}, expected_version=2)
    line.refresh_from_db()
    assert line.version == 2
    assert BudgetEntry.history.count() == 1


def test_a_month_set_back_to_zero_keeps_its_row_and_history(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("5")}, expected_version=1)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts()}, expected_version=2)
    entry = line.entries.get()
    assert entry.planned == 0
    assert [h.planned for h in entry.history.order_by("history_date")] == [D("5"), D("0")]


def test_negative_amount_is_refused_and_nothing_is_saved(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError) as caught:
        budget_entries_save(
            line=line,
            by=pm,
            amounts={JAN: amounts("100"), FEB: amounts("100", "0", "-0.01")},
            expected_version=1,
        )
    assert list(caught.value.message_dict) == ["2026-02-01"]
    assert not BudgetEntry.objects.exists()
    line.refresh_from_db()
    assert line.version == 1


def test_a_month_that_is_not_the_first_is_refused(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError, match="first day of the month"):
        budget_entries_save(
            line=line, by=pm, amounts={datetime.date(2026, 2, 15): amounts("1")}, expected_version=1
        )
    assert not BudgetEntry.objects.exists()


@pytest.mark.parametrize(
    "value", ["123456789012345", "1.001", "NaN"], ids=["15-digits", "3-decimals", "nan"]
)
def test_amounts_the_column_cannot_hold_are_refused(pm, project, value):
    line = budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError):
        budget_entries_save(line=line, by=pm, amounts={JAN: amounts(value)}, expected_version=1)
    assert not BudgetEntry.objects.exists()


def test_fourteen_digits_fit(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(
        line=line, by=pm, amounts={JAN: amounts("99999999999999.99")}, expected_version=1
    )
    assert line.entries.get().planned == D("99999999999999.99")


def test_a_float_amount_is_refused(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    with pytest.raises(ValidationError, match="must be numbers"):
        budget_entries_save(line=line, by=pm, amounts={JAN: (0.1, D(0), D(0))}, expected_version=1)


def test_a_new_month_outside_the_plan_is_refused_but_an_existing_one_can_be_corrected(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    outside = datetime.date(2027, 3, 1)  # the project runs Jan-Dec 2026
    with pytest.raises(ValidationError, match="outside the project's planned months"):
        budget_entries_save(line=line, by=pm, amounts={outside: amounts("1")}, expected_version=1)
    BudgetEntryFactory(line=line, month=outside, planned=D("7"))
    budget_entries_save(line=line, by=pm, amounts={outside: amounts("0")}, expected_version=1)
    assert line.entries.get(month=outside).planned == 0


def test_stale_amounts_save_is_refused_with_the_months_that_changed(pm, pmo_staff, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("100")}, expected_version=1)
    theirs = BudgetLine.objects.get(pk=line.pk)
    budget_entries_save(
        line=theirs,
        by=pmo_staff,
        amounts={JAN: amounts("150"), FEB: amounts("0", "20")},
        expected_version=2,
    )
    with pytest.raises(StaleObjectError) as caught:
        budget_entries_save(line=line, by=pm, amounts={JAN: amounts("999")}, expected_version=2)
    changes = {c.field: (c.old_value, c.new_value) for c in caught.value.changes}
    assert changes == {
        "2026-01:planned": (D("100"), D("150")),
        "2026-02:committed": (D("0"), D("20")),
    }
    assert caught.value.changed_by == str(pmo_staff)
    assert line.entries.get(month=JAN).planned == D("150")


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member"])
def test_people_who_may_not_change_the_plan_cannot_save_amounts(request, project, persona):
    line = BudgetLineFactory(project=project)
    with pytest.raises(PermissionDenied):
        budget_entries_save(
            line=line,
            by=request.getfixturevalue(persona),
            amounts={JAN: amounts("1")},
            expected_version=1,
        )
    assert not BudgetEntry.objects.exists()


# --- The database refuses what the services refuse ---------------------------------------
@pytest.mark.parametrize("field", ["planned", "committed", "actual"])
def test_the_database_refuses_a_negative_amount(project, field):
    line = BudgetLineFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetEntry.objects.create(line=line, month=JAN, **{field: D("-1")})


def test_the_database_refuses_a_month_that_is_not_the_first(project):
    line = BudgetLineFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetEntry.objects.create(line=line, month=datetime.date(2026, 1, 2))


def test_the_database_refuses_two_rows_for_one_month(project):
    line = BudgetLineFactory(project=project)
    BudgetEntry.objects.create(line=line, month=JAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetEntry.objects.create(line=line, month=JAN)


# --- Removing a line ---------------------------------------------------------------------
def test_a_line_with_only_planned_money_can_be_removed_and_history_keeps_it(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("100")}, expected_version=1)
    budget_line_delete(line=line, by=pm, expected_version=2)
    assert not BudgetLine.objects.exists() and not BudgetEntry.objects.exists()
    assert BudgetLine.history.filter(history_type="-").get().history_user == pm
    assert BudgetEntry.history.filter(history_type="-").get().planned == D("100")


def test_a_line_with_committed_or_actual_money_cannot_be_removed(pm, project):
    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(line=line, by=pm, amounts={JAN: amounts("0", "0", "1")}, expected_version=1)
    with pytest.raises(ValidationError, match="cannot be removed"):
        budget_line_delete(line=line, by=pm, expected_version=2)
    assert BudgetLine.objects.count() == 1 and BudgetEntry.objects.count() == 1


# --- What the line's page reads back -----------------------------------------------------
def test_entry_history_lists_each_save_newest_first_with_old_and_new(pm, pmo_staff, project):
    from projects.selectors.budget import line_entry_history

    line = budget_line_create(project=project, by=pm, data=LINE)
    budget_entries_save(
        line=line, by=pm, amounts={JAN: amounts("100"), FEB: amounts("5")}, expected_version=1
    )
    budget_entries_save(
        line=line, by=pmo_staff, amounts={JAN: amounts("120", "0", "30")}, expected_version=2
    )
    newest, first = line_entry_history(line)
    assert newest.who == pmo_staff
    assert [(c.month, c.field, c.old, c.new) for c in newest.changes] == [
        (JAN, "planned", D("100"), D("120")),
        (JAN, "actual", D("0"), D("30")),
    ]
    assert first.who == pm
    assert [(c.month, c.field, c.old, c.new) for c in first.changes] == [
        (JAN, "planned", None, D("100")),
        (FEB, "planned", None, D("5")),
    ]
