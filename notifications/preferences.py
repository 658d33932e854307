"""How often each staff member is e-mailed, and who may be e-mailed at all.

The default, for a staff member who never chose: **immediate** for those who act on complaints
(an office's staff, the complaint desk, the Inspektorat), who should not have to watch the inbox;
**daily** for the mayor's office and administrators, who may see every complaint in the city and
act on few. Without an e-mail address, none.
"""

from django.contrib.auth import get_user_model

from complaints.access import account_of
from complaints.models import StaffRole
from notifications.models import Mode, Preference


def default_mode(user) -> str:
    account = account_of(user)
    if not account.active:
        return Mode.NONE
    acts = account.opd_id is not None or account.groups & {
        StaffRole.KOORDINATOR,
        StaffRole.INSPEKTORAT,
        StaffRole.OPD_STAFF,
    }
    return Mode.IMMEDIATE if acts else Mode.DAILY


def mode_of(user) -> str:
    """The mode ``user`` is e-mailed in now (``none`` without an address)."""
    if not user.email or not user.is_active:
        return Mode.NONE
    chosen = Preference.objects.filter(user=user).values_list("mode", flat=True).first()
    return chosen or default_mode(user)


def mode_set(*, user, mode: str) -> Preference:
    """Record ``user``'s choice (``mode`` is one of ``Mode``; the caller validated it)."""
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"mode": mode})
    return preference


def users_in_mode(mode: str) -> list:
    """The active accounts with an address that are e-mailed in ``mode``."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    return [user for user in users if mode_of(user) == mode]
