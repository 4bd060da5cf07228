"""The PMO's risk standards: the matrix page (everyone reads it, PMO staff edit it),
risk categories, and each portfolio's risk appetite."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from pmo.core.history import history_for
from pmo.core.mixins import BreadcrumbsMixin, ServiceFormMixin
from risks import access
from risks.forms.config import AppetiteForm, CategoryForm, MatrixForms
from risks.models import RiskCategory
from risks.selectors import config as selectors
from risks.selectors.register import text_colour
from risks.services import config as services
from risks.views.base import RegisterMixin

HISTORY_LIMIT = 30


def _risks_trail() -> list[tuple[str, str | None]]:
    """ "Risks" in the breadcrumbs, linking to the risks home page once it exists."""
    try:
        return [(_("Risks"), reverse("risks:home"))]
    except NoReverseMatch:
        return [(_("Risks"), None)]


def _require_pmo(user) -> None:
    if not access.can_configure_matrix(user):
        raise PermissionDenied


def _form_value(value) -> str:
    return "" if value is None else str(value)


# --- The matrix ------------------------------------------------------------------------------
class MatrixView(BreadcrumbsMixin, TemplateView):
    """GET: what the scores mean; ``?edit=1`` (PMO staff): the form. POST: save it."""

    template_name = "risks/config/matrix.html"

    def get_breadcrumbs(self):
        return [*_risks_trail(), (_("Risk matrix"), None)]

    def get(self, request, *args, **kwargs):
        if request.GET.get("edit"):
            _require_pmo(request.user)
            levels, bands = selectors.matrix_rows()
            return self._render(MatrixForms(levels, bands))
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.matrix_page()
        counts = selectors.open_risks_by_band(page.spec)
        context.update(
            page=page,
            bands=[
                {
                    "band": band,
                    "text": text_colour(band.colour),
                    "open_risks": counts.get(band.code, 0),
                }
                for band in page.bands
            ],
            can_configure=access.can_configure_matrix(self.request.user),
        )
        if context["can_configure"]:
            context["history"] = _matrix_history(page)
        return context

    def _render(self, forms, *, status=200, **extra):
        forms.mark_invalid()
        context = super().get_context_data(forms=forms, editing=True, **extra)
        context["breadcrumbs"] = [
            *_risks_trail(),
            (_("Risk matrix"), reverse("risks:matrix")),
            (_("Edit"), None),
        ]
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        _require_pmo(request.user)
        levels, bands = selectors.matrix_rows()
        forms = MatrixForms(levels, bands, data=request.POST)
        if not forms.is_valid():
            return self._render(forms, status=400)
        level_rows, band_rows = forms.service_rows()
        try:
            result = services.matrix_save(by=request.user, levels=level_rows, bands=band_rows)
        except services.MatrixStaleError as error:
            return self._stale(forms, error)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                forms.apply_errors(error.message_dict)
            else:
                forms.non_field_errors.extend(error.messages)
            return self._render(forms, status=400)
        if result.rows_changed:
            message = _("Risk matrix saved.")
            if result.risks_updated:
                message += " " + ngettext(
                    "%(n)d open risk has a new review date or escalation.",
                    "%(n)d open risks have a new review date or escalation.",
                    result.risks_updated,
                ) % {"n": result.risks_updated}
            messages.success(request, message)
        else:
            messages.info(request, _("Nothing changed in the risk matrix."))
        return HttpResponseRedirect(reverse("risks:matrix"))

    def _stale(self, forms, error: services.MatrixStaleError):
        """409: rows the user left alone take the other person's values; their input stays.

        Every row carries its current version afterwards, so saving again is deliberate.
        Bands someone else added appear with their values; removed ones disappear.
        """
        data = self.request.POST.copy()
        for _what, current, changes in error.rows:
            if current is None:
                continue
            prefix = f"{'level' if current._meta.model_name == 'matrixlevel' else 'band'}-"
            prefix += str(current.pk)
            for change in changes:
                key = f"{prefix}-{change.field}"
                if key in data and data.get(key, "") == _form_value(change.old_value):
                    data[key] = _form_value(change.new_value)
            data[f"{prefix}-version"] = str(current.version)
        levels, bands = selectors.matrix_rows()
        if error.structural:
            current_ids = {b.pk for b in bands}
            for key in list(data):
                if key.startswith("band-") and not key.startswith("band-new"):
                    pk = key.split("-")[1]
                    if pk.isdigit() and int(pk) not in current_ids:
                        del data[key]
            for band in bands:
                prefix = f"band-{band.pk}"
                if f"{prefix}-version" not in data:
                    for name in (*services.BAND_FIELDS, "version"):
                        data[f"{prefix}-{name}"] = _form_value(getattr(band, name))
        forms = MatrixForms(levels, bands, data=data)
        forms.is_valid()
        return self._render(forms, status=409, stale_error=error)


def _matrix_history(page) -> list:
    """The latest changes to the matrix's levels and bands, newest first."""
    entries = []
    for row in [*page.probability, *page.impact, *page.bands]:
        for entry in history_for(row, limit=5):
            entry.row = str(row)
            entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]


