"""Importing risks from CSV: a preview with every row's problems, nothing saved until a
clean file is confirmed, then all rows in one transaction with references; managers only."""

import codecs
import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from risks.models import Risk, RiskCategory
from risks.services import exchange
from tests.factories import ProgramFactory, UserFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/projects/PRJ-0042/risks/import/"
CONFIRM = "/projects/PRJ-0042/risks/import/confirm/"
HEADER = [
    "Title", "Category", "Type", "Owner", "Inherent P", "Inherent I", "Residual P",
    "Residual I", "Cost impact", "Proximity", "Strategy", "Status",
]  # fmt: skip


def make_csv(rows, header=HEADER, *, bom=False, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    return codecs.BOM_UTF8 + data if bom else data


def upload(client, data: bytes, name="risks.csv", url=URL):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def token_of(response) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode())
    assert match, "no confirm form on the preview"
    return match.group(1)


GOOD = [
    ["Vendor API late", "technical", "threat", "pm", "3", "4", "2", "3", "120000.00",
     "2027-03-01", "mitigate", ""],
    ["Key people leave", "Resource", "Threat", "member@example.com", "2", "5", "", "", "", "",
     "", "identified"],
    ["Reuse the login", "", "opportunity", "", "", "", "", "", "", "", "exploit", ""],
]  # fmt: skip


@pytest.fixture
def emails(pm, member):
    pm.email, member.email = "pm@example.com", "member@example.com"
    pm.save()
    member.save()


def test_good_file_previews_then_creates_risks_with_references(client, pm, project, emails):
    RiskFactory(project=project)  # R01 exists: the import numbers on from it
    client.force_login(pm)
    response = upload(client, make_csv(GOOD, bom=True))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-preview"' in html and "3 risks read" in html
    assert Risk.objects.count() == 1  # nothing saved by the preview
    response = client.post(CONFIRM, {"token": token_of(response)})
    assert response.status_code == 302
    risks = {r.title: r for r in Risk.objects.filter(title__in=[row[0] for row in GOOD])}
    assert sorted(r.reference for r in risks.values()) == [
        "PRJ-0042-R02",
        "PRJ-0042-R03",
        "PRJ-0042-R04",
    ]
    vendor = risks["Vendor API late"]
    assert vendor.category.code == "technical" and vendor.owner == pm
    assert (vendor.inherent_score, vendor.residual_score) == (12, 6)
    # Assessed with a response strategy: risk_create starts it as responding.
    assert vendor.status == "responding" and vendor.strategy == "mitigate"
    assert (
        str(vendor.cost_impact) == "120000.00" and vendor.proximity_date.isoformat() == "2027-03-01"
    )
    assert vendor.next_review_on is not None  # the rules ran
    assert vendor.history.get().history_user == pm
    people = risks["Key people leave"]
    assert people.owner.username == "member" and people.category.code == "resource"
    assert people.status == "identified"
    assert risks["Reuse the login"].kind == "opportunity"
    # The preview is used up: confirming twice is refused.
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 400


def test_bad_rows_are_listed_with_row_numbers_and_nothing_is_saved(client, pm, project, outsider):
    client.force_login(pm)
    rows = [
        GOOD[0],
        ["", "technical", "threat", "pm", "3", "4", "", "", "", "", "", ""],
        ["Too big", "technical", "threat", "pm", "3", "7", "", "", "", "", "", ""],
        ["Odd category", "weather", "threat", "pm", "", "", "", "", "", "", "", ""],
        ["Wrong owner", "", "threat", "outsider", "", "", "", "", "", "", "", ""],
        ["Nobody", "", "threat", "ghost", "", "", "", "", "", "", "", ""],
        ["Bad date", "", "risk", "", "", "", "", "", "lots", "01/03/2027", "", "closed"],
        ["Half", "", "threat", "", "3", "", "", "", "", "", "", ""],
        ["Wrong strategy", "", "opportunity", "", "", "", "", "", "", "", "avoid", ""],
    ]
    response = upload(client, make_csv(rows))
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Row 3, title: A title is required.",
        "Row 4, inherent impact: 7 is outside the matrix (1-5)",
        "Row 5, category: “weather” is not a category",
        "Row 6, owner: The owner must be the project manager, the sponsor or on the team.",
        "Row 7, owner: Nobody has the username or e-mail “ghost”.",
        "Row 8, type: “risk” is not threat or opportunity.",
        "Row 8, cost impact: “lots” is not an amount",
        "Row 8, proximity: “01/03/2027” is not a date as YYYY-MM-DD.",
        "Row 8, status: “closed” cannot be imported",
        "Row 9, inherent impact: Give both the probability and the impact, or neither.",
        "Row 10, strategy: Avoid is not a strategy for a opportunity.",
    ):
        assert message in html, message
    assert 'data-testid="confirm-import"' not in html
    assert not Risk.objects.exists()
    # Nothing waits in the session to be confirmed.
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 400
    assert not Risk.objects.exists()


