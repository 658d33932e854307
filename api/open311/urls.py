"""The GeoReport v2 paths under ``/open311/v2/``: each in ``.json`` and ``.xml``."""

from django.urls import re_path

from api.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9._-]{1,64}?)" + FMT, views.service, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^requests/(?P<reference>[A-Za-z0-9-]{1,40})" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^.*\.xml$", views.not_found, kwargs={"fmt": "xml"}),
    re_path(r"^.*$", views.not_found),
]
