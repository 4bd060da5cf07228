"""Route-table rows for the register pages and a risk's own pages (merged by
tests/test_route_permissions.py).

The shared scene: risk PRJ-0042-R01 (assessed, owned by the PM) in PRJ-0042, where the
member is on the team; program CX managed by the PM; portfolio DIGITAL owned by PMO staff.
The full matrices with other owners are in tests/risks/test_register_permissions.py.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]

READ = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
# Change the risk: its owner (the PM) or a register manager (the PM, PMO staff).
UPDATE = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404}
MANAGE = UPDATE
# Add to a project's register: managers add, the team (the member) proposes.
ADD_TO_PROJECT = {**UPDATE, "member": 200}
# Program CX: its manager (the PM) and PMO staff; nobody proposes outside a project.
ADD_TO_PROGRAM = UPDATE
ADD_TO_PORTFOLIO = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "outsider": 404}

CODES = {"project": "PRJ-0042", "program": "CX", "portfolio": "DIGITAL"}
RISK = {"ref": "PRJ-0042-R01"}

ROUTES = {
    "risks:project_register": ({"code": "PRJ-0042"}, READ),
    "risks:program_register": ({"code": "CX"}, READ),
    "risks:portfolio_register": ({"code": "DIGITAL"}, READ),
    "risks:project_risk_create": ({"code": "PRJ-0042"}, ADD_TO_PROJECT),
    "risks:program_risk_create": ({"code": "CX"}, ADD_TO_PROGRAM),
    "risks:portfolio_risk_create": ({"code": "DIGITAL"}, ADD_TO_PORTFOLIO),
    "risks:risk_detail": (RISK, READ),
    "risks:risk_edit": (RISK, MANAGE),
    "risks:risk_assess": (RISK, UPDATE),
    "risks:risk_response": (RISK, UPDATE),
    "risks:risk_close": (RISK, UPDATE),
    # The risk is open: who may reopen it is sent back to its page.
    "risks:risk_reopen": (RISK, {**UPDATE, "pmo_staff": 302, "pm": 302}),
    "risks:risk_status": (RISK, UPDATE),
}