def test_a_file_whose_rows_all_fail_is_refused(client, pm, project):
    client.force_login(pm)
    response = upload(client, make_csv([["", "nope", "x", "", "9", "9"] + [""] * 6]))
    assert response.status_code == 400
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The submitted file is empty"),
        (b"Name,Owner\nx,pm\n", "No header row with a Title column"),
        (b"PK\x03\x04rest", "spreadsheet workbook"),
        ("Title\nCaf\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"Title,Owner\n", "no risks under it"),
    ],
)
def test_unusable_files_are_refused_at_the_field(client, pm, project, data, message):
    client.force_login(pm)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_too_large_a_file_is_refused(client, pm, project, monkeypatch):
    monkeypatch.setattr("risks.forms.exchange.MAX_UPLOAD_BYTES", 100)
    client.force_login(pm)
    response = upload(client, make_csv([["x" * 200]], header=["Title"]))
    assert response.status_code == 400
    assert "the most accepted is" in response.content.decode()


def test_semicolons_bom_and_export_round_trip(client, pm, project, emails):
    RiskFactory(
        project=project,
        title="=cmd|' /C calc'!A0",
        category=RiskCategory.objects.get(code="legal"),
        inherent_probability=2,
        inherent_impact=2,
    )
    client.force_login(pm)
    exported = b"".join(client.get("/projects/PRJ-0042/risks/export/").streaming_content)
    text = exported.decode("utf-8")
    semicolons = text.replace(",", ";").encode("utf-8")  # no commas inside these cells
    response = upload(client, semicolons)
    assert response.status_code == 200, response.content.decode()[-3000:]
    assert "Columns not read:" in response.content.decode()
    client.post(CONFIRM, {"token": token_of(response)})
    copy = Risk.objects.get(reference="PRJ-0042-R02")
    assert copy.title == "=cmd|' /C calc'!A0"  # the export's apostrophe is removed again
    assert copy.category.code == "legal" and copy.current_score == 4


def test_stale_or_tampered_confirm_is_400(client, pm, project):
    client.force_login(pm)
    response = upload(client, make_csv([GOOD[0]]))
    token = token_of(response)
    assert client.post(CONFIRM, {"token": "f" * 32}).status_code == 400
    assert client.post(CONFIRM, {}).status_code == 400
    assert not Risk.objects.exists()
    # Another manager cannot confirm the PM's preview.
    other = UserFactory(username="boss", roles=["pmo"])
    client.force_login(other)
    assert client.post(CONFIRM, {"token": token}).status_code == 400
    assert not Risk.objects.exists()


def test_owner_who_left_the_team_after_the_preview_refuses_the_whole_file(
    client, pm, project, member
):
    client.force_login(pm)
    rows = [GOOD[0], ["Second", "", "threat", "member", "", "", "", "", "", "", "", ""]]
    response = upload(client, make_csv(rows))
    token = token_of(response)
    project.memberships.filter(user=member).delete()
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert "Row 3:" in response.content.decode()
    assert not Risk.objects.exists()  # the first row was rolled back too


@pytest.mark.parametrize("persona", ["member", "executive", "other_pm", "resource_manager"])
def test_only_managers_import(client, persona, project, other_project, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert upload(client, make_csv([GOOD[2]])).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403
    assert not Risk.objects.exists()


def test_closed_project_refuses_imports(client, pm, project):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = upload(client, make_csv([GOOD[2]]))
    assert response.status_code == 400
    assert not Risk.objects.exists()


def test_template_has_the_columns_and_an_example_that_imports(client, pm, project):
    client.force_login(pm)
    response = client.get(URL + "?template=1")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [c.header for c in exchange.IMPORT_COLUMNS] and len(rows) == 2
    response = upload(client, response.content)
    assert response.status_code == 200, response.content.decode()[-2000:]
    client.post(CONFIRM, {"token": token_of(response)})
    assert Risk.objects.get().owner == pm


def test_program_register_import(client, pm, project):
    ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    client.force_login(pm)
    response = upload(client, make_csv([GOOD[2]]), url="/programs/CX/risks/import/")
    assert response.status_code == 200
    response = client.post("/programs/CX/risks/import/confirm/", {"token": token_of(response)})
    assert response.status_code == 302
    assert Risk.objects.get().reference == "CX-R01"


def test_preview_of_2000_rows_has_bounded_queries(
    client, pm, project, emails, django_assert_max_num_queries
):
    rows = [
        [f"Risk {i}", "technical", "threat", "pm" if i % 2 else "member@example.com",
         str(1 + i % 5), str(1 + i % 4), "", "", "1000", "2027-01-01", "mitigate", ""]
        for i in range(2000)
    ]  # fmt: skip
    client.force_login(pm)
    with django_assert_max_num_queries(25):
        response = upload(client, make_csv(rows))
    assert response.status_code == 200
    assert "2000 risks read" in response.content.decode()


def test_confirm_queries_grow_linearly(client, pm, project, django_assert_max_num_queries):
    """Each row goes through risk_create (validation, numbering, rules, history): about 30
    queries per row (measured 28; the matrix is read once per file), never a number that
    grows with the register."""
    rows = [[f"Risk {i}", "technical", "threat", "pm", "3", "3"] + [""] * 6 for i in range(50)]
    client.force_login(pm)
    token = token_of(upload(client, make_csv(rows)))
    with django_assert_max_num_queries(50 * 31 + 30):
        assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert Risk.objects.count() == 50
