"""Stage-gate pages: checklists (PMO), a project's reviews, recording, deciding; who may do what."""

import pytest
from django.urls import reverse

from projects.models import GateCriterion, GateReview, Stage
from projects.services.gates import gate_item_record, gate_review_decide, gate_review_open
from tests.projects.factories_gates import GateCriterionFactory, checklist


@pytest.fixture(autouse=True)
def _no_default_criteria(db):
    """These tests build their own checklists; a fresh install's defaults would mix in."""
    from projects.models import GateCriterion

    GateCriterion.objects.all().delete()


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def criteria(db):
    return checklist("initiation", "Charter approved", "Sponsor named")


@pytest.fixture
def review(pm, project, criteria):
    return gate_review_open(project=project, by=pm)


def gates_url(project):
    return reverse("projects:gates", args=[project.code])


def review_url(review):
    return reverse("projects:gate_review", args=[review.project.code, review.pk])


def item_url(item):
    return reverse(
        "projects:gate_item_record", args=[item.review.project.code, item.review_id, item.pk]
    )


def decide_url(review):
    return reverse("projects:gate_decide", args=[review.project.code, review.pk])


# --- Checklist templates -------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_the_checklists(client, db):
    response = client.get(reverse("projects:gate_criteria"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_pmo_sees_the_checklist_of_every_gate_but_closing(client, pmo_staff, criteria):
    client.force_login(pmo_staff)
    response = client.get(reverse("projects:gate_criteria"))
    assert response.status_code == 200
    assert [s["stage"] for s in response.context["stages"]] == [
        "initiation",
        "planning",
        "execution",
        "monitoring",
    ]
    assert "Charter approved" in response.content.decode()


@pytest.mark.parametrize("persona", ["pm", "executive", "member"])
def test_others_cannot_edit_checklists(client, request, criteria, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("projects:gate_criteria")).status_code == 403
    assert client.get(reverse("projects:gate_criterion_create")).status_code == 403
    assert (
        client.get(reverse("projects:gate_criterion_edit", args=[criteria[0].pk])).status_code
        == 403
    )
    response = client.post(
        reverse("projects:gate_criterion_action", args=[criteria[0].pk]), {"action": "deactivate"}
    )
    assert response.status_code == 403
    criteria[0].refresh_from_db()
    assert criteria[0].is_active


def test_pmo_adds_a_criterion_to_a_stage(client, pmo_staff):
    client.force_login(pmo_staff)
    page = client.get(reverse("projects:gate_criterion_create"), {"stage": "planning"})
    assert page.context["form"].initial["stage"] == "planning"
    response = client.post(
        reverse("projects:gate_criterion_create"),
        {
            "stage": "planning",
            "text": "RACI agreed",
            "guidance": "Shared with the team.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    criterion = GateCriterion.objects.get()
    assert (criterion.stage, criterion.text, criterion.is_active) == (
        "planning",
        "RACI agreed",
        True,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stage": "planning", "text": "  "}, "text"),
        ({"stage": "planning", "text": "x" * 301}, "text"),
        ({"stage": "closing", "text": "Archive everything"}, "stage"),
        ({"stage": "nowhere", "text": "Unknown stage"}, "stage"),
    ],
)
def test_bad_criterion_is_refused_with_a_message(client, pmo_staff, data, field):
    client.force_login(pmo_staff)
    response = client.post(reverse("projects:gate_criterion_create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not GateCriterion.objects.exists()


def test_pmo_edits_reorders_and_deactivates(client, pmo_staff, criteria):
    first, second = criteria
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:gate_criterion_edit", args=[first.pk]),
        {"stage": "initiation", "text": "Charter signed", "guidance": "", "is_active": "on"},
    )
    assert response.status_code == 302
    action = reverse("projects:gate_criterion_action", args=[second.pk])
    assert client.post(action, {"action": "up"}).status_code == 302
    assert list(
        GateCriterion.objects.filter(stage="initiation")
        .order_by("position")
        .values_list("text", flat=True)
    ) == ["Sponsor named", "Charter signed"]
    assert client.post(action, {"action": "deactivate"}).status_code == 302
    second.refresh_from_db()
    assert not second.is_active
    page = client.get(reverse("projects:gate_criterion_edit", args=[first.pk]))
    assert page.context["history"]


def test_unknown_checklist_action_is_a_bad_request(client, pmo_staff, criteria):
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:gate_criterion_action", args=[criteria[0].pk]), {"action": "explode"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("n", [2, 60])
def test_checklist_page_query_count_does_not_grow(
    client, pmo_staff, n, django_assert_max_num_queries
):
    for stage in ("initiation", "planning", "execution", "monitoring"):
        for i in range(n):
            GateCriterionFactory(stage=stage, text=f"{stage} {i}")
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("projects:gate_criteria")).status_code == 200


# --- A project's reviews -------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_the_gates_page(client, project):
    response = client.get(gates_url(project))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_member_reads_the_gates_page_without_the_open_button(client, member, project, criteria):
    client.force_login(member)
    response = client.get(gates_url(project))
    assert response.status_code == 200
    assert response.context["project_area"] == "gates"
    assert not response.context["can_open"]
    assert b'data-testid="open-review"' not in response.content


def test_outsider_gets_404_on_the_gates_page(client, outsider, project):
    client.force_login(outsider)
    assert client.get(gates_url(project)).status_code == 404


def test_pm_opens_a_review_from_the_gates_page(client, pm, project, criteria):
    client.force_login(pm)
    page = client.get(gates_url(project))
    assert page.context["can_open"]
    assert b'data-testid="open-review"' in page.content
    response = client.post(reverse("projects:gate_open", args=[project.code]))
    review = GateReview.objects.get(project=project)
    assert response.status_code == 302
    assert response.url == review_url(review)
    assert review.items.count() == 2


@pytest.mark.parametrize("persona", ["member", "executive", "other_pm"])
def test_readers_cannot_open_a_review(client, request, project, other_project, criteria, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("projects:gate_open", args=[project.code]))
    assert response.status_code == 403
    assert not GateReview.objects.exists()


def test_opening_from_closing_is_a_clear_400(client, pm, project, criteria):
    project.stage = Stage.CLOSING
    project.save()
    client.force_login(pm)
    response = client.post(reverse("projects:gate_open", args=[project.code]))
    assert response.status_code == 400
    assert "last stage" in response.content.decode()
    assert not GateReview.objects.exists()


def test_opening_twice_is_a_clear_400(client, pm, project, review):
    client.force_login(pm)
    response = client.post(reverse("projects:gate_open", args=[project.code]))
    assert response.status_code == 400
    assert "already has an open gate review" in response.content.decode()
    assert GateReview.objects.count() == 1


def test_review_page_shows_forms_by_role(client, pm, executive, member, review):
    client.force_login(pm)
    page = client.get(review_url(review))
    assert page.status_code == 200
    assert page.context["may_record"] and not page.context["may_decide"]
    client.force_login(executive)
    page = client.get(review_url(review))
    assert page.context["may_record"] and page.context["may_decide"]
    assert b'data-testid="decision-form"' in page.content
    client.force_login(member)
    page = client.get(review_url(review))
    assert not page.context["may_record"] and not page.context["may_decide"]


def test_review_of_another_project_is_404(client, pm, review, other_project):
    client.force_login(pm)
    url = reverse("projects:gate_review", args=[other_project.code, review.pk])
    assert client.get(url).status_code == 404


def test_recording_an_item_with_htmx_returns_the_row(client, pm, review):
    item = review.items.first()
    client.force_login(pm)
    prefix = f"item{item.pk}"
    response = client.post(
        item_url(item), {f"{prefix}-met": "yes", f"{prefix}-evidence": "Signed charter"}, **HTMX
    )
    assert response.status_code == 200
    assert f'id="item-{item.pk}"'.encode() in response.content
    assert b"Saved" in response.content
    item.refresh_from_db()
    assert (item.met, item.evidence) == (True, "Signed charter")


def test_recording_without_javascript_redirects_to_the_item(client, pm, review):
    item = review.items.first()
    client.force_login(pm)
    prefix = f"item{item.pk}"
    response = client.post(item_url(item), {f"{prefix}-met": "no", f"{prefix}-evidence": ""})
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")


@pytest.mark.parametrize("htmx", [True, False])
def test_met_without_evidence_is_a_400_keeping_the_input(client, pm, review, htmx):
    item = review.items.first()
    client.force_login(pm)
    prefix = f"item{item.pk}"
    extra = HTMX if htmx else {}
    response = client.post(
        item_url(item), {f"{prefix}-met": "yes", f"{prefix}-evidence": ""}, **extra
    )
    assert response.status_code == 400
    assert "Point to the evidence" in response.content.decode()
    item.refresh_from_db()
    assert item.met is None


def test_unknown_assessment_is_refused(client, pm, review):
    item = review.items.first()
    client.force_login(pm)
    prefix = f"item{item.pk}"
    response = client.post(item_url(item), {f"{prefix}-met": "perhaps"}, **HTMX)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.met is None


def test_over_long_evidence_is_refused(client, pm, review):
    item = review.items.first()
    client.force_login(pm)
    prefix = f"item{item.pk}"
    response = client.post(
        item_url(item), {f"{prefix}-met": "yes", f"{prefix}-evidence": "x" * 2001}, **HTMX
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.evidence == ""


def test_member_cannot_record(client, member, review):
    item = review.items.first()
    client.force_login(member)
    prefix = f"item{item.pk}"
    response = client.post(item_url(item), {f"{prefix}-met": "no"})
    assert response.status_code == 403


def test_go_with_unmet_items_is_a_400_listing_them(client, pm, executive, review, project):
    first = review.items.order_by("criterion__position").first()
    gate_item_record(item=first, by=pm, met=True, evidence="Signed")
    client.force_login(executive)
    response = client.post(decide_url(review), {"decision": "go", "notes": ""})
    assert response.status_code == 400
    errors = response.context["decision_form"].errors["decision"]
    assert "Sponsor named" in " ".join(errors)
    project.refresh_from_db()
    assert project.stage == "initiation"


def test_the_pm_cannot_decide(client, pm, review):
    for item in review.items.all():
        gate_item_record(item=item, by=pm, met=True, evidence="Done")
    client.force_login(pm)
    response = client.post(decide_url(review), {"decision": "go", "notes": ""})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.decision == ""


def test_sponsor_go_moves_the_stage_and_the_review_turns_read_only(
    client, pm, executive, review, project
):
    for item in review.items.all():
        gate_item_record(item=item, by=pm, met=True, evidence="Done")
    client.force_login(executive)
    response = client.post(decide_url(review), {"decision": "go", "notes": "Well prepared."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "planning"
    page = client.get(review_url(review))
    assert not page.context["may_record"] and not page.context["may_decide"]
    assert b"Go: move to the next stage" in page.content
    client.force_login(pm)
    item = review.items.first()
    prefix = f"item{item.pk}"
    response = client.post(item_url(item), {f"{prefix}-met": "no", f"{prefix}-evidence": ""})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    item.refresh_from_db()
    assert item.met is True


def test_hold_without_notes_is_a_400(client, executive, review):
    client.force_login(executive)
    response = client.post(decide_url(review), {"decision": "hold", "notes": ""})
    assert response.status_code == 400
    assert "notes" in response.context["decision_form"].errors


def test_unknown_decision_is_a_400(client, executive, review):
    client.force_login(executive)
    response = client.post(decide_url(review), {"decision": "maybe", "notes": "x"})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.decision == ""


@pytest.mark.parametrize("n", [2, 40])
def test_gates_page_query_count_does_not_grow_with_reviews(
    client, pm, executive, project, n, django_assert_max_num_queries
):
    checklist("initiation", "A", "B", "C")
    for _ in range(n):
        review = gate_review_open(project=project, by=pm)
        gate_review_decide(review=review, by=executive, decision="hold", notes="Again")
    client.force_login(pm)
    with django_assert_max_num_queries(10):
        assert client.get(gates_url(project)).status_code == 200


@pytest.mark.parametrize("n", [2, 60])
def test_review_page_query_count_does_not_grow_with_items(
    client, pm, executive, project, n, django_assert_max_num_queries
):
    checklist("initiation", *[f"Criterion {i}" for i in range(n)])
    review = gate_review_open(project=project, by=pm)
    for item in review.items.all():
        gate_item_record(item=item, by=pm, met=True, evidence="Proof")
    client.force_login(executive)
    with django_assert_max_num_queries(12):
        assert client.get(review_url(review)).status_code == 200
