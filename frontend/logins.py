"""The login forms of the pages — the staff login and the Django admin's — through
``complaints.logins``, and their answer when an attempt is refused: 429 with ``Retry-After``
and the reason in the user's language.
"""

import functools

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from complaints.logins import LoginRefused, login_authenticate


class LimitedLoginMixin:
    """Django's ``AuthenticationForm.clean``, with the password checked only through
    :func:`complaints.logins.login_authenticate`. ``refusal`` is the :class:`LoginRefused`
    when the attempt was refused before its password was checked."""

    refusal: LoginRefused | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(
                    self.request, username=username, password=password
                )
            except LoginRefused as refusal:
                self.refusal = refusal
                raise ValidationError(refusal.message, code="refused") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class StaffLoginForm(LimitedLoginMixin, AuthenticationForm):
    """The form of ``/staf/masuk/``."""


class AdminLoginForm(LimitedLoginMixin, AdminAuthenticationForm):
    """The form of ``/admin/login/`` (staff accounts only, as Django's)."""


def refused_as_429(response):
    """A login page's answer, with status 429 and ``Retry-After`` when its form was refused."""
    context = getattr(response, "context_data", None) or {}
    refusal = getattr(context.get("form"), "refusal", None)
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response


def admin_site_limit(site) -> None:
    """Make ``site``'s login (Django's admin) count its attempts like every other login form.

    The admin's own login view stays; only its form and its refused status change. Calling this
    again replaces the hook rather than wrapping it twice.
    """
    # The class's own view (``__class__`` sees through the lazy ``admin.site``), not an
    # earlier hook.
    view = site.__class__.login.__get__(site)

    @functools.wraps(view)
    def login(request, extra_context=None):
        return refused_as_429(view(request, extra_context))

    site.login_form = AdminLoginForm
    site.login = login