# --- Categories ------------------------------------------------------------------------------
class CategoryListView(BreadcrumbsMixin, TemplateView):
    template_name = "risks/config/categories.html"

    def get_breadcrumbs(self):
        return [*_risks_trail(), (_("Risk categories"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=selectors.categories_with_counts(),
            can_configure=access.can_configure_matrix(self.request.user),
            **kwargs,
        )


class CategoryFormView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    """Create (no ``pk``) or edit a category; deactivating happens here too."""

    form_class = CategoryForm
    template_name = "risks/config/category_form.html"

    def dispatch(self, request, *args, **kwargs):
        _require_pmo(request.user)
        self.category = selectors.get_category(kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        instance = self.category or RiskCategory()
        return {**super().get_form_kwargs(), "instance": instance}

    def get_breadcrumbs(self):
        trail = [*_risks_trail(), (_("Risk categories"), reverse("risks:categories"))]
        if self.category is None:
            return [*trail, (_("New category"), None)]
        return [*trail, (self.category.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(category=self.category, **kwargs)
        if self.category is not None:
            context["history"] = history_for(self.category, limit=HISTORY_LIMIT)
        return context

    def save(self, form):
        data = form.model_data()
        if self.category is None:
            return services.category_save(by=self.request.user, category=form.instance, data=data)
        return services.category_save(
            by=self.request.user,
            category=form.instance,
            data=data,
            expected_version=form.expected_version,
        )

    def handle_stale(self, form, error):
        self.category = error.current
        return super().handle_stale(form, error)

    def success_message(self, category):
        if self.category is None:
            return _("Category “%(name)s” added.") % {"name": category.name}
        return _("Category “%(name)s” saved.") % {"name": category.name}

    def success_url_for(self, category):
        return reverse("risks:categories")


# --- Appetite --------------------------------------------------------------------------------
class PortfolioAppetiteView(RegisterMixin, ServiceFormMixin, FormView):
    """A portfolio's risk appetite: everyone who sees the portfolio reads it, PMO staff set it."""

    template_name = "risks/config/appetite.html"
    form_class = AppetiteForm
    register_area = "appetite"

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("kind") != "portfolio":
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.appetite = None

    @property
    def can_configure(self) -> bool:
        return access.can_configure_matrix(self.request.user)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Risk appetite"), None)]

    def get_initial(self):
        if self.appetite is None:
            return {}
        return {
            "max_score": self.appetite.max_score,
            "statement": self.appetite.statement,
            "version": self.appetite.version,
        }

    def get(self, request, *args, **kwargs):
        self.appetite = selectors.appetite_of(self.register.obj)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        _require_pmo(request.user)
        self.appetite = selectors.appetite_of(self.register.obj)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portfolio = self.register.obj
        max_score = self.appetite.max_score if self.appetite else None
        page = selectors.matrix_page()
        context.update(
            appetite=self.appetite,
            can_configure=self.can_configure,
            summary=selectors.appetite_summary(portfolio, max_score),
            escalated=selectors.escalated_risks(portfolio),
            page=page,
            history=history_for(self.appetite, limit=HISTORY_LIMIT) if self.appetite else [],
        )
        if not self.can_configure:
            context.pop("form", None)
        return context

    def save(self, form):
        result = services.appetite_save(
            by=self.request.user,
            portfolio=self.register.obj,
            max_score=form.cleaned_data["max_score"],
            statement=form.cleaned_data["statement"],
            expected_version=form.cleaned_data.get("version"),
        )
        self.result = result
        return result

    def handle_stale(self, form, error):
        self.appetite = error.current
        return super().handle_stale(form, error)

    def success_message(self, result):
        message = _("Risk appetite of %(code)s saved: scores above %(score)s are escalated.") % {
            "code": self.register.code,
            "score": result.appetite.max_score,
        }
        if result.risks_updated:
            message += " " + ngettext(
                "%(n)d open risk was escalated or had its escalation lifted.",
                "%(n)d open risks were escalated or had their escalation lifted.",
                result.risks_updated,
            ) % {"n": result.risks_updated}
        return message

    def success_url_for(self, result):
        return self.register.url("appetite")
