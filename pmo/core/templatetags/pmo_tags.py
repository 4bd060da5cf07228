"""Template helpers shared by every page."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

HEALTH_CLASSES = {"green": "text-bg-success", "amber": "text-bg-warning", "red": "text-bg-danger"}
STATUS_CLASSES = {
    "proposed": "text-bg-light border",
    "active": "text-bg-primary",
    "on_hold": "text-bg-secondary",
    "closed": "text-bg-dark",
    "cancelled": "text-bg-dark",
}


@register.simple_tag
def health_badge(obj):
    """A RAG badge with the word, not only the colour, for colour-blind readers."""
    return format_html(
        '<span class="badge rounded-pill {}" title="{}">{}</span>',
        HEALTH_CLASSES.get(obj.health, "text-bg-secondary"),
        obj.health_reason or "",
        obj.get_health_display(),
    )


@register.simple_tag
def status_badge(obj):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_CLASSES.get(obj.status, "text-bg-secondary"),
        obj.get_status_display(),
    )


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column header that toggles ``?sort=key`` / ``-key`` and keeps the filters."""
    current = context.get("current_sort", "")
    query = context.get("filter_query", "")
    descending = current == key
    target = f"-{key}" if descending else key
    arrow = ""
    if current.lstrip("-") == key:
        arrow = " ▼" if current.startswith("-") else " ▲"
    href = f"?{query}&sort={target}" if query else f"?sort={target}"
    aria = _("sorted descending") if current == f"-{key}" else _("sorted ascending")
    return format_html(
        '<a href="{}" class="link-dark text-decoration-none"{}>{}{}</a>',
        href,
        format_html(' aria-sort="{}"', aria) if arrow else "",
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The URL of another page of the current list, keeping filters and sort."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.inclusion_tag("projects/_project_nav.html", takes_context=True)
def project_nav(context, project, active):
    """The project's area tabs; an area shows once its page exists (its URL resolves)."""
    from django.urls import NoReverseMatch, reverse

    from projects.navigation import PROJECT_AREAS

    tabs = []
    for key, label, url_name in PROJECT_AREAS:
        try:
            url = reverse(url_name, args=[project.code])
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "label": label, "url": url, "active": key == active})
    return {"tabs": tabs}
