"""One path per operation under ``/api/v1/`` (CONTRACT.md "REST API")."""

from django.urls import path

from api.apis import complaints, directory, routing

app_name = "api"

urlpatterns = [
    path("directory/services/", directory.ServiceListApi.as_view(), name="directory-services"),
    path("directory/opds/", directory.OpdListApi.as_view(), name="directory-opds"),
    path("directory/areas/", directory.AreaListApi.as_view(), name="directory-areas"),
    path("routing/preview/", routing.RoutingPreviewApi.as_view(), name="routing-preview"),
    path("complaints/", complaints.ComplaintSubmitApi.as_view(), name="complaint-submit"),
    path("track/", complaints.ComplaintTrackApi.as_view(), name="complaint-track"),
]
