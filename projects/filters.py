import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pmo.core import policy, roles
from pmo.core.models import Department
from projects.models import Health, Portfolio, Program, Project, Stage, Status


def _portfolios(request):
    return policy.portfolios_for_user(Portfolio.objects.all(), request.user)


def _programs(request):
    return policy.programs_for_user(Program.objects.all(), request.user)


def _managers(request):
    return (
        get_user_model()
        .objects.filter(groups__name__in=[roles.PM, roles.PMO], is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    portfolio = django_filters.ModelChoiceFilter(
        label=_("Portfolio"), queryset=_portfolios, to_field_name="code"
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=_programs, to_field_name="code"
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), to_field_name="code"
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    health = django_filters.ChoiceFilter(label=_("Health"), choices=Health.choices)
    project_manager = django_filters.ModelChoiceFilter(
        label=_("Project manager"), queryset=_managers, to_field_name="username"
    )

    class Meta:
        model = Project
        fields = []

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("Any")
            elif isinstance(field, forms.ChoiceField):
                field.choices = [("", _("Any")), *[c for c in field.choices if c[0] != ""]]
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))
