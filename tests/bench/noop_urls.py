"""The portal's URL map plus ``bench/noop/``: a DRF ``APIView`` that returns ``{}``.

The baseline B of the submission benchmark: the same server, the same middleware stack, DRF's
request and response machinery, and nothing else (no authentication, throttle or database).
"""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as portal_urlpatterns


class NoOpApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    def get(self, request):
        return Response({})

    def post(self, request):
        return Response({})


urlpatterns = [path("bench/noop/", NoOpApi.as_view()), *portal_urlpatterns]
