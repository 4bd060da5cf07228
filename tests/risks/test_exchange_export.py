"""Exporting a register: CSV (streamed) and XLSX, the register page's filters, formulas
neutralised, everyone who sees the register, a bounded number of queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from risks.models import Risk, RiskCategory
from tests.factories import ProgramFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/projects/PRJ-0042/risks/export/"


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.worksheets[0]


@pytest.fixture
def risks(project, pm, member):
    technical = RiskCategory.objects.get(code="technical")
    main = RiskFactory(
        project=project,
        title="Vendor API late",
        category=technical,
        owner=member,
        inherent_probability=4,
        inherent_impact=4,
        residual_probability=2,
        residual_impact=3,
        cost_impact=Decimal("100000.00"),
        schedule_impact_days=15,
        proximity_date=datetime.date(2027, 3, 1),
        strategy="mitigate",
        response_summary="Weekly checkpoint",
        next_review_on=datetime.date(2027, 1, 15),
    )
    opportunity = RiskFactory(
        project=project,
        title="Reuse the old portal's login",
        kind="opportunity",
        inherent_probability=3,
        inherent_impact=2,
        cost_impact=Decimal("20000.00"),
    )
    closed = RiskFactory(project=project, title="Old and closed", status="closed")
    return main, opportunity, closed


def test_csv_has_every_column_and_open_risks_only(client, pm, risks):
    main, _opportunity, _closed = risks
    client.force_login(pm)
    response = client.get(URL + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="PRJ-0042-risks-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["Title"] for r in rows] == ["Vendor API late", "Reuse the old portal's login"]
    row = rows[0]
    assert list(row) == [
        "Reference", "Register", "Title", "Cause", "Event", "Effect", "Category", "Type",
        "Owner", "Status", "Proximity", "Triggers", "Inherent P", "Inherent I",
        "Inherent score", "Residual P", "Residual I", "Residual score", "Band", "EMV",
        "Cost impact", "Currency", "Schedule impact days", "Strategy", "Response",
        "Contingency", "Fallback", "Next review", "Escalated to",
    ]  # fmt: skip
    assert row["Reference"] == main.reference and row["Register"] == "PRJ-0042"
    assert row["Category"] == "Technical" and row["Owner"] == "member"
    assert row["Inherent score"] == "16" and row["Residual score"] == "6"
    assert row["Band"] == "Medium"
    # EMV: residual probability 2 ("10-30%", midpoint 20%) x 100,000.
    assert row["EMV"] == "20000.00" and row["Cost impact"] == "100000.00"
    assert row["Proximity"] == "2027-03-01" and row["Schedule impact days"] == "15"
    # An opportunity's EMV counts negative, and stays a number (not neutralised).
    assert rows[1]["EMV"] == "-8000.00" and rows[1]["Type"] == "opportunity"


def test_status_all_includes_closed(client, pm, risks):
    client.force_login(pm)
    rows = csv_rows(client.get(URL + "?status=all"))
    assert {r["Title"] for r in rows} == {
        "Vendor API late",
        "Reuse the old portal's login",
        "Old and closed",
    }


def test_register_filters_apply(client, pm, member, risks):
    client.force_login(pm)
    assert [r["Title"] for r in csv_rows(client.get(URL + "?kind=opportunity"))] == [
        "Reuse the old portal's login"
    ]
    assert [r["Title"] for r in csv_rows(client.get(URL + "?owner=member"))] == ["Vendor API late"]
    assert [r["Title"] for r in csv_rows(client.get(URL + "?category=technical"))] == [
        "Vendor API late"
    ]
    assert [r["Title"] for r in csv_rows(client.get(URL + "?search=vendor"))] == ["Vendor API late"]


def test_bad_filter_or_format_is_400(client, pm, risks):
    client.force_login(pm)
    assert client.get(URL + "?status=nonsense").status_code == 400
    assert client.get(URL + "?format=pdf").status_code == 400


def test_formulas_are_neutralised_in_csv_and_xlsx(client, pm, project):
    RiskFactory(
        project=project,
        title='=HYPERLINK("http://evil.example","click")',
        cause="+1+1",
        event="@SUM(A1)",
        effect="-2",
    )
    client.force_login(pm)
    row = csv_rows(client.get(URL))[0]
    assert row["Title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (row["Cause"], row["Event"], row["Effect"]) == ("'+1+1", "'@SUM(A1)", "'-2")
    sheet = xlsx_sheet(client.get(URL + "?format=xlsx"))
    title = sheet.cell(row=2, column=3)
    assert title.value.startswith("'=HYPERLINK") and title.data_type == "s"
    assert sheet.cell(row=2, column=4).value == "'+1+1"


def test_xlsx_has_typed_cells_bold_frozen_header_and_widths(client, pm, risks):
    main, _opportunity, _closed = risks
    client.force_login(pm)
    response = client.get(URL + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_sheet(response)
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Reference", "Register", "Title"] and len(header) == 29
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 40
    values = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert values["Reference"] == main.reference
    assert values["Proximity"] == datetime.datetime(2027, 3, 1)  # a real date cell
    assert sheet.cell(row=2, column=header.index("Proximity") + 1).is_date
    assert values["Inherent score"] == 16 and isinstance(values["Inherent score"], int)
    assert values["EMV"] == 20000 and values["Cost impact"] == 100000
    assert sheet.cell(row=2, column=header.index("EMV") + 1).number_format == "#,##0.00"
    assert values["Next review"] == datetime.datetime(2027, 1, 15) and sheet.max_row == 3


def test_program_export_rolls_up_its_projects(client, pm, project):
    program = ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    project.program = program
    project.save()
    RiskFactory(project=project, title="In the project")
    RiskFactory(project=None, program=program, title="The program's own")
    client.force_login(pm)
    rows = csv_rows(client.get("/programs/CX/risks/export/"))
    assert {(r["Register"], r["Title"]) for r in rows} == {
        ("PRJ-0042", "In the project"),
        ("CX", "The program's own"),
    }


@pytest.mark.parametrize("persona", ["executive", "member", "resource_manager", "other_pm"])
def test_readers_may_export(client, persona, risks, other_project, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 200
    assert client.get(URL + "?format=xlsx").status_code == 200


def test_outsider_gets_404(client, outsider, risks):
    client.force_login(outsider)
    assert client.get(URL).status_code == 404


def _bulk(project, n):
    category = RiskCategory.objects.get(code="technical")
    owner = project.project_manager
    Risk.objects.bulk_create(
        Risk(
            project=project,
            number=i,
            reference=f"PRJ-0042-R{i:04d}",
            title=f"Risk {i}",
            cause="=cause",
            category=category,
            owner=owner,
            escalated_to=owner,
            status="assessed",
            inherent_probability=1 + i % 5,
            inherent_impact=1 + (i // 5) % 5,
            inherent_score=(1 + i % 5) * (1 + (i // 5) % 5),
            current_score=(1 + i % 5) * (1 + (i // 5) % 5),
            cost_impact=Decimal("1000.00"),
            proximity_date=datetime.date(2027, 1, 1),
        )
        for i in range(1, n + 1)
    )


def test_export_of_2000_risks_has_bounded_queries(
    client, pm, project, django_assert_max_num_queries
):
    _bulk(project, 2000)
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(URL + "?format=csv")
        rows = csv_rows(response)
    assert len(rows) == 2000
    with django_assert_max_num_queries(12):
        response = client.get(URL + "?format=xlsx")
    assert xlsx_sheet(response).max_row == 2001
