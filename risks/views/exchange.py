"""Export a register to CSV or XLSX; import risks into it from CSV.

Import is two steps, as for the schedule (``projects/views/schedule_io.py``): the upload is
parsed and shown as a preview with every row's problems, nothing saved; the parsed rows wait
in the session under a random token, and "Confirm import" posts that token back. A file
with any bad row cannot be confirmed.
"""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from risks import access
from risks.forms.exchange import RiskImportConfirmForm, RiskUploadForm
from risks.selectors import exchange as selectors
from risks.selectors.matrix import load_matrix
from risks.services import exchange as services
from risks.services.risks import ensure_register_open
from risks.views.base import RegisterMixin

SESSION_PREFIX = "risk-import:"
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session_key(register) -> str:
    return f"{SESSION_PREFIX}{register.kind}:{register.obj.pk}"


def _filename(register, extension: str) -> str:
    return f"{register.code}-risks-{timezone.localdate():%Y-%m-%d}.{extension}"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _register_url(register) -> str:
    try:
        return register.url("register")
    except NoReverseMatch:  # the register page is another area's; until it exists
        return register.url("import")


# --- Export ----------------------------------------------------------------------------------
class RegisterExportView(RegisterMixin, View):
    """``?format=csv`` (the default) or ``xlsx``, with the register page's filters."""

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", "csv")
        if fmt not in FORMATS:
            return HttpResponseBadRequest(
                _("Unknown format “%(format)s”: use csv or xlsx.") % {"format": fmt},
                content_type="text/plain; charset=utf-8",
            )
        matrix = load_matrix()
        filterset = selectors.export_filter(self.register, request.GET, matrix=matrix)
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                _("The filters are not valid: %(problems)s") % {"problems": problems},
                content_type="text/plain; charset=utf-8",
            )
        rows = selectors.export_queryset(filterset)
        if fmt == "csv":
            response = StreamingHttpResponse(
                services.csv_stream(rows.iterator(chunk_size=500), matrix),
                content_type="text/csv; charset=utf-8",
            )
            return _attachment(response, _filename(self.register, "csv"))
        content = services.xlsx_bytes(
            rows.iterator(chunk_size=500), matrix, title=f"{self.register.code} risks"
        )
        return _attachment(
            HttpResponse(content, content_type=XLSX_TYPE), _filename(self.register, "xlsx")
        )


# --- Import ----------------------------------------------------------------------------------
def _example_owner(register, user) -> str:
    """Someone who may own a risk here, for the template's example row."""
    if register.kind == "project":
        return register.obj.project_manager.username
    return user.username


class RiskImportView(RegisterMixin, TemplateView):
    """GET: the upload form (``?template=1``: the template CSV). POST: the preview."""

    template_name = "risks/exchange/import.html"
    register_action = access.MANAGE

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Import"), None)]

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            content = services.template_csv(
                self.register, example_owner=_example_owner(self.register, request.user)
            )
            response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
            return _attachment(response, f"{self.register.code}-risk-import-template.csv")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", RiskUploadForm())
        closed = ""
        try:
            ensure_register_open(self.register)
        except ValidationError as error:
            closed = " ".join(error.messages)
        return super().get_context_data(
            columns=services.IMPORT_COLUMNS,
            export_columns=services.COLUMNS,
            max_rows=services.MAX_ROWS,
            closed_message=closed,
            export_name=f"risks:{self.register.kind}_export",
            confirm_name=f"risks:{self.register.kind}_import_confirm",
            register_name=f"risks:{self.register.kind}_register",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = RiskUploadForm(request.POST, request.FILES)
        try:
            ensure_register_open(self.register)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            parsed = services.risk_import_parse(
                register=self.register, data=form.content, filename=upload.name
            )
        except services.ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        context = self.get_context_data(form=RiskUploadForm(), parsed=parsed)
        key = _session_key(self.register)
        if parsed.has_errors:
            # Only a clean preview can be confirmed: nothing waits for a bad file.
            request.session.pop(key, None)
            return self.render_to_response(context, status=400)
        token = secrets.token_hex(16)
        request.session[key] = {
            "token": token,
            "user": request.user.pk,
            "parsed": parsed.to_dict(),
        }
        context["confirm_form"] = RiskImportConfirmForm(initial={"token": token})
        return self.render_to_response(context)


class RiskImportConfirmView(RegisterMixin, View):
    """POST only: add the previewed rows to the register, all or nothing."""

    register_action = access.MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        key = _session_key(self.register)
        stored = request.session.get(key)
        form = RiskImportConfirmForm(request.POST)
        if (
            not form.is_valid()
            or not stored
            or stored.get("user") != request.user.pk
            or not secrets.compare_digest(str(stored.get("token", "")), form.cleaned_data["token"])
        ):
            return self._refuse(_("This preview is no longer current. Upload the file again."))
        parsed = services.ParsedImport.from_dict(stored["parsed"])
        try:
            created = services.risk_import_apply(
                register=self.register, by=request.user, parsed=parsed
            )
        except ValidationError as error:
            return self._refuse(" ".join(error.messages))
        del request.session[key]
        first, last = created[0].reference, created[-1].reference
        if len(created) == 1:
            text = _("Imported one risk from %(file)s: %(first)s.")
        else:
            # Never one here, so the plural-only wording is right in every language.
            text = _("Imported %(n)d risks from %(file)s: %(first)s to %(last)s.")
        messages.success(
            request,
            text % {"n": len(created), "file": parsed.filename, "first": first, "last": last},
        )
        return HttpResponseRedirect(_register_url(self.register))

    def _refuse(self, message: str):
        view = RiskImportView()
        view.setup(self.request, **self.kwargs)
        view.register = self.register
        context = view.get_context_data(import_error=message)
        return view.render_to_response(context, status=400)
