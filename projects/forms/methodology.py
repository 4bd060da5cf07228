"""Forms of the methodology library: a document, and the list's filters."""

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from projects.forms.core import VersionedModelForm
from projects.models import MethodDocument, Stage

# Office documents, PDFs and plain text. No HTML, SVG or scripts: a template is downloaded,
# and even then nothing that a browser would run is accepted.
ATTACHMENT_EXTENSIONS = [
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "csv",
    "txt",
    "md",
]
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class MethodDocumentForm(VersionedModelForm):
    class Meta:
        model = MethodDocument
        fields = ["title", "slug", "kind", "stage", "summary", "body", "attachment"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18, "class": "font-monospace"})}
        help_texts = {
            "slug": _("Lower-case letters, digits and dashes; it becomes /methodology/<address>/."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].validators.append(
            FileExtensionValidator(allowed_extensions=ATTACHMENT_EXTENSIONS)
        )
        self.fields["attachment"].help_text = _(
            "Optional document template (%(types)s), up to 10 MB."
        ) % {"types": ", ".join(ATTACHMENT_EXTENSIONS)}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-8"), Column("slug", css_class="col-md-4")),
            Row(Column("kind"), Column("stage")),
            "summary",
            Field("body"),
            "attachment",
            "version",
        )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "size") and upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if upload and Path(getattr(upload, "name", "")).name.startswith("."):
            raise forms.ValidationError(_("Give the file a name."))
        return upload


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("Any")), ("all", _("Every stage")), *Stage.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *MethodDocument.Kind.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
