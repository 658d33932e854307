"""Filters of the staff complaint lists (API and inbox page): one FilterSet, strict about input."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import FINAL_STATUSES, Category, Complaint, Status

SORTS = {
    "deadline": (F("due_at").asc(nulls_last=True), "-created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
}


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    service = django_filters.CharFilter(field_name="service__code")
    opd = django_filters.CharFilter(field_name="opd__code")
    kecamatan = django_filters.CharFilter(field_name="kecamatan__code")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    sort = django_filters.ChoiceFilter(
        choices=[("deadline", _("Deadline")), ("newest", _("Newest")), ("oldest", _("Oldest"))],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Complaint
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_at__lt=timezone.now()) & ~Q(status__in=FINAL_STATUSES)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*SORTS["deadline"])
        return queryset
