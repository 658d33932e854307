"""Domain errors: what the domain refuses, and why, without any notion of HTTP.

Each carries a message for people (already translated) and, where a field is at fault, the
errors by field. The interfaces map the kinds to their own answers: the API's one exception
handler (``api.exception_handlers``) and the pages (``frontend.errors``).
"""


class ApplicationError(Exception):
    """A request the domain refuses. Subclasses say why; this base means "invalid input"."""

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.errors = errors or {}

    @classmethod
    def on_field(cls, field: str, message) -> "ApplicationError":
        """The error of one field: the same message as the summary and beside the field."""
        return cls(str(message), errors={field: [str(message)]})


class InvalidInput(ApplicationError):
    """The request itself is wrong: a missing reason, an unknown office, a rating out of range."""


class TooLarge(InvalidInput):
    """A file or a body above its limit."""


class UnsupportedMedia(InvalidInput):
    """A file that is not of an accepted kind (a photo that is not a JPEG, PNG or WebP)."""


class NotPermitted(ApplicationError):
    """The user may see the complaint but not do this to it."""


class NotFound(ApplicationError):
    """Nothing the user may see answers to this (never a hint that it exists)."""


class Conflict(ApplicationError):
    """The complaint's state does not allow this now (closed, already decided, …)."""


# The names the rest of the code reads best with.
TransitionNotAllowed = Conflict
ComplaintNotFound = NotFound
