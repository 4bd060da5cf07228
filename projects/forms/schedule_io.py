"""Forms of the schedule import: the upload, and the confirmation of a previewed file."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.schedule_io import EXTENSIONS, ImportFileError, detect_format

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ScheduleUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Schedule file"),
        help_text=gettext_lazy(
            "A CSV file (.csv, UTF-8) or a Microsoft Project XML file (.xml), at most 2 MB. "
            "Nothing is saved until you confirm the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(EXTENSIONS))}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("upload", _("Upload and preview")))
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the most accepted is %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        self.content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(self.content) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s.") % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        try:
            detect_format(upload.name, self.content)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class ScheduleConfirmForm(forms.Form):
    """Carries which preview the user confirms; the parsed rows stay on the server."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
