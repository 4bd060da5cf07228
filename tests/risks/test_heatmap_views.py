"""The heat-map page and its cell drill-down: counts against a hand-made register (closed,
proposed and other finished risks left out), the rollup on programs and portfolios, the
cell lists, bad parameters and who may read what."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ProgramFactory, ProjectFactory
from tests.risks.factories import RiskFactory


def heatmap_url(kind, code):
    return reverse(f"risks:{kind}_heatmap", kwargs={"code": code})


def cell_url(kind, code, query=""):
    return reverse(f"risks:{kind}_heatmap_cell", kwargs={"code": code}) + query


def risk(register, status="assessed", p=None, i=None, rp=None, ri=None, **extra):
    """A risk in a project (a Project), or a program's/portfolio's own register."""
    kind = type(register).__name__.lower()
    where = {"project": None, kind: register}
    return RiskFactory(
        **where,
        status=status,
        inherent_probability=p,
        inherent_impact=i,
        residual_probability=rp,
        residual_impact=ri,
        owner=extra.pop("owner", None),
        **extra,
    )


@pytest.fixture
def scene(project, other_project, pm, other_pm):
    """The hand-made register.

    PRJ-0042 (pm; in program CX):    open: 4x4, 4x4 -> 2x3, 5x5 -> 3x3, unassessed;
                                     not open: proposed 5x5, closed 4x4, occurred 3x3,
                                     rejected 2x2
    PRJ-0043 (other_pm, not in CX):  open: 2x2 (GBP cost), closed 5x5
    program CX own register:         open: 1x5
    portfolio DIGITAL own register:  open: 3x4 -> 3x2
    """
    cx = ProgramFactory(code="CX", name="Customer experience", portfolio=project.portfolio)
    project.program = cx
    project.save(update_fields=["program"])
    rows = {
        "a": risk(project, "assessed", 4, 4, owner=pm, cost_impact=D("100000")),
        "b": risk(project, "responding", 4, 4, 2, 3, owner=pm, cost_impact=D("50000")),
        "c": risk(project, "monitoring", 5, 5, 3, 3, owner=pm),
        "d": risk(project, "identified"),
        "proposed": risk(project, "proposed", 5, 5),
        "closed": risk(project, "closed", 4, 4),
        "occurred": risk(project, "occurred", 3, 3),
        "rejected": risk(project, "rejected", 2, 2),
        "e": risk(
            other_project, "assessed", 2, 2, owner=other_pm, cost_impact=D("1000"), currency="GBP"
        ),
        "e_closed": risk(other_project, "closed", 5, 5),
        "f": risk(cx, "assessed", 1, 5),
        "g": risk(project.portfolio, "responding", 3, 4, 3, 2),
    }
    return rows


CELL = r'data-testid="cell-{basis}-{p}-{i}"[^>]*>\s*(.*?)\s*</td>'


def table_grid(html, basis):
    """{(p, i): count} for the non-zero cells of a heat map's data table."""
    import re

    grid = {}
    for p in range(1, 6):
        for i in range(1, 6):
            match = re.search(CELL.format(basis=basis, p=p, i=i), html, re.S)
            assert match, (basis, p, i)
            number = re.search(r'<span aria-hidden="true">(\d+)</span>', match.group(1))
            if number:
                grid[(p, i)] = int(number.group(1))
    return grid


