"""The methodology library: PMO staff write, publish and withdraw handbook pages and templates."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects.models import MethodDocument
from projects.services.reports import check_text_lengths

EDITABLE_FIELDS = ("title", "slug", "kind", "stage", "summary", "body", "attachment")
# Addresses the library's own pages use; a document cannot take them.
RESERVED_SLUGS = {"new"}


@transaction.atomic
def method_document_save(
    *, document: MethodDocument, by, data: dict, expected_version: int | None = None
) -> MethodDocument:
    """Create a document (unpublished until someone publishes it) or change one."""
    policy.require_pmo_staff(by)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable on a methodology document: {sorted(unknown)}")
    for name, value in data.items():
        if name == "attachment" and value is False:
            # "Clear" on the file input: the document no longer offers a file. The stored
            # file stays, since the history still names it.
            value = ""
        setattr(document, name, value.strip() if isinstance(value, str) else value)
    if document.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is taken by the library; choose another.")})
    check_text_lengths(document)
    if document.pk is None:
        return create_versioned(instance=document, by=by, reason=_("Document created"))
    return save_versioned(
        instance=document,
        expected_version=expected_version or document.version,
        by=by,
    )


@transaction.atomic
def method_document_set_published(
    *, document: MethodDocument, by, published: bool
) -> MethodDocument:
    """Publish a document for everyone, or withdraw it (only PMO staff then see it)."""
    policy.require_pmo_staff(by)
    document = MethodDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_published == published:
        return document
    if published and not (document.body.strip() or document.attachment):
        raise ValidationError(_("Write the content or attach a template before publishing."))
    document.is_published = published
    return save_versioned(
        instance=document,
        expected_version=document.version,
        by=by,
        reason=_("Published") if published else _("Withdrawn"),
    )
