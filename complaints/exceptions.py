"""Domain errors. The API's one exception handler turns each into ``{"message", "errors"}``."""


class ApplicationError(Exception):
    """A request the domain refuses, with the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None, status=None):
        super().__init__(message)
        self.message = str(message)
        self.errors = errors or {}
        if status is not None:
            self.status = status


class TransitionNotAllowed(ApplicationError):
    status = 409


class ComplaintNotFound(ApplicationError):
    status = 404