def chart_counts(html, basis):
    """{(p, i): count} for the non-zero cells of the plotly figure's annotations."""
    start = html.index(f'<script id="heatmap-{basis}-data" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    figure = json.loads(payload)
    counts = {}
    for a in figure["layout"]["annotations"]:
        n = int(a["text"].replace("<b>", "").replace("</b>", ""))
        if n:
            counts[(a["y"], a["x"])] = n
    return counts


def refs(response):
    return [r.reference for r in response.context["risks"]]


# --- counts ----------------------------------------------------------------------------------
def test_project_heat_map_counts_open_risks_only_on_both_bases(client, pm, project, scene):
    client.force_login(pm)
    response = client.get(heatmap_url("project", "PRJ-0042"))
    assert response.status_code == 200
    html = response.content.decode()
    inherent = {(4, 4): 2, (5, 5): 1}  # proposed, closed, occurred, rejected left out
    residual = {(4, 4): 1, (2, 3): 1, (3, 3): 1}
    assert table_grid(html, "inherent") == inherent
    assert table_grid(html, "residual") == residual
    assert chart_counts(html, "inherent") == inherent
    assert chart_counts(html, "residual") == residual
    heat = response.context["heat"]
    assert (heat.open_count, heat.unassessed, heat.exposure) == (4, 1, 16 + 6 + 9)
    # EMV of the current probability: 0.6 x 100,000 + 0.2 x 50,000.
    assert heat.emv == {"EUR": D("70000.00")}
    assert 'data-testid="emv-EUR">70,000.00 EUR' in html
    assert "1 not assessed yet" in html
    assert response.context["breakdown"] is None


def test_table_counts_link_to_their_cell_with_htmx_and_without(client, pm, project, scene):
    client.force_login(pm)
    html = client.get(heatmap_url("project", "PRJ-0042")).content.decode()
    url = cell_url("project", "PRJ-0042", "?basis=inherent&amp;p=4&amp;i=4")
    assert f'href="{url}" hx-get="{url}" hx-target="#heatmap-cell"' in html
    assert html.count("data-heat-cell") == 2 + 3  # one link per non-zero cell
    # The click handler and the chart wrappers that tell it where to fetch from.
    assert "/static/js/risks_heatmap.js" in html and "/static/js/charts.js" in html
    assert f'data-cell-url="{cell_url("project", "PRJ-0042")}" data-basis="residual"' in html


def test_program_heat_map_rolls_up_its_projects_and_its_own_risks(client, pm, project, scene):
    client.force_login(pm)
    response = client.get(heatmap_url("program", "CX"))
    assert response.status_code == 200
    html = response.content.decode()
    assert table_grid(html, "inherent") == {(4, 4): 2, (5, 5): 1, (1, 5): 1}
    assert table_grid(html, "residual") == {(4, 4): 1, (2, 3): 1, (3, 3): 1, (1, 5): 1}
    breakdown = response.context["breakdown"]
    assert [(r.kind, r.code, r.total) for r in breakdown.rows] == [
        ("program", "CX", 1),
        ("project", "PRJ-0042", 4),
    ]
    assert breakdown.totals.total == 5 and breakdown.totals.exposure == 36


def test_portfolio_heat_map_rolls_up_everything_below_with_a_breakdown(
    client, pmo_staff, project, scene
):
    client.force_login(pmo_staff)
    response = client.get(heatmap_url("portfolio", "DIGITAL"))
    html = response.content.decode()
    assert table_grid(html, "inherent") == {(4, 4): 2, (5, 5): 1, (1, 5): 1, (2, 2): 1, (3, 4): 1}
    assert table_grid(html, "residual") == {
        (4, 4): 1,
        (2, 3): 1,
        (3, 3): 1,
        (1, 5): 1,
        (2, 2): 1,
        (3, 2): 1,
    }
    heat = response.context["heat"]
    assert heat.open_count == 7 and heat.exposure == 16 + 6 + 9 + 5 + 4 + 6
    assert heat.emv == {"EUR": D("70000.00"), "GBP": D("200.00")}
    breakdown = response.context["breakdown"]
    rows = {r.code: r for r in breakdown.rows}
    assert [r.code for r in breakdown.rows] == ["DIGITAL", "PRJ-0042", "CX", "PRJ-0043"]
    assert rows["DIGITAL"].is_own and rows["DIGITAL"].bands == {"medium": 1}
    assert rows["PRJ-0042"].bands == {"critical": 1, "medium": 2}
    assert rows["PRJ-0042"].unassessed == 1 and rows["PRJ-0042"].exposure == 31
    assert rows["PRJ-0042"].emv == {"EUR": D("70000.00")}
    assert rows["PRJ-0043"].emv == {"GBP": D("200.00")}
    assert breakdown.totals.counts == [1, 4, 0, 1]  # low, medium, high, critical
    # Each project links to its own heat map: the portfolio heat map across projects.
    assert f'href="{heatmap_url("project", "PRJ-0042")}"' in html
    assert f'href="{heatmap_url("project", "PRJ-0043")}"' in html
    assert f'href="{heatmap_url("program", "CX")}"' in html


def test_portfolio_counts_projects_without_open_risks(client, pmo_staff, project, scene):
    ProjectFactory(code="PRJ-0050", portfolio=project.portfolio)
    client.force_login(pmo_staff)
    response = client.get(heatmap_url("portfolio", "DIGITAL"))
    assert response.context["breakdown"].quiet_projects == 1
    assert "1 more project has no open risk." in response.content.decode()


def test_member_sees_the_rollup_of_only_the_registers_they_may_see(client, member, project, scene):
    client.force_login(member)  # on PRJ-0042's team, not on PRJ-0043
    response = client.get(heatmap_url("portfolio", "DIGITAL"))
    assert response.status_code == 200
    assert response.context["heat"].open_count == 6
    codes = [r.code for r in response.context["breakdown"].rows]
    assert "PRJ-0043" not in codes
    assert "PRJ-0043-R" not in response.content.decode()
    cell = client.get(cell_url("portfolio", "DIGITAL", "?basis=inherent&p=2&i=2"))
    assert cell.status_code == 200 and refs(cell) == []


def test_top_risks_by_current_score_then_emv(client, pmo_staff, project, scene):
    client.force_login(pmo_staff)
    response = client.get(heatmap_url("portfolio", "DIGITAL"))
    s = scene
    expected = [s[k].reference for k in ("a", "c", "b", "g", "f", "e")]
    assert [r.reference for r in response.context["top_risks"]] == expected
    figure = response.context["top_figure"]
    bars = {t["name"]: t for t in figure["data"]}
    assert bars["Critical"]["y"] == [s["a"].reference] and bars["Critical"]["x"] == [16]
    assert figure["layout"]["yaxis"]["categoryarray"] == expected
    html = response.content.decode()
    assert html.count('data-testid="top-risk"') == 6
    assert "60,000.00" in html  # the EMV of a, in its table row


def test_empty_register_says_what_to_do_next(client, pm, project):
    client.force_login(pm)
    response = client.get(heatmap_url("project", "PRJ-0042"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html
    assert response.context["maps"][0]["figure"] is None
    assert "plotly.min.js" not in html


def test_unassessed_risks_only_show_a_hint_and_no_chart(client, pm, project):
    risk(project, "identified")
    client.force_login(pm)
    html = client.get(heatmap_url("project", "PRJ-0042")).content.decode()
    assert "No open risk has been assessed yet" in html
    assert "plotly.min.js" not in html


# --- one cell ------------------------------------------------------------------------------
def test_cell_lists_the_open_risks_of_that_cell_on_each_basis(client, pm, project, scene):
    client.force_login(pm)
    inherent = client.get(cell_url("project", "PRJ-0042", "?basis=inherent&p=4&i=4"))
    assert inherent.status_code == 200
    assert refs(inherent) == sorted([scene["a"].reference, scene["b"].reference])
    # b was responded to: it has moved out of 4x4 on the residual map.
    residual = client.get(cell_url("project", "PRJ-0042", "?basis=residual&p=4&i=4"))
    assert refs(residual) == [scene["a"].reference]
    moved = client.get(cell_url("project", "PRJ-0042", "?basis=residual&p=2&i=3"))
    assert refs(moved) == [scene["b"].reference]
    html = moved.content.decode()
    assert "<html" in html  # a page of its own without htmx
    assert scene["b"].title in html and "Pat Manager" in html and "Responding" in html


def test_cell_excludes_finished_and_proposed_risks(client, pm, project, scene):
    client.force_login(pm)
    for query in ("?basis=inherent&p=5&i=5", "?basis=inherent&p=3&i=3"):
        response = client.get(cell_url("project", "PRJ-0042", query))
        assert scene["proposed"].reference not in refs(response)
        assert scene["occurred"].reference not in refs(response)
    assert refs(client.get(cell_url("project", "PRJ-0042", "?basis=inherent&p=2&i=2"))) == []


def test_cell_on_a_portfolio_lists_risks_of_every_register_below(client, executive, project, scene):
    client.force_login(executive)
    response = client.get(cell_url("portfolio", "DIGITAL", "?basis=residual&p=3&i=2"))
    assert refs(response) == [scene["g"].reference]
    response = client.get(cell_url("portfolio", "DIGITAL", "?basis=inherent&p=2&i=2"))
    assert refs(response) == [scene["e"].reference]
    assert "PRJ-0043" in response.content.decode()  # the register column


def test_cell_with_htmx_is_a_fragment(client, pm, project, scene):
    client.force_login(pm)
    response = client.get(
        cell_url("project", "PRJ-0042", "?basis=inherent&p=4&i=4"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="heatmap-cell"' in html
    assert html.count('data-testid="cell-risk"') == 2
    assert "Open as a page" in html


def test_empty_cell_says_so(client, pm, project, scene):
    client.force_login(pm)
    response = client.get(cell_url("project", "PRJ-0042", "?basis=inherent&p=1&i=1"))
    assert response.status_code == 200
    assert "No open risk sits in this cell now." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Say which heat map"),
        ("?basis=inherent&p=3", "Give the impact level"),
        ("?basis=current&p=3&i=3", "The basis must be inherent or residual."),
        ("?basis=inherent&p=0&i=3", "The probability level must be from 1 to 5."),
        ("?basis=inherent&p=6&i=3", "The probability level must be from 1 to 5."),
        ("?basis=residual&p=3&i=9", "The impact level must be from 1 to 5."),
        ("?basis=inherent&p=x&i=3", "The probability level must be a whole number"),
        ("?basis=inherent&p=3&i=2.5", "The impact level must be a whole number"),
        ("?basis=inherent&p=3&i=-1", "The impact level must be from 1 to 5."),
    ],
)
def test_bad_cell_parameters_are_a_400_with_the_reason(client, pm, project, scene, query, message):
    client.force_login(pm)
    url = cell_url("project", "PRJ-0042", query)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(url, **headers)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and 'data-testid="cell-error"' in html


# --- who may read ----------------------------------------------------------------------------
def test_outsider_gets_404_on_every_heat_map_and_cell(client, outsider, project, scene):
    MembershipFactory(user=outsider)  # works elsewhere only
    client.force_login(outsider)
    for kind, code in (("project", "PRJ-0042"), ("program", "CX"), ("portfolio", "DIGITAL")):
        assert client.get(heatmap_url(kind, code)).status_code == 404
        assert client.get(cell_url(kind, code, "?basis=inherent&p=4&i=4")).status_code == 404
        assert client.get(cell_url(kind, code, "?basis=x")).status_code == 404


def test_executive_and_resource_manager_read_every_heat_map(
    client, executive, resource_manager, project, scene
):
    for reader in (executive, resource_manager):
        client.force_login(reader)
        for kind, code in (("project", "PRJ-0042"), ("program", "CX"), ("portfolio", "DIGITAL")):
            assert client.get(heatmap_url(kind, code)).status_code == 200, (reader, kind)
        response = client.get(cell_url("project", "PRJ-0042", "?basis=inherent&p=5&i=5"))
        assert refs(response) == [scene["c"].reference]


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(heatmap_url("project", "PRJ-0042"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_heat_map_tab_is_active_in_the_register_tabs(client, pm, project, scene):
    client.force_login(pm)
    response = client.get(heatmap_url("project", "PRJ-0042"))
    tabs = {t["key"]: t for t in response.context["register_tabs"]}
    assert tabs["heatmap"]["active"]
    assert response.context["breadcrumbs"][-1] == ("Heat map", None)


def test_a_crowded_cell_pages_through_its_risks(client, pm, project):
    RiskFactory.create_batch(30, project=project, inherent_probability=2, inherent_impact=2)
    client.force_login(pm)
    url = cell_url("project", "PRJ-0042", "?basis=inherent&p=2&i=2")
    page_one = client.get(url)
    assert len(refs(page_one)) == 25 and page_one.context["page_obj"].paginator.count == 30
    html = page_one.content.decode()
    assert "?basis=inherent&amp;p=2&amp;i=2&amp;page=2" in html
    assert len(refs(client.get(url + "&page=2"))) == 5
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert len(refs(fragment)) == 25 and fragment.context["more"]
    assert "see them all" in fragment.content.decode()
