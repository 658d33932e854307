"""Filters of the staff complaint lists (API and inbox page): one FilterSet, strict about input."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from complaints.inputs import MSG_DATE, ascii_date
from complaints.models import Category, Complaint, Status

SORTS = {
    "deadline": (F("due_at").asc(nulls_last=True), "-created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
}


class StrictBooleanField(forms.NullBooleanField):
    """``true`` or ``false`` (or empty: no filter); anything else is an error.

    Django's NullBooleanField reads an unknown value as "unknown", which would turn
    ``?overdue=maybe`` into a silently unfiltered list.
    """

    widget = forms.TextInput
    TRUE = ("true", "True", "1")
    FALSE = ("false", "False", "0")

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value in self.TRUE:
            return True
        if value is False or value in self.FALSE:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictDateField(forms.DateField):
    """``YYYY-MM-DD`` in the digits 0-9 (``complaints.inputs.ascii_date``): Django's own date
    field also reads other scripts' digits and several other formats."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return ascii_date(value)
        except ValueError:
            raise ValidationError(MSG_DATE, code="invalid") from None


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    service = django_filters.CharFilter(field_name="service__code")
    opd = django_filters.CharFilter(field_name="opd__code")
    kecamatan = django_filters.CharFilter(field_name="kecamatan__code")
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))
    created_after = StrictDateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = StrictDateFilter(field_name="created_at", lookup_expr="date__lte")
    sort = django_filters.ChoiceFilter(
        choices=[("deadline", _("Deadline")), ("newest", _("Newest")), ("oldest", _("Oldest"))],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Complaint
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.not_overdue()

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*SORTS["deadline"])
        return queryset
