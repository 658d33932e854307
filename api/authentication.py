"""How an API request proves who sends it: ``Authorization: Token <key>``, a django-rest-knox
token (stored only as a digest, with an expiry), beside the session of the pages.

knox's own class answers in English only, tells an inactive account from a wrong key, and fails
with a server error on a key that is not UTF-8; here every refused token is one 401 with one
message in the user's language.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

MSG_TOKEN_REFUSED = _("This token is not valid or has expired; log in again for a new one.")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except (exceptions.AuthenticationFailed, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed(MSG_TOKEN_REFUSED) from None


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of :class:`TokenAuthentication` (``Token <key>``)."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"
