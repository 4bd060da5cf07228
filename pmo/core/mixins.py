"""Behaviour shared by views across apps, written once (DESIGN.md section 3)."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from pmo.core.locking import StaleObjectError


def apply_form_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def safe_next_url(request, default: str) -> str:
    """The ``next`` parameter if it points back into this site, else ``default``: forms that
    return to where the user came from must not become an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class BreadcrumbsMixin:
    """Views list their trail as (label, url) pairs; the last one is the current page."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class BadRequestOnInvalidFormMixin:
    """An invalid form answers 400 and re-renders everything the user typed."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OptimisticLockFormMixin(BadRequestOnInvalidFormMixin):
    """Turn a stale save into a 409 that shows what changed and keeps the user's input.

    See ``keep_input_for_resubmit`` for how the two edits are combined.
    """

    def handle_stale(self, form, error: StaleObjectError):
        keep_input_for_resubmit(form, error)
        context = self.get_context_data(form=form, stale_error=error)
        return self.render_to_response(context, status=409)


class ServiceFormMixin(OptimisticLockFormMixin):
    """``form_valid`` for a form saved through a service, written once.

    A view defines ``save(form)`` (call the service, return what it saved),
    ``success_url_for(obj)`` and, optionally, ``success_message(obj)``. A stale save answers
    409 and a refused one 400, both re-rendering everything the user typed.
    """

    def success_message(self, obj) -> str:
        return ""

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except StaleObjectError as error:
            return self.handle_stale(form, error)
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        message = self.success_message(obj)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.success_url_for(obj))


def _as_form_value(value) -> str:
    return "" if value is None else str(value)


def keep_input_for_resubmit(form, error: StaleObjectError) -> None:
    """Rebuild a stale form so that nobody's change is lost silently.

    Fields the user left as they were get the other person's new value; fields both
    changed keep the user's input (the warning lists them). The form then carries the
    current version, so saving again is a deliberate choice.
    """
    data = form.data.copy()
    for change in error.changes:
        if change.field not in form.fields:
            continue
        key = form.add_prefix(change.field)
        if isinstance(change.old_value, bool):
            untouched = (key in data) == change.old_value
            if untouched:
                if change.new_value:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            continue
        if data.get(key, "") == _as_form_value(change.old_value):
            data[key] = _as_form_value(change.new_value)
    data[form.add_prefix("version")] = str(error.current.version)
    form.data = data
    # Re-validate so the re-rendered form shows the merged values without stale errors.
    form._errors = None
    form.is_valid()


class SortableListMixin:
    """Whitelisted ``?sort=`` ordering: ``sort_fields`` maps a public key to ORM fields."""

    sort_fields: dict[str, tuple[str, ...]] = {}
    default_sort = ""

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", self.default_sort)
        return requested if requested.lstrip("-") in self.sort_fields else self.default_sort

    def apply_sort(self, queryset):
        key = self.current_sort()
        if not key:
            return queryset
        descending = key.startswith("-")
        fields = self.sort_fields[key.lstrip("-")]
        return queryset.order_by(*[("-" if descending else "") + f for f in fields], "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current_sort"] = self.current_sort()
        return context


class _Echo:
    def write(self, value):
        return value


class CsvExportMixin:
    """``?format=csv`` streams the filtered, sorted list with ``csv_columns``."""

    csv_filename = "export.csv"
    csv_columns: list[tuple[str, object]] = []  # (header, callable(row) -> value)

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            return self.csv_response(self.get_csv_queryset())
        return super().render_to_response(context, **kwargs)

    def get_csv_queryset(self):
        return self.object_list

    def csv_response(self, queryset):
        writer = csv.writer(_Echo())
        headers = [str(header) for header, _value in self.csv_columns]

        def rows():
            yield writer.writerow(headers)
            for obj in queryset.iterator(chunk_size=500):
                yield writer.writerow([csv_safe(value(obj)) for _header, value in self.csv_columns])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas so an exported cell can never run as one."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def paginate(request, queryset) -> Page:
    """One page of ``queryset`` for a page that shows a list beside other content."""
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
