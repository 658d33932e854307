"""Page URLs (CONTRACT.md "Pages"), in Indonesian."""

from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("lapor/", views.report, name="report"),
    path("pantau/", views.track, name="track"),
    path(
        "staf/masuk/",
        auth_views.LoginView.as_view(template_name="frontend/staff/login.html"),
        name="login",
    ),
    path("staf/keluar/", auth_views.LogoutView.as_view(next_page="frontend:home"), name="logout"),
    path("staf/bukti/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path(
        "staf/bukti/<uuid:evidence_id>/kecil/",
        views.evidence_file,
        {"size": "thumb"},
        name="evidence-thumb",
    ),
]
