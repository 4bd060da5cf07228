"""Every write to planning data, one module per area. Core project writes re-exported here."""

from projects.services.core import (
    PROJECT_SEQUENCE,
    ensure_open_for_planning,
    membership_add,
    membership_remove,
    membership_update,
    next_project_code,
    portfolio_save,
    program_save,
    project_create,
    project_update,
)

__all__ = [
    "PROJECT_SEQUENCE",
    "ensure_open_for_planning",
    "membership_add",
    "membership_remove",
    "membership_update",
    "next_project_code",
    "portfolio_save",
    "program_save",
    "project_create",
    "project_update",
]
