"""Websocket URL patterns (named so as not to clash with the ``routing`` app)."""

from django.urls import path

from frontend import consumers

websocket_urlpatterns = [
    path("ws/track/", consumers.ReporterConsumer.as_asgi()),
    path("ws/staff/", consumers.StaffConsumer.as_asgi()),
]
