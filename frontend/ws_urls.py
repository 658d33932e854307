"""Websocket URL patterns (named so as not to clash with the ``routing`` app)."""

websocket_urlpatterns = []
