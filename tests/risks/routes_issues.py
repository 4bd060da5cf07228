"""Route table rows for the issues log, issues and actions (merged by
tests/test_route_permissions.py).

The shared scene has issue PRJ-0042-I01 and risk PRJ-0042-R01, both owned by the PM, and
no action: action routes use an id that does not exist, so everyone gets 404 (the action
is looked up before anything else). The matrix with real actions is in
tests/risks/test_actions_permissions.py.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]

READ = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
# Change one issue or risk: its owner (the PM here) or a register manager.
UPDATE = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404}
# Log an issue in the project's register: managers and the project's team.
LOG_IN_PROJECT = {**UPDATE, "member": 200}
# Program CX is managed by the PM; portfolio DIGITAL is owned by PMO staff.
LOG_IN_PROGRAM = UPDATE
LOG_IN_PORTFOLIO = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "outsider": 404}
MISSING = dict.fromkeys(PERSONAS, 404)

PROJECT = {"code": "PRJ-0042"}
ISSUE = {"ref": "PRJ-0042-I01"}
RISK = {"ref": "PRJ-0042-R01"}

ROUTES = {
    "risks:project_issues": (PROJECT, READ),
    "risks:program_issues": ({"code": "CX"}, READ),
    "risks:portfolio_issues": ({"code": "DIGITAL"}, READ),
    "risks:project_issue_create": (PROJECT, LOG_IN_PROJECT),
    "risks:program_issue_create": ({"code": "CX"}, LOG_IN_PROGRAM),
    "risks:portfolio_issue_create": ({"code": "DIGITAL"}, LOG_IN_PORTFOLIO),
    "risks:issue_detail": (ISSUE, READ),
    "risks:issue_edit": (ISSUE, UPDATE),
    "risks:issue_escalate": (ISSUE, UPDATE),
    "risks:issue_close": (ISSUE, UPDATE),
    # The issue is open: who may reopen it is sent back to its page.
    "risks:issue_reopen": (ISSUE, {**UPDATE, "pmo_staff": 302, "pm": 302}),
    "risks:issue_action_create": (ISSUE, UPDATE),
    "risks:issue_from_risk": (RISK, UPDATE),
    "risks:risk_action_create": (RISK, UPDATE),
    "risks:action_edit": ({"pk": 999999}, MISSING),
}

# POST only: the inline status change of an action's row.
NOT_IN_TABLE = {"risks:action_status"}
