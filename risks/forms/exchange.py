"""Forms of the register import: the upload, and the confirmation of a previewed file."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risks.services.exchange import MAX_ROWS, MAX_UPLOAD_BYTES


class RiskUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Risk file (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file in UTF-8 (with or without a byte-order mark), at most %(size)s and "
            "%(rows)d risks. Nothing is saved until you confirm the preview."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES), "rows": MAX_ROWS}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("upload", _("Upload and preview")))
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        too_big = _("The file is %(size)s; the most accepted is %(max)s.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                too_big
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        self.content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(self.content) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s.") % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


class RiskImportConfirmForm(forms.Form):
    """Carries which preview the user confirms; the parsed rows stay on the server."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
