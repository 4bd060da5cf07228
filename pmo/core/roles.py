"""The roles of DESIGN.md section 1. Each is a Django group created by a data migration."""

from django.utils.translation import gettext_lazy as _

PMO = "pmo"
PM = "pm"
RESOURCE_MANAGER = "resource_manager"
EXECUTIVE = "executive"
MEMBER = "member"

# Order matters: a user with several roles is shown (and sent home) by the first.
ALL = (PMO, EXECUTIVE, PM, RESOURCE_MANAGER, MEMBER)

LABELS = {
    PMO: _("PMO staff"),
    PM: _("Project manager"),
    RESOURCE_MANAGER: _("Resource manager"),
    EXECUTIVE: _("Executive"),
    MEMBER: _("Team member"),
}

# Roles that read every project in the organisation.
READ_ALL = frozenset({PMO, EXECUTIVE, RESOURCE_MANAGER})


def primary_role(codes) -> str | None:
    for code in ALL:
        if code in codes:
            return code
    return None


def label(code: str | None):
    return LABELS.get(code, _("No role"))
