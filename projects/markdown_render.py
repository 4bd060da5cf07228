"""Markdown to sanitised HTML for the methodology library (and any other page that needs it).

The Markdown is written by PMO staff, but it is still treated as untrusted: raw HTML is
allowed by Markdown, so whatever it produces goes through ``nh3`` (the Rust ``ammonia``
sanitiser) with an allow-list:

- tags: headings, paragraphs, lists, tables, code, quotes, links, images, emphasis;
- no ``<script>``/``<style>`` (their content is dropped too), no ``<iframe>``, ``<svg>``,
  ``<form>``, ``<object>``; no ``on*`` handlers and no ``style`` attributes (never allowed);
- links: ``http``, ``https``, ``mailto`` and relative URLs only (so no ``javascript:`` or
  ``data:`` URLs, however they are spelled: ``nh3`` parses the URL before checking it);
- images: only from this site (a path starting with a single ``/``); other sources are
  removed, so a handbook page cannot make readers' browsers call another server;
- heading ids get a ``md-`` prefix so they cannot collide with the page's own ids.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "strong",
    "em",
    "b",
    "i",
    "del",
    "ins",
    "sup",
    "sub",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

URL_SCHEMES = {"http", "https", "mailto"}
HEADING_ID_PREFIX = "md-"


def _is_same_origin_path(url: str) -> bool:
    """A path on this site: ``/static/...``; not ``//host/...`` nor ``/\\host`` tricks."""
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_same_origin_path(value.strip()) else None
    if tag == "code" and attribute == "class":
        # Fenced code blocks say their language ("language-python"); nothing else passes.
        classes = [c for c in value.split() if c.startswith("language-") and c[9:].isalnum()]
        return " ".join(classes) or None
    if tag == "a" and attribute == "href" and value.startswith("#"):
        # Heading ids carry the prefix, so in-page links must too.
        return "#" + HEADING_ID_PREFIX + value[1:].removeprefix(HEADING_ID_PREFIX)
    if attribute == "align":
        return value if value in ("left", "right", "center") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    id_prefix=HEADING_ID_PREFIX,
    strip_comments=True,
    # Bootstrap's look: tables, images that fit the column, and headings sized below the
    # page's own title (``baselevel`` below already makes "#" an <h2>).
    set_tag_attribute_values={
        "table": {"class": "table table-sm"},
        "img": {"class": "img-fluid"},
        "h2": {"class": "h4"},
        "h3": {"class": "h5"},
        **{f"h{level}": {"class": "h6"} for level in (4, 5, 6)},
    },
)


def sanitise_html(html: str) -> str:
    return _CLEANER.clean(html)


def render_markdown(text: str) -> SafeString:
    """Markdown source to HTML that is safe to put on a page."""
    html = markdown.markdown(
        text or "",
        extensions=["tables", "fenced_code", "def_list", "sane_lists", "toc"],
        extension_configs={
            "tables": {"use_align_attribute": True},
            # The page's title is the <h1>; the document's own headings start below it.
            "toc": {"permalink": False, "baselevel": 2},
        },
        output_format="html",
    )
    # Sanitised by nh3 just above with the allow-list of this module.
    return mark_safe(sanitise_html(html))
