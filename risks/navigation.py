"""The pages of one register, shown as a second row of tabs on every register page."""

from django.utils.translation import gettext_lazy as _

# (key, label, URL name suffix: the full name is risks:<kind>_<suffix>, taking the code)
REGISTER_AREAS = [
    ("register", _("Register"), "register"),
    ("heatmap", _("Heat map"), "heatmap"),
    ("reviews", _("Reviews due"), "reviews_due"),
    ("sessions", _("Identification"), "sessions"),
    ("issues", _("Issues"), "issues"),
    ("schedule_risk", _("Schedule risk"), "schedule_risk"),
    ("trend", _("Exposure trend"), "trend"),
]


def register_tabs(register, active: str) -> list[dict]:
    """Tabs for the areas whose URL exists for this kind of register."""
    from django.urls import NoReverseMatch, reverse

    tabs = []
    for key, label, suffix in REGISTER_AREAS:
        try:
            url = reverse(f"risks:{register.kind}_{suffix}", kwargs={"code": register.code})
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "label": label, "url": url, "active": key == active})
    return tabs
