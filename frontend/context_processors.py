"""What every page's template may read: the limits the forms announce (``limits``) and the
city whose portal it is (``city``, from ``frontend.identity``).

The same figures the server enforces (``complaints.models.TEXT_MAX``, the photo caps in
settings), so a ``maxlength`` or a "up to N photos" never disagrees with a refusal.
"""

from django.conf import settings

from complaints.models import TEXT_MAX
from frontend.identity import city as _city


def limits(request) -> dict:
    return {
        "limits": {
            "text_max": TEXT_MAX,
            "max_photos": settings.PORTAL_MAX_PHOTOS,
            "max_photos_per_complaint": settings.PORTAL_MAX_PHOTOS_PER_COMPLAINT,
            "max_photo_mb": settings.PORTAL_MAX_PHOTO_BYTES // (1024 * 1024),
        }
    }


def city(request) -> dict:
    return {"city": _city()}
