"""The review form: date, probability and impact (labelled from the matrix), status, comment."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionField
from risks import scoring
from risks.models import Risk, RiskStatus
from risks.services.reviews import COMMENT_MAX_LENGTH, REVIEW_STATUSES


def level_choices(levels) -> list[tuple[int, str]]:
    """``4 · Likely — More likely than not``: the level, its label and what it means."""
    choices = []
    for level in levels:
        label = f"{level.value} · {level.label}"
        if level.description:
            label = f"{label} — {level.description}"
        choices.append((level.value, label))
    return choices or [(v, str(v)) for v in scoring.LEVELS]


class ReviewStatusField(forms.ChoiceField):
    """Offers the statuses a review may set, and lets "occurred" through to the service,
    which answers with where to record it instead of a bare "not a valid choice"."""

    def valid_value(self, value):
        return value == RiskStatus.OCCURRED or super().valid_value(value)


class LevelField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("Review date"),
        widget=DateInput(),
        help_text=_("Not in the future, nor before the last review."),
    )
    probability = LevelField(
        label=_("Probability"),
        error_messages={
            "invalid_choice": _("Choose a probability on the matrix (1-5)."),
            "required": _("Choose a probability on the matrix (1-5)."),
        },
    )
    impact = LevelField(
        label=_("Impact"),
        error_messages={
            "invalid_choice": _("Choose an impact on the matrix (1-5)."),
            "required": _("Choose an impact on the matrix (1-5)."),
        },
    )
    status = ReviewStatusField(
        label=_("Status after the review"),
        error_messages={"required": _("Choose the risk's status after the review.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you found, what changed since the last review, and why the assessment is "
            "what it is. Kept in the risk's history."
        ),
        error_messages={
            "required": _(
                "Say what you found and why the assessment is what it is; the comment is "
                "kept in the risk's history."
            )
        },
    )
    version = VersionField()

    def __init__(self, *args, matrix: scoring.MatrixSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["probability"].choices = [("", "—"), *level_choices(matrix.probability)]
        self.fields["impact"].choices = [("", "—"), *level_choices(matrix.impact)]
        self.fields["status"].choices = [
            (value, label) for value, label in RiskStatus.choices if value in REVIEW_STATUSES
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("reviewed_on", css_class="col-md-4"),
                Column("status", css_class="col-md-4"),
            ),
            Field("probability"),
            Field("impact"),
            Field("comment"),
            "version",
        )

    @classmethod
    def for_risk(cls, risk: Risk, *, matrix: scoring.MatrixSpec) -> "ReviewForm":
        """The form as it opens: today, the risk's current levels and status."""
        status = risk.status if risk.status in REVIEW_STATUSES else RiskStatus.MONITORING
        return cls(
            matrix=matrix,
            initial={
                "reviewed_on": timezone.localdate(),
                "probability": risk.current_probability,
                "impact": risk.current_impact,
                "status": status,
                "version": risk.version,
            },
        )
