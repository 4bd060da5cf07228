"""The methodology library: list, read, download the template; PMO staff write and publish."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.mixins import (
    BreadcrumbsMixin,
    CsvExportMixin,
    ServiceFormMixin,
    SortableListMixin,
)
from projects.forms.methodology import LibraryFilterForm, MethodDocumentForm
from projects.markdown_render import render_markdown
from projects.models import MethodDocument
from projects.selectors import methodology as selectors
from projects.services import methodology as services


def _library_trail(*rest):
    return [(_("Methodology library"), reverse("projects:methodology")), *rest]


class LibraryListView(BreadcrumbsMixin, SortableListMixin, CsvExportMixin, ListView):
    template_name = "projects/methodology/library.html"
    context_object_name = "documents"
    paginate_by = 25
    default_sort = "title"
    sort_fields = {
        "title": ("title",),
        "kind": ("kind", "title"),
        "stage": ("stage", "title"),
        "updated": ("updated_at",),
    }
    csv_filename = "methodology-library.csv"
    csv_columns = [
        (gettext_lazy("Title"), lambda d: d.title),
        (gettext_lazy("Kind"), lambda d: d.get_kind_display()),
        (gettext_lazy("Stage"), lambda d: d.get_stage_display() if d.stage else _("Every stage")),
        (gettext_lazy("Summary"), lambda d: d.summary),
        (gettext_lazy("Published"), lambda d: _("yes") if d.is_published else _("no")),
        (gettext_lazy("Updated"), lambda d: timezone.localtime(d.updated_at).strftime("%Y-%m-%d")),
    ]

    def get_queryset(self):
        qs = selectors.documents_for_user(self.request.user)
        self.filter_form = LibraryFilterForm(self.request.GET or None)
        if self.filter_form.is_bound and self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["q"]:
                qs = qs.filter(Q(title__icontains=data["q"]) | Q(summary__icontains=data["q"]))
            if data["stage"] == "all":
                qs = qs.filter(stage="")
            elif data["stage"]:
                qs = qs.filter(Q(stage=data["stage"]) | Q(stage=""))
            if data["kind"]:
                qs = qs.filter(kind=data["kind"])
        elif self.filter_form.is_bound:
            qs = qs.none()
        return self.apply_sort(qs.defer("body"))

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            response.status_code = 400
        return response

    def get_breadcrumbs(self):
        return [(_("Methodology library"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context.update(
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
            can_manage=policy.is_pmo_staff(self.request.user),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
        )
        return context


class DocumentView(BreadcrumbsMixin, TemplateView):
    template_name = "projects/methodology/document.html"

    def dispatch(self, request, *args, **kwargs):
        self.document = selectors.document_for_user(request.user, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _library_trail((self.document.title, None))

    def get_context_data(self, **kwargs):
        can_manage = policy.is_pmo_staff(self.request.user)
        return super().get_context_data(
            document=self.document,
            body_html=render_markdown(self.document.body),
            attachment_name=Path(self.document.attachment.name).name
            if self.document.attachment
            else "",
            can_manage=can_manage,
            history=history_for(self.document, limit=20) if can_manage else [],
            **kwargs,
        )


class DocumentPublishView(DocumentView):
    """POST only: publish or withdraw."""

    http_method_names = ["post"]

    def post(self, request, slug):
        if not policy.is_pmo_staff(request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in ("publish", "unpublish"):
            context = self.get_context_data(page_errors=[_("Choose publish or unpublish.")])
            return self.render_to_response(context, status=400)
        try:
            services.method_document_set_published(
                document=self.document, by=request.user, published=action == "publish"
            )
        except ValidationError as error:
            context = self.get_context_data(page_errors=error.messages)
            return self.render_to_response(context, status=400)
        if action == "publish":
            messages.success(
                request, _("“%(title)s” is published.") % {"title": self.document.title}
            )
        else:
            messages.success(
                request,
                _("“%(title)s” is withdrawn: only PMO staff see it now.")
                % {"title": self.document.title},
            )
        return HttpResponseRedirect(reverse("projects:methodology_doc", args=[slug]))


class DocumentAttachmentView(View):
    """The template file, always as a download (never shown inline by the browser)."""

    def get(self, request, slug):
        document = selectors.document_for_user(request.user, slug)
        if not document.attachment:
            raise Http404("No file")
        try:
            handle = document.attachment.open("rb")
        except FileNotFoundError as exc:
            raise Http404("File missing") from exc
        return FileResponse(
            handle, as_attachment=True, filename=Path(document.attachment.name).name
        )


class DocumentFormView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    form_class = MethodDocumentForm
    template_name = "projects/methodology/document_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.is_pmo_staff(request.user):
            raise PermissionDenied
        if "slug" in kwargs:
            self.object = selectors.document_for_user(request.user, kwargs["slug"])
        else:
            self.object = MethodDocument()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        stage = self.request.GET.get("stage", "")
        if self.object.pk is None and stage in dict(
            MethodDocument._meta.get_field("stage").choices
        ):
            return {"stage": stage}
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        if self.object.pk:
            return _library_trail(
                (self.object.title, reverse("projects:methodology_doc", args=[self.object.slug])),
                (_("Edit"), None),
            )
        return _library_trail((_("New document"), None))

    def get_context_data(self, **kwargs):
        return super().get_context_data(document=self.object, **kwargs)

    def save(self, form):
        return services.method_document_save(
            document=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, document):
        return _("“%(title)s” saved.") % {"title": document.title}

    def success_url_for(self, document):
        return reverse("projects:methodology_doc", args=[document.slug])
