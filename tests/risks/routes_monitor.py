"""Route-table rows for the monitoring pages (merged by tests/test_route_permissions.py).

Everyone signed in has a risks home page. Whoever sees a register reads its reviews due and
its exposure trend; the outsider sees nothing of DIGITAL (404). Reviewing PRJ-0042-R01
(owned by pm) is for its owner and the register's managers (pm, PMO staff): other_pm,
the executive, the resource manager and a team member who does not own it get 403.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READERS = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
CODES = {"project": "PRJ-0042", "program": "CX", "portfolio": "DIGITAL"}

ROUTES = {
    "risks:home": ({}, dict.fromkeys(PERSONAS, 200)),
    "risks:risk_review": (
        {"ref": "PRJ-0042-R01"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
}
for kind, code in CODES.items():
    ROUTES[f"risks:{kind}_reviews_due"] = ({"code": code}, READERS)
    ROUTES[f"risks:{kind}_trend"] = ({"code": code}, READERS)
