"""The URL map: pages at the root, the API under /api/v1/, the admin under /admin/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import readyz
from config.metrics import metrics_view
from frontend.identity import brand_admin
from frontend.logins import admin_site_limit

# The admin's login counts its attempts like every other login form (complaints.logins).
admin_site_limit(admin.site)
# The admin names the city, not "Django" (frontend.identity).
brand_admin(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    # For operators: readiness of the dependencies, and Prometheus metrics behind a token.
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("staf/notifikasi/", include("notifications.urls")),
    # The crest, the favicons and the colour theme (frontend.identity_views).
    path("", include("frontend.identity_views")),
    path("", include("frontend.urls")),
]
