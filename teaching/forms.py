"""Forms of the teaching pages; the messages users see are constants the tests assert."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from courses.models import Course

NAME_TAKEN = gettext_noop("This course already has a cohort with this name.")
SCORE_RANGE = gettext_noop("Give a score between 0 and {points}.")


def plain(number: Decimal) -> str:
    """2.50 as "2.5" and 10.00 as "10": how a person writes a score."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, strip=True)

    def __init__(self, *args, course: Course, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course = course

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if self.course.cohorts.filter(name__iexact=name).exists():
            raise forms.ValidationError(gettext(NAME_TAKEN), code="taken")
        return name


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"), max_length=40, strip=True,
        help_text=_("The eight-character code your instructor gave you; capitals or not."),
    )  # fmt: skip


class GradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), max_digits=8, decimal_places=3)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The learner sees it with their result."),
    )  # fmt: skip

    def __init__(self, *args, points: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["score"].help_text = gettext("From 0 to {points}.").format(points=plain(points))
        self.fields["score"].widget.attrs.update(min=0, max=points, step="any")

    def clean_score(self) -> Decimal:
        score = self.cleaned_data["score"]
        if not Decimal(0) <= score <= self.points:
            raise forms.ValidationError(
                gettext(SCORE_RANGE).format(points=plain(self.points)), code="range"
            )
        return score
