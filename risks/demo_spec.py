"""Small builders for the demo registers' content (``risks.demo_digital``, ``risks.demo_ops``).

A risk is written as a project manager would enter it: a title, the cause -> event -> effect
statement, a category code, the inherent probability and impact, the status it has reached
today and who owns it (a demo username, ``"pm"`` for the project manager or ``"sponsor"``).
Optional keywords (read by ``risks.demo``):

- ``when``: ``"s1"`` / ``"s2"`` (raised in the first / second identification session), a
  fraction of the time between the first session and today (logged on its own), or
  ``"recent"``;
- ``now``: the residual (probability, impact) it has reached today; derived if left out;
- ``strategy``, ``response``, ``contingency``, ``fallback``, ``trigger``;
- ``actions``: ``(description, owner, due days after the response, cost in thousands)``;
- ``tasks`` / ``milestones``: names in the project's plan to link;
- ``near``: proximity as a milestone name, a fraction of the project span or days after it
  was raised (default: the first linked milestone or task);
- ``occurred``: days ago it occurred, with ``issue`` (what the issue says); ``closed``: days
  ago it was closed; ``reason``: closure or rejection reason; ``due``: "overdue", "week" or
  "normal" for its next review; ``path="bump"`` makes it worse for a while; ``by``: who
  proposed it; ``draft``: a proposal with a draft assessment.
"""

IDENTIFIED = "identified"
ASSESSED = "assessed"
RESPONDING = "responding"
MONITORING = "monitoring"
CLOSED = "closed"
OCCURRED = "occurred"
PROPOSED = "proposed"
REJECTED = "rejected"

AVOID, TRANSFER, MITIGATE, ACCEPT = "avoid", "transfer", "mitigate", "accept"
EXPLOIT, SHARE, ENHANCE, ESCALATE = "exploit", "share", "enhance", "escalate"

BRAINSTORMING = "brainstorming"
INTERVIEW = "interview"
LESSONS = "lessons"
ASSUMPTIONS = "assumptions"


def R(title, cat, p, i, status, owner="pm", **details) -> dict:
    """A threat."""
    return {"title": title, "cat": cat, "p": p, "i": i, "status": status, "owner": owner, **details}


def O(title, cat, p, i, status, owner="pm", **details) -> dict:  # noqa: E743
    """An opportunity."""
    return R(title, cat, p, i, status, owner, kind="opportunity", **details)


def S(title, method, participants, notes, *, external="", facilitator="pm") -> dict:
    """An identification session (the first of a register is held early, the second later)."""
    return {
        "title": title,
        "method": method,
        "participants": participants,
        "notes": notes,
        "external": external,
        "facilitator": facilitator,
    }


def I(title, severity, owner, raised, status="in_progress", **details) -> dict:  # noqa: E743
    """An issue logged directly, ``raised`` days ago. ``actions`` are ``(description, owner,
    due days after it was raised, cost in thousands[, done])``; without ``done`` an action
    past its due date is done or still running, by chance."""
    return {
        "title": title,
        "severity": severity,
        "owner": owner,
        "raised": raised,
        "status": status,
        **details,
    }
