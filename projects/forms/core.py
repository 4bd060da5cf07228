from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pmo.core import roles
from pmo.core.models import Department
from projects.models import Portfolio, Program, Project, ProjectMembership, ProjectRole


def users_with_roles(*codes):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=codes)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionField(forms.IntegerField):
    """The row version the form was loaded with (optimistic locking)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class VersionedModelForm(forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or self.instance.version

    def model_data(self) -> dict:
        """Cleaned values of the model's own fields, for the service layer."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in self.disabled_fields()
        }

    def disabled_fields(self) -> set[str]:
        return {name for name, f in self.fields.items() if f.disabled}


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "portfolio",
            "program",
            "department",
            "sponsor",
            "project_manager",
            "stage",
            "status",
            "health",
            "health_reason",
            "priority",
            "planned_start",
            "planned_finish",
            "calendar",
            "currency",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_finish": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "health_reason": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_archived=False)
        self.fields["program"].queryset = Program.objects.filter(is_archived=False).select_related(
            "portfolio"
        )
        self.fields["program"].label_from_instance = lambda p: f"{p.name} ({p.portfolio.name})"
        self.fields["department"].queryset = Department.objects.all()
        self.fields["project_manager"].queryset = users_with_roles(roles.PM, roles.PMO)
        self.fields["sponsor"].queryset = users_with_roles(roles.EXECUTIVE, roles.PMO)
        if self.instance.pk:
            # Codes appear in every URL and export; changing one would break links.
            self.fields["code"].disabled = True
            self.fields["code"].required = False
            self.fields["code"].help_text = ""
            # The stage moves only through an approved stage gate review.
            self.fields["stage"].disabled = True
            self.fields["stage"].required = False
            self.fields["stage"].help_text = _("Changes through a stage gate review.")
        else:
            self.fields["code"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Row(Column("code", css_class="col-md-3"), Column("name", css_class="col-md-9")),
                "description",
            ),
            Fieldset(
                _("Place in the portfolio"),
                Row(Column("portfolio"), Column("program"), Column("department")),
                Row(Column("project_manager"), Column("sponsor"), Column("priority")),
            ),
            Fieldset(
                _("Lifecycle and health"),
                Row(Column("stage"), Column("status"), Column("health")),
                Field("health_reason"),
            ),
            Fieldset(
                _("Schedule"),
                Row(Column("planned_start"), Column("planned_finish"), Column("calendar")),
            ),
            Fieldset(_("Budget"), Row(Column("currency", css_class="col-md-3"))),
            "version",
        )


class PortfolioForm(VersionedModelForm):
    class Meta:
        model = Portfolio
        fields = ["code", "name", "description", "owner", "is_archived"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_roles(roles.PMO, roles.EXECUTIVE)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class ProgramForm(VersionedModelForm):
    class Meta:
        model = Program
        fields = ["code", "name", "description", "portfolio", "manager", "is_archived"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_archived=False)
        self.fields["manager"].queryset = users_with_roles(roles.PM, roles.PMO)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class MembershipAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("Role on the project"), choices=ProjectRole.choices)
    can_edit = forms.BooleanField(label=_("Can edit the plan"), required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        taken = list(project.memberships.values_list("user_id", flat=True))
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(pk__in=[*taken, project.project_manager_id])
            .order_by("last_name", "first_name", "username")
        )
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Row(
                Column("user", css_class="col-md-5"),
                Column("role", css_class="col-md-4"),
                Column("can_edit", css_class="col-md-3"),
            ),
        )
        self.helper.add_input(Submit("add", _("Add to the team")))


class MembershipForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = ProjectMembership
        fields = ["role", "can_edit"]
        widgets = {"role": forms.Select(attrs={"class": "form-select form-select-sm"})}


class HealthForm(forms.Form):
    """The quick health update on the project page."""

    health = forms.ChoiceField(label=_("Health"), choices=Project._meta.get_field("health").choices)
    health_reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.TextInput()
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["health"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["health_reason"].widget.attrs["class"] = "form-control form-control-sm"
