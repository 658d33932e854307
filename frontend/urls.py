"""Page URLs (docs/interface.md "Pages"), in Indonesian."""

from django.contrib.auth import views as auth_views
from django.urls import path

from complaints import converters  # noqa: F401  (registers <reference:> and <code:>)
from frontend import audit, dashboards, staff, views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("lapor/", views.report, name="report"),
    path("pantau/", views.track, name="track"),
    path("pantau/balas/", views.track_action, {"action": "reply"}, name="track-reply"),
    path("pantau/foto/", views.track_action, {"action": "photos"}, name="track-photos"),
    path("pantau/bukti/", views.track_proof, name="track-proof"),
    path("pantau/tanda-terima/", views.receipt_file, name="track-receipt-file"),
    path("pantau/keputusan/", views.track_action, {"action": "decision"}, name="track-decision"),
    path("pantau/tarik/", views.track_action, {"action": "withdraw"}, name="track-withdraw"),
    path("transparansi/", dashboards.transparency, name="transparency"),
    path("standar/", dashboards.standards, name="standards"),
    path("standar/<code:code>/poster/", dashboards.poster, name="poster"),
    path("dasbor/", dashboards.dashboard, name="dashboard"),
    path("dasbor/ekspor/", dashboards.dashboard_export, name="dashboard-export"),
    path("staf/", staff.inbox, name="staff-inbox"),
    path("staf/pengaduan/<reference:reference>/", staff.complaint_detail, name="staff-complaint"),
    path("staf/audit/", audit.audit, name="staff-audit"),
    path("staf/masuk/", staff.StaffLoginView.as_view(), name="login"),
    path("staf/keluar/", auth_views.LogoutView.as_view(next_page="frontend:home"), name="logout"),
    path("staf/bukti/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path(
        "staf/bukti/<uuid:evidence_id>/kecil/",
        views.evidence_file,
        {"size": "thumb"},
        name="evidence-thumb",
    ),
]
