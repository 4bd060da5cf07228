"""Route-table rows for the matrix, categories, appetite, export and import pages (merged by
tests/test_route_permissions.py).

The shared scene: PRJ-0042 managed by the PM with the member on the team; program CX
managed by the PM; portfolio DIGITAL owned by PMO staff; the outsider sees none of it.
The full matrices are in tests/risks/test_config_*.py and test_exchange_*.py.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]

ALL = dict.fromkeys(PERSONAS, 200)
PMO_ONLY = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200}
READ = {**ALL, "outsider": 404}
# Import into a register: its managers only (the PM manages PRJ-0042 and CX).
MANAGE = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404}
MANAGE_PORTFOLIO = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "outsider": 404}


def _category():
    from risks.models import RiskCategory

    return {"pk": RiskCategory.objects.get(code="technical").pk}


ROUTES = {
    "risks:matrix": ({}, ALL),
    "risks:categories": ({}, ALL),
    "risks:category_create": ({}, PMO_ONLY),
    "risks:category_edit": (_category, PMO_ONLY),
    "risks:portfolio_appetite": ({"code": "DIGITAL"}, READ),
}

for _kind, _code in (("project", "PRJ-0042"), ("program", "CX"), ("portfolio", "DIGITAL")):
    ROUTES[f"risks:{_kind}_export"] = ({"code": _code}, READ)
    ROUTES[f"risks:{_kind}_import"] = (
        {"code": _code},
        MANAGE_PORTFOLIO if _kind == "portfolio" else MANAGE,
    )

# POST only (a GET answers 405): the confirmation of a previewed import.
NOT_IN_TABLE = {f"risks:{kind}_import_confirm" for kind in ("project", "program", "portfolio")}
