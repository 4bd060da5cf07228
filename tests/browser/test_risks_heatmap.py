"""The heat map in the browser: plotly draws both maps under the Content-Security-Policy,
clicking a plotly cell (static/js/risks_heatmap.js) or a count in the data table loads that
cell's risks under the maps, with no console error.

Screenshots land in test-artifacts/screenshots/risks_heatmap_*.png.
"""

import pytest
from playwright.sync_api import expect

from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def risks(project, pm):
    return {
        "critical": RiskFactory(
            project=project, title="Vendor API late", inherent_probability=5, inherent_impact=4
        ),
        "moved": RiskFactory(
            project=project,
            title="Key engineer leaves",
            status="responding",
            inherent_probability=4,
            inherent_impact=4,
            residual_probability=2,
            residual_impact=3,
        ),
        "closed": RiskFactory(
            project=project,
            title="Old licence",
            status="closed",
            inherent_probability=5,
            inherent_impact=4,
        ),
    }


def click_plotly_cell(page, chart_id, p, i):
    """Click the middle of heat-map cell (p, i) of the plot in ``#chart_id``."""
    point = page.evaluate(
        """([id, p, i]) => {
            const gd = document.getElementById(id);
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return {x: box.left + xa._offset + xa.l2p(i), y: box.top + ya._offset + ya.l2p(p)};
        }""",
        [chart_id, p, i],
    )
    page.mouse.click(point["x"], point["y"])


def test_clicking_a_heat_map_cell_lists_its_risks(page, login_as, screenshot, pm, project, risks):
    login_as(page, pm)
    response = page.goto(f"/projects/{project.code}/risks/heatmap/")
    assert response.status == 200
    for basis in ("inherent", "residual"):
        expect(page.locator(f"#heatmap-{basis} .main-svg").first).to_be_visible()
    expect(page.locator("#top-risks .main-svg").first).to_be_visible()
    # Wait until the click handler is bound to both maps.
    expect(page.locator(".risk-heatmap[data-click-bound='1']")).to_have_count(2)

    click_plotly_cell(page, "heatmap-inherent", 5, 4)
    cell = page.locator("#heatmap-cell [data-testid=heatmap-cell]")
    expect(cell).to_contain_text("Vendor API late")
    expect(cell).not_to_contain_text("Old licence")  # closed: not on the map
    expect(page.locator("[data-testid=cell-inherent-5-4]")).to_have_attribute(
        "aria-current", "true"
    )
    screenshot(page, "risks_heatmap_project_clicked")

    # The responded risk sits at 2 x 3 on the residual map.
    click_plotly_cell(page, "heatmap-residual", 2, 3)
    expect(cell).to_contain_text("Key engineer leaves")
    expect(cell).not_to_contain_text("Vendor API late")

    # The count in the data table does the same with htmx.
    page.locator("[data-testid=cell-inherent-4-4] a").click()
    expect(cell).to_contain_text("Inherent heat map")
    expect(cell).to_contain_text("Key engineer leaves")
    assert page.url.endswith("/risks/heatmap/")  # stayed on the page


def test_portfolio_heat_map_draws_with_the_breakdown(
    page, login_as, screenshot, pmo_staff, project, other_project, risks
):
    RiskFactory(
        project=other_project,
        title="Warehouse load slow",
        inherent_probability=3,
        inherent_impact=3,
    )
    login_as(page, pmo_staff)
    response = page.goto(f"/portfolios/{project.portfolio.code}/risks/heatmap/")
    assert response.status == 200
    expect(page.locator("#heatmap-inherent .main-svg").first).to_be_visible()
    rows = page.locator("[data-testid=breakdown-row]")
    expect(rows).to_have_count(2)
    screenshot(page, "risks_heatmap_portfolio")
    rows.filter(has_text="PRJ-0043").get_by_role("link", name="PRJ-0043").click()
    page.wait_for_url(f"**/projects/{other_project.code}/risks/heatmap/")
    expect(page.locator("[data-testid=heatmap-cell-target]")).to_be_attached()
