"""Route table rows of the schedule risk pages (merged by tests/test_route_permissions.py)."""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
PROJECT = {"code": "PRJ-0042"}

ROUTES = {
    # Read-only: everyone who sees the project runs the analysis.
    "risks:project_schedule_risk": (PROJECT, {**dict.fromkeys(PERSONAS, 200), "outsider": 404}),
    # Estimates are plan data: the project's plan editors only.
    "risks:project_estimates": (
        PROJECT,
        {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404},
    ),
}
