"""Route-table rows for identification sessions, bulk draft entry and triage.

The shared scene (``world`` in tests/test_route_permissions.py) holds one identification
session in PRJ-0042's register; its pk is looked up when the URL is built. Program CX is
managed by pm; portfolio DIGITAL is owned by pmo_staff; member is on PRJ-0042's team.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]

SEE = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}


def managers(*allowed):
    return {**dict.fromkeys(PERSONAS, 403), **dict.fromkeys(allowed, 200), "outsider": 404}


def _session():
    from risks.models import IdentificationSession

    return {"pk": IdentificationSession.objects.get(project__code="PRJ-0042").pk}


PROJECT = {"code": "PRJ-0042"}
PROGRAM = {"code": "CX"}
PORTFOLIO = {"code": "DIGITAL"}

ROUTES = {
    # Lists: whoever sees the register reads them.
    "risks:project_sessions": (PROJECT, SEE),
    "risks:program_sessions": (PROGRAM, SEE),
    "risks:portfolio_sessions": (PORTFOLIO, SEE),
    "risks:project_triage": (PROJECT, SEE),
    "risks:program_triage": (PROGRAM, SEE),
    "risks:portfolio_triage": (PORTFOLIO, SEE),
    # Recording a session: the register's managers.
    "risks:project_session_create": (PROJECT, managers("pmo_staff", "pm")),
    "risks:program_session_create": (PROGRAM, managers("pmo_staff", "pm")),
    "risks:portfolio_session_create": (PORTFOLIO, managers("pmo_staff")),
    # One session: read by all who see the register, edited by managers; the team adds
    # draft risks to it.
    "risks:session_detail": (_session, SEE),
    "risks:session_edit": (_session, managers("pmo_staff", "pm")),
    "risks:session_bulk": (_session, managers("pmo_staff", "pm", "member")),
}

# POST only: accept or reject one proposed risk (tests/risks/test_triage_views.py).
NOT_IN_TABLE = {"risks:risk_triage"}
