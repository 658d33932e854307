"""One path per operation under ``/api/v1/`` (docs/interface.md "REST API")."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from api.apis import (
    audit,
    complaints,
    directory,
    exports,
    integrity,
    public,
    publication,
    routing,
    staff,
    stats,
)
from complaints import converters  # noqa: F401  (registers <reference:> and <code:>)

app_name = "api"


def not_found(request):
    return JsonResponse({"message": _("Not found."), "errors": {}}, status=404)


urlpatterns = [
    path("public/figures/", public.PublicFiguresApi.as_view(), name="public-figures"),
    path("stats/overview/", stats.StatsOverviewApi.as_view(), name="stats-overview"),
    path("stats/trend/", stats.StatsTrendApi.as_view(), name="stats-trend"),
    path("stats/opds/", stats.StatsOpdsApi.as_view(), name="stats-opds"),
    path("stats/hotspots/", stats.StatsHotspotsApi.as_view(), name="stats-hotspots"),
    path("stats/export/", exports.StatsExportApi.as_view(), name="stats-export"),
    path("directory/services/", directory.ServiceListApi.as_view(), name="directory-services"),
    path("directory/opds/", directory.OpdListApi.as_view(), name="directory-opds"),
    path("directory/areas/", directory.AreaListApi.as_view(), name="directory-areas"),
    path("routing/preview/", routing.RoutingPreviewApi.as_view(), name="routing-preview"),
    path("complaints/", complaints.ComplaintSubmitApi.as_view(), name="complaint-submit"),
    path("track/", complaints.ComplaintTrackApi.as_view(), name="complaint-track"),
    path("track/messages/", complaints.ReporterMessageApi.as_view(), name="track-messages"),
    path("track/photos/", complaints.ReporterPhotosApi.as_view(), name="track-photos"),
    path("track/decision/", complaints.ReporterDecisionApi.as_view(), name="track-decision"),
    path("track/withdraw/", complaints.ReporterWithdrawApi.as_view(), name="track-withdraw"),
    path("track/proof/", integrity.ProofApi.as_view(), name="track-proof"),
    path(
        "integrity/checkpoints/",
        integrity.CheckpointListApi.as_view(),
        name="integrity-checkpoints",
    ),
    path("auth/token/", staff.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/logout/", staff.TokenLogoutApi.as_view(), name="auth-logout"),
    path("staff/complaints/", staff.StaffComplaintListApi.as_view(), name="staff-complaints"),
    path("staff/audit/", audit.StaffAuditApi.as_view(), name="staff-audit"),
    path("staff/audit/notices/", audit.StaffAuditNoticeApi.as_view(), name="staff-audit-notices"),
    path(
        "staff/complaints/<reference:reference>/audit/",
        audit.StaffComplaintAuditApi.as_view(),
        name="staff-complaint-audit",
    ),
    path(
        "staff/complaints/<reference:reference>/",
        staff.StaffComplaintDetailApi.as_view(),
        name="staff-complaint",
    ),
    path(
        "staff/complaints/<reference:reference>/transition/",
        staff.StaffTransitionApi.as_view(),
        name="staff-complaint-transition",
    ),
    path(
        "staff/complaints/<reference:reference>/messages/",
        staff.StaffMessageApi.as_view(),
        name="staff-complaint-messages",
    ),
    path(
        "staff/complaints/<reference:reference>/reassign/",
        staff.StaffReassignApi.as_view(),
        name="staff-complaint-reassign",
    ),
    path(
        "staff/complaints/<reference:reference>/reroute/",
        staff.StaffRerouteRequestApi.as_view(),
        name="staff-complaint-reroute",
    ),
    path(
        "staff/complaints/<reference:reference>/reroute/decision/",
        staff.StaffRerouteDecisionApi.as_view(),
        name="staff-complaint-reroute-decision",
    ),
    path(
        "staff/complaints/<reference:reference>/merge/",
        staff.StaffMergeApi.as_view(),
        name="staff-complaint-merge",
    ),
    path(
        "staff/complaints/<reference:reference>/summary/",
        staff.StaffPublicSummaryApi.as_view(),
        name="staff-complaint-summary",
    ),
    path(
        "staff/complaints/<reference:reference>/public-summary/",
        publication.StaffSummaryPublishApi.as_view(),
        name="staff-complaint-public-summary",
    ),
    path(
        "staff/complaints/<reference:reference>/legal-hold/",
        staff.StaffLegalHoldApi.as_view(),
        name="staff-complaint-legal-hold",
    ),
    path(
        "staff/evidence/<uuid:evidence_id>/",
        staff.StaffEvidenceApi.as_view(),
        name="staff-evidence",
    ),
    path(
        "staff/evidence/<uuid:evidence_id>/thumbnail/",
        staff.StaffEvidenceApi.as_view(size="thumb"),
        name="staff-evidence-thumb",
    ),
    # Last: any other address under /api/v1/ (a malformed evidence id too) is the API's JSON
    # 404, not the HTML page of the site. Only addresses ending in "/", so that Django still
    # redirects "complaints" to "complaints/" (APPEND_SLASH).
    re_path(r"^.*/$", not_found),
]
