"""``/staf/notifikasi/``: the logged-in staff member chooses immediate, daily or no e-mail.

A plain form (CSRF, no JavaScript); a choice that is not one of the three is a 400 with the
form again, in the user's language. Logic lives in ``notifications.preferences``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from notifications.models import Mode
from notifications.preferences import default_mode, mode_of, mode_set

FIELD = "mode"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    errors = {}
    if request.method == "POST":
        chosen = request.POST.get(FIELD, "")
        if chosen in Mode.values:
            mode_set(user=user, mode=chosen)
            messages.success(request, _("Your e-mail notification choice is saved."))
            return redirect("notifications:preferences")
        errors[FIELD] = [_("Choose one of the options.")]
    context = {
        "modes": Mode.choices,
        "current": mode_of(user) if user.email else default_mode(user),
        "has_email": bool(user.email),
        "errors": errors,
        "error_ids": {FIELD: f"{FIELD}-{Mode.IMMEDIATE}"},
    }
    return render(request, "notifications/preferences.html", context, status=400 if errors else 200)
