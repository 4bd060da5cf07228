"""Reads for pages and other apps, one module per area; core reads re-exported here."""

from projects.selectors.core import (
    portfolio_overview,
    program_projects,
    programs_of,
    project_detail,
    projects_visible_to,
)

__all__ = [
    "portfolio_overview",
    "program_projects",
    "programs_of",
    "project_detail",
    "projects_visible_to",
]
