"""Permissions beyond "authenticated": who may read the dashboards' statistics."""

from rest_framework.permissions import BasePermission

from complaints.access import can_view_dashboard


class IsDashboardViewer(BasePermission):
    """The mayor's office, the Inspektorat and admins (docs/product.md F6)."""

    def has_permission(self, request, view) -> bool:
        return can_view_dashboard(request.user)
