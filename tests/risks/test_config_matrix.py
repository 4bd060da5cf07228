"""The matrix page: everyone reads what the scores mean; PMO staff edit levels and bands in
one form, checked for gaps and overlaps, with an optimistic lock; band changes move the
review dates of open risks."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from risks.models import Axis, MatrixLevel, Risk, RiskAppetite, ScoreBand
from risks.services import config as services
from tests.factories import UserFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/risks/matrix/"


def _value(value) -> str:
    return "" if value is None else str(value)


def matrix_post(**overrides) -> dict:
    """The form as the edit page would post it, unchanged, with ``overrides`` applied.

    Keys of ``overrides`` name a row and a field: ``"probability-3-label"``,
    ``"band-high-min_score"`` (by band code), ``"new-label"`` for the blank band row.
    """
    data = {}
    for level in MatrixLevel.objects.all():
        prefix = f"level-{level.pk}"
        data[f"{prefix}-version"] = str(level.version)
        for field in services.LEVEL_FIELDS[level.axis]:
            data[f"{prefix}-{field}"] = _value(getattr(level, field))
    for band in ScoreBand.objects.all():
        prefix = f"band-{band.pk}"
        data[f"{prefix}-version"] = str(band.version)
        for field in services.BAND_FIELDS:
            data[f"{prefix}-{field}"] = _value(getattr(band, field))
    data["band-new-colour"] = "#6c757d"
    for key, value in overrides.items():
        kind, _sep, rest = key.partition("-")
        if kind in (Axis.PROBABILITY, Axis.IMPACT):
            value_text, _sep, field = rest.partition("-")
            level = MatrixLevel.objects.get(axis=kind, value=int(value_text))
            data[f"level-{level.pk}-{field}"] = value
        elif kind == "band":
            code, _sep, field = rest.partition("-")
            band = ScoreBand.objects.get(code=code)
            data[f"band-{band.pk}-{field}"] = value
        elif kind == "new":
            data[f"band-new-{rest}"] = value
        else:
            raise KeyError(key)
    return data


def band_field(code: str, field: str) -> str:
    return f"band-{ScoreBand.objects.get(code=code).pk}-{field}"


# --- Reading ---------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["pmo_staff", "pm", "executive", "member", "outsider"])
def test_everyone_reads_the_matrix(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="matrix-grid"' in html
    assert "Almost certain" in html and "70–100%" in html  # probability with its range
    assert "250,000–1,000,000" in html  # impact cost range
    assert "Critical" in html and "7 days" in html  # band with its cadence
    assert ('data-testid="edit-matrix"' in html) == (persona == "pmo_staff")


def test_grid_cells_show_score_and_band_colour(client, pm):
    client.force_login(pm)
    html = client.get(URL).content.decode()
    # 5 x 5 = 25, critical; 1 x 1 = 1, low.
    assert (
        'style="background-color: #dc3545; color: #fff" data-score="25" data-band="critical"'
        in html
    )
    assert 'data-score="1" data-band="low"' in html
    assert html.count("data-score=") == 25


@pytest.mark.parametrize("persona", ["pm", "executive", "member"])
def test_only_pmo_staff_open_or_post_the_form(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL + "?edit=1").status_code == 403
    assert client.post(URL, matrix_post(**{"probability-1-label": "X"})).status_code == 403
    assert not MatrixLevel.objects.filter(label="X").exists()


def test_matrix_page_query_count(client, pm, project, django_assert_max_num_queries):
    Risk.objects.bulk_create(_risks(project, 2000))
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_edit_form_query_count(client, pmo_staff, django_assert_max_num_queries):
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(8):
        assert client.get(URL + "?edit=1").status_code == 200


# --- Saving ----------------------------------------------------------------------------------
def test_pmo_saves_labels_ranges_and_bands_with_history(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        URL,
        matrix_post(
            **{
                "probability-3-label": "Even odds",
                "probability-3-probability_max": "45",
                "probability-4-probability_min": "45",
                "impact-2-cost_max": "60000",
                "band-high-colour": "#ff8800",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    level = MatrixLevel.objects.get(axis="probability", value=3)
    assert level.label == "Even odds" and level.probability_max == 45
    assert level.version == 2
    entry = level.history.latest()
    assert entry.history_user == pmo_staff
    assert entry.history_change_reason == "Risk matrix updated"
    assert ScoreBand.objects.get(code="high").colour == "#ff8800"
    # Rows nobody changed keep their version and get no history entry.
    untouched = MatrixLevel.objects.get(axis="probability", value=1)
    assert untouched.version == 1 and untouched.history.count() <= 1


def rendered_form(client) -> dict:
    """What the browser posts back from the edit page (text, hidden and colour inputs)."""
    html = client.get(URL + "?edit=1").content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            data[name.group(1)] = value.group(1) if value else ""
    return data


def test_the_rendered_form_posts_back_with_every_rows_version(client, pmo_staff):
    client.force_login(pmo_staff)
    data = rendered_form(client)
    band = ScoreBand.objects.get(code="medium")
    assert data[f"band-{band.pk}-version"] == "1"
    data[f"band-{band.pk}-max_score"] = "8"
    response = client.post(URL, data)
    assert response.status_code == 400  # a gap, not a stale save
    data[f"band-{band.pk}-label"] = "Moderate"
    data[f"band-{band.pk}-max_score"] = "9"
    assert client.post(URL, data).status_code == 302
    assert ScoreBand.objects.get(code="medium").label == "Moderate"


def test_unchanged_save_changes_nothing(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(URL, matrix_post(), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not MatrixLevel.objects.filter(version__gt=1).exists()


def test_gap_between_bands_is_refused_at_the_field(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(URL, matrix_post(**{"band-medium-max_score": "8"}))
    assert response.status_code == 400
    html = response.content.decode()
    # The next band's lowest score is where the gap shows.
    assert f'data-field="{band_field("high", "min_score")}"' in html
    assert "Score 9 is in no band" in html
    assert ScoreBand.objects.get(code="medium").max_score == 9  # nothing saved
    assert 'value="8"' in html  # the input is kept


def test_overlapping_bands_are_refused_and_nothing_saved(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        URL,
        matrix_post(**{"band-high-min_score": "8", "probability-1-label": "Very rare"}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-field="{band_field("high", "min_score")}"' in html
    assert "Scores 8-9 are in two bands" in html
    assert MatrixLevel.objects.get(axis="probability", value=1).label == "Rare"


def test_bands_must_reach_25(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(URL, matrix_post(**{"band-critical-max_score": "20"}))
    assert response.status_code == 400
    assert f'data-field="{band_field("critical", "max_score")}"' in response.content.decode()


def test_models_clean_reports_at_the_field(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        URL,
        matrix_post(
            **{
                "probability-2-probability_min": "40",
                "probability-2-probability_max": "20",
                "band-low-colour": "red",
            }
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    level = MatrixLevel.objects.get(axis="probability", value=2)
    assert f'data-field="level-{level.pk}-probability_max"' in html
    assert "The range must lie between 0 and 100%" in html
    assert f'data-field="{band_field("low", "colour")}"' in html


def test_bad_number_is_400_with_input_kept(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(URL, matrix_post(**{"impact-3-days_max": "lots"}))
    assert response.status_code == 400
    assert 'value="lots"' in response.content.decode()


def test_add_and_remove_a_band(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        URL,
        matrix_post(
            **{
                "band-critical-min_score": "16",
                "band-critical-max_score": "19",
                "new-label": "Extreme",
                "new-min_score": "20",
                "new-max_score": "25",
                "new-colour": "#6f42c1",
                "new-review_every_days": "3",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    extreme = ScoreBand.objects.get(code="extreme")
    assert (extreme.min_score, extreme.max_score, extreme.review_every_days) == (20, 25, 3)
    assert extreme.history.get().history_user == pmo_staff
    response = client.post(
        URL,
        matrix_post(
            **{
                "band-critical-max_score": "25",
                "band-extreme-delete": "on",
            }
        ),
    )
    assert response.status_code == 302
    assert not ScoreBand.objects.filter(code="extreme").exists()


def test_stale_save_is_409_and_keeps_the_input(client, pmo_staff):
    client.force_login(pmo_staff)
    data = matrix_post(**{"probability-1-label": "Hardly ever"})
    # Meanwhile a colleague changes a band and another level.
    colleague = UserFactory(username="colleague", roles=["pmo"])
    other = Client()
    other.force_login(colleague)
    response = other.post(
        URL,
        matrix_post(**{"band-medium-review_every_days": "21", "impact-5-label": "Catastrophic"}),
    )
    assert response.status_code == 302

    response = client.post(URL, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="stale-warning"' in html
    assert 'value="Hardly ever"' in html  # the user's input is kept
    assert 'value="Catastrophic"' in html  # fields they left alone show the new value
    assert MatrixLevel.objects.get(axis="probability", value=1).label == "Rare"
    # Saving the re-rendered form again is a deliberate second save, and it wins.
    response = client.post(
        URL,
        matrix_post(**{"probability-1-label": "Hardly ever"}),
    )
    assert response.status_code == 302
    assert MatrixLevel.objects.get(axis="probability", value=1).label == "Hardly ever"
    assert ScoreBand.objects.get(code="medium").review_every_days == 21


def test_band_added_meanwhile_makes_the_save_stale(client, pmo_staff):
    client.force_login(pmo_staff)
    data = matrix_post(**{"probability-1-label": "Hardly ever"})
    ScoreBand.objects.create(
        code="extra",
        label="Extra",
        min_score=25,
        max_score=25,
        colour="#000000",
        review_every_days=1,
    )
    response = client.post(URL, data)
    assert response.status_code == 409
    assert 'value="Extra"' in response.content.decode()


# --- Cadence recomputed --------------------------------------------------------------------
def _risks(project, n, **extra):
    today = timezone.localdate()
    return [
        Risk(
            project=project,
            number=i + 1,
            reference=f"{project.code}-R{i + 1:04d}",
            title=f"Risk {i}",
            status="assessed",
            inherent_probability=3,
            inherent_impact=2,
            inherent_score=6,
            current_score=6,
            next_review_on=today + datetime.timedelta(days=30),
            owner=project.project_manager,
            **extra,
        )
        for i in range(n)
    ]


def test_band_cadence_change_moves_next_reviews_of_open_risks(client, pmo_staff, project):
    reviewed = RiskFactory(project=project, inherent_probability=3, inherent_impact=2)
    reviewed.last_reviewed_on = timezone.localdate() - datetime.timedelta(days=10)
    reviewed.next_review_on = reviewed.last_reviewed_on + datetime.timedelta(days=30)
    reviewed.save()
    fresh = RiskFactory(project=project, inherent_probability=2, inherent_impact=3)
    created = timezone.localdate() - datetime.timedelta(days=5)
    fresh.next_review_on = created + datetime.timedelta(days=30)
    fresh.save()
    closed = RiskFactory(
        project=project, status="closed", inherent_probability=2, inherent_impact=3
    )
    closed_next = closed.next_review_on

    client.force_login(pmo_staff)
    response = client.post(URL, matrix_post(**{"band-medium-review_every_days": "14"}))
    assert response.status_code == 302
    reviewed.refresh_from_db()
    fresh.refresh_from_db()
    closed.refresh_from_db()
    assert reviewed.next_review_on == reviewed.last_reviewed_on + datetime.timedelta(days=14)
    # An unreviewed risk keeps counting from the same day, now with the new cadence.
    assert fresh.next_review_on == created + datetime.timedelta(days=14)
    assert closed.next_review_on == closed_next
    entry = reviewed.history.latest()
    assert entry.history_user == pmo_staff
    assert "score bands changed" in entry.history_change_reason


def test_band_ranges_change_moves_a_risk_to_another_cadence(pmo_staff, project):
    risk = RiskFactory(project=project, inherent_probability=3, inherent_impact=3)  # 9: medium
    risk.last_reviewed_on = timezone.localdate()
    risk.save()
    levels = [{"pk": lv.pk, "version": lv.version} for lv in MatrixLevel.objects.all()]
    bands = [
        {
            "pk": b.pk,
            "version": b.version,
            **{f: getattr(b, f) for f in services.BAND_FIELDS},
        }
        for b in ScoreBand.objects.all()
    ]
    for row in bands:
        if row["label"] == "Medium":
            row["max_score"] = 8
        if row["label"] == "High":
            row["min_score"] = 9
    result = services.matrix_save(by=pmo_staff, levels=levels, bands=bands)
    assert result.risks_updated >= 1
    risk.refresh_from_db()
    assert risk.next_review_on == risk.last_reviewed_on + datetime.timedelta(days=14)  # high


def test_recompute_after_band_change_has_bounded_queries(
    client, pmo_staff, project, other_project, django_assert_max_num_queries
):
    Risk.objects.bulk_create(_risks(project, 1000))
    Risk.objects.bulk_create(
        [
            Risk(
                project=other_project,
                number=i + 1,
                reference=f"{other_project.code}-R{i + 1:04d}",
                title=f"Big {i}",
                status="monitoring",
                inherent_probability=5,
                inherent_impact=4,
                inherent_score=20,
                current_score=20,
            )
            for i in range(1000)
        ]
    )
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=15)
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(80):
        response = client.post(URL, matrix_post(**{"band-medium-review_every_days": "14"}))
    assert response.status_code == 302
    assert Risk.objects.filter(next_review_on__isnull=False).count() == 2000
    # The 1,000 risks above appetite were escalated on the way (to the portfolio owner).
    assert Risk.objects.filter(escalated_to=project.portfolio.owner).count() == 1000


def test_service_refuses_non_pmo(pm):
    with pytest.raises(PermissionDenied):
        services.matrix_save(by=pm, levels=[], bands=[])


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
