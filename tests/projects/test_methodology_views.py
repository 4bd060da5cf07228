"""Methodology library pages: list and filters, reading, templates, PMO writing and publishing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import MethodDocument
from projects.selectors.methodology import documents_for_stage
from tests.projects.factories_gates import MethodDocumentFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def doc_url(doc, name="methodology_doc"):
    return reverse(f"projects:{name}", args=[doc.slug])


def form_data(**overrides):
    values = {
        "title": "Writing SMART objectives",
        "slug": "smart-objectives",
        "kind": "handbook",
        "stage": "initiation",
        "summary": "Specific, measurable, achievable, relevant, time-bound.",
        "body": "# SMART\n\nEach objective has a metric.",
    }
    values.update(overrides)
    return values


# --- Reading -------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("projects:methodology"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_readers_see_published_documents_only(client, member):
    published = MethodDocumentFactory(title="Status report guide")
    hidden = MethodDocumentFactory(title="Draft standard", is_published=False)
    client.force_login(member)
    response = client.get(reverse("projects:methodology"))
    assert response.status_code == 200
    assert list(response.context["documents"]) == [published]
    assert client.get(doc_url(published)).status_code == 200
    assert client.get(doc_url(hidden)).status_code == 404


def test_pmo_sees_unpublished_documents_marked(client, pmo_staff):
    hidden = MethodDocumentFactory(title="Draft standard", is_published=False)
    client.force_login(pmo_staff)
    response = client.get(reverse("projects:methodology"))
    assert list(response.context["documents"]) == [hidden]
    page = client.get(doc_url(hidden))
    assert page.status_code == 200
    assert b'data-testid="unpublished"' in page.content


def test_filters_by_stage_and_kind(client, member):
    planning = MethodDocumentFactory(title="Budget standard", stage="planning", kind="standard")
    general = MethodDocumentFactory(title="Glossary", stage="", kind="handbook")
    MethodDocumentFactory(title="Charter template", stage="initiation", kind="template")
    client.force_login(member)
    listed = lambda **q: {  # noqa: E731
        d.title for d in client.get(reverse("projects:methodology"), q).context["documents"]
    }
    assert listed(stage="planning") == {planning.title, general.title}
    assert listed(stage="all") == {general.title}
    assert listed(kind="standard") == {planning.title}
    assert listed(stage="planning", kind="handbook") == {general.title}
    assert listed(q="glossary") == {general.title}


def test_unknown_filter_value_is_400(client, member):
    MethodDocumentFactory()
    client.force_login(member)
    response = client.get(reverse("projects:methodology"), {"stage": "party"})
    assert response.status_code == 400
    assert "stage" in response.context["filter_form"].errors


def test_csv_export_lists_what_the_reader_may_see(client, member):
    MethodDocumentFactory(title="Visible")
    MethodDocumentFactory(title="Hidden", is_published=False)
    client.force_login(member)
    response = client.get(reverse("projects:methodology"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Visible" in body and "Hidden" not in body


def test_document_body_is_rendered_and_sanitised(client, member):
    doc = MethodDocumentFactory(
        body="## Steps\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[bad](javascript:alert(1)) and **good**"
    )
    client.force_login(member)
    html = client.get(doc_url(doc)).content.decode()
    assert '<h3 id="md-steps" class="h5">Steps</h3>' in html
    assert "<strong>good</strong>" in html
    assert "alert(1)" not in html
    assert "onerror" not in html


@pytest.mark.parametrize("n", [3, 80])
def test_library_query_count_does_not_grow(client, member, n, django_assert_max_num_queries):
    for _ in range(n):
        MethodDocumentFactory()
    client.force_login(member)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("projects:methodology")).status_code == 200


def test_document_page_query_count(client, pmo_staff, django_assert_max_num_queries):
    doc = MethodDocumentFactory()
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(6):
        assert client.get(doc_url(doc)).status_code == 200


# --- Template files ------------------------------------------------------------------------
def test_attachment_downloads_as_a_file(client, member, media):
    doc = MethodDocumentFactory(kind="template")
    doc.attachment.save("risk-register.csv", SimpleUploadedFile("x.csv", b"Risk,Owner\n"))
    client.force_login(member)
    response = client.get(doc_url(doc, "methodology_attachment"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"Risk,Owner\n"


def test_attachment_of_an_unpublished_document_is_404_for_readers(client, member, pmo_staff):
    doc = MethodDocumentFactory(is_published=False)
    doc.attachment.save("plan.txt", SimpleUploadedFile("plan.txt", b"x"))
    client.force_login(member)
    assert client.get(doc_url(doc, "methodology_attachment")).status_code == 404
    client.force_login(pmo_staff)
    assert client.get(doc_url(doc, "methodology_attachment")).status_code == 200


def test_document_without_attachment_has_no_download(client, member):
    doc = MethodDocumentFactory()
    client.force_login(member)
    assert client.get(doc_url(doc, "methodology_attachment")).status_code == 404


# --- Writing (PMO staff) -------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["pm", "executive", "member"])
def test_others_cannot_write_or_publish(client, db, request, persona):
    doc = MethodDocumentFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("projects:methodology_create")).status_code == 403
    assert client.post(reverse("projects:methodology_create"), form_data()).status_code == 403
    assert client.get(doc_url(doc, "methodology_edit")).status_code == 403
    response = client.post(doc_url(doc, "methodology_publish"), {"action": "unpublish"})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert doc.is_published
    assert MethodDocument.objects.count() == 1


def test_pmo_creates_an_unpublished_document_with_a_template_file(client, pmo_staff):
    client.force_login(pmo_staff)
    upload = SimpleUploadedFile("charter-template.docx", b"PK\x03\x04 fake docx")
    response = client.post(
        reverse("projects:methodology_create"), {**form_data(), "attachment": upload}
    )
    assert response.status_code == 302
    doc = MethodDocument.objects.get()
    assert response.url == doc_url(doc)
    assert (doc.is_published, doc.created_by, doc.version) == (False, pmo_staff, 1)
    assert doc.attachment.name.endswith(".docx")


def test_pmo_publishes_and_withdraws(client, pmo_staff, member):
    doc = MethodDocumentFactory(is_published=False)
    client.force_login(pmo_staff)
    assert (
        client.post(doc_url(doc, "methodology_publish"), {"action": "publish"}).status_code == 302
    )
    client.force_login(member)
    assert client.get(doc_url(doc)).status_code == 200
    client.force_login(pmo_staff)
    response = client.post(doc_url(doc, "methodology_publish"), {"action": "unpublish"})
    assert response.status_code == 302
    client.force_login(member)
    assert client.get(doc_url(doc)).status_code == 404
    doc.refresh_from_db()
    assert [h.history_change_reason for h in doc.history.order_by("history_date")][-2:] == [
        "Published",
        "Withdrawn",
    ]


def test_an_empty_document_cannot_be_published(client, pmo_staff):
    doc = MethodDocumentFactory(body="", is_published=False)
    client.force_login(pmo_staff)
    response = client.post(doc_url(doc, "methodology_publish"), {"action": "publish"})
    assert response.status_code == 400
    assert "before publishing" in response.content.decode()
    doc.refresh_from_db()
    assert not doc.is_published


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"slug": "Not A Slug!"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"kind": "poem"}, "kind"),
        ({"stage": "party"}, "stage"),
        ({"body": "x" * 100_001}, "body"),
    ],
)
def test_bad_document_is_refused_keeping_the_input(client, pmo_staff, overrides, field):
    client.force_login(pmo_staff)
    response = client.post(reverse("projects:methodology_create"), form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["form"]["summary"].value() == form_data()["summary"]
    assert not MethodDocument.objects.exists()


def test_taken_address_is_refused(client, pmo_staff):
    MethodDocumentFactory(slug="smart-objectives")
    client.force_login(pmo_staff)
    response = client.post(reverse("projects:methodology_create"), form_data())
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "run.exe", "script.js"])
def test_dangerous_file_types_are_refused(client, pmo_staff, name):
    client.force_login(pmo_staff)
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>")
    response = client.post(
        reverse("projects:methodology_create"), {**form_data(), "attachment": upload}
    )
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors


def test_stale_edit_is_409(client, pmo_staff):
    doc = MethodDocumentFactory(slug="guide", version=1)
    client.force_login(pmo_staff)
    data = form_data(slug="guide", version=1)
    assert (
        client.post(doc_url(doc, "methodology_edit"), {**data, "summary": "First"}).status_code
        == 302
    )
    response = client.post(doc_url(doc, "methodology_edit"), {**data, "title": "Second"})
    assert response.status_code == 409
    doc.refresh_from_db()
    assert (doc.summary, doc.title) == ("First", "Writing SMART objectives")


# --- Project page links --------------------------------------------------------------------
def test_documents_for_stage_puts_the_stage_first_then_general_ones(db):
    general = MethodDocumentFactory(title="A glossary", stage="")
    specific = MethodDocumentFactory(title="Z budget standard", stage="planning")
    MethodDocumentFactory(title="Charter template", stage="initiation")
    MethodDocumentFactory(title="Unpublished", stage="planning", is_published=False)
    assert documents_for_stage("planning") == [specific, general]


def test_stage_links_include_renders_links_for_the_project_stage(
    project, django_assert_num_queries
):
    doc = MethodDocumentFactory(title="Writing SMART objectives", stage="initiation")
    with django_assert_num_queries(1):
        stage_documents = documents_for_stage(project.stage)
    html = render_to_string(
        "projects/methodology/_stage_links.html",
        {"project": project, "stage_documents": stage_documents},
    )
    assert doc_url(doc) in html
    assert "?stage=initiation" in html
