"""Domain errors that cross the bus and become RFC 9457 problem details at the gateway."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A request that cannot be applied. It changes nothing and says why.

    ``type`` is a stable slug (``handle-taken``); the gateway turns it into a problem type URI.
    """

    status: ClassVar[int] = 400
    default_type: ClassVar[str] = "bad-request"
    default_title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, type: str | None = None, title: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.type = type or self.default_type
        self.title = title or self.default_title

    def to_problem(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }

    @staticmethod
    def from_problem(problem: dict[str, Any]) -> DomainError:
        status = int(problem.get("status", 500))
        cls = _BY_STATUS.get(status, DomainError)
        error = cls(
            str(problem.get("detail", "")),
            type=str(problem.get("type", cls.default_type)),
            title=str(problem.get("title", cls.default_title)),
        )
        if cls is DomainError and status != DomainError.status:
            error.status = status  # type: ignore[misc]
        return error


class InvalidInput(DomainError):
    status = 422
    default_type = "invalid-input"
    default_title = "Invalid input"


class Unauthorized(DomainError):
    status = 401
    default_type = "unauthenticated"
    default_title = "Not authenticated"


class Forbidden(DomainError):
    status = 403
    default_type = "forbidden"
    default_title = "Not allowed"


class NotFound(DomainError):
    status = 404
    default_type = "not-found"
    default_title = "Not found"


class Conflict(DomainError):
    status = 409
    default_type = "conflict"
    default_title = "Conflicts with the current state"


class RateLimited(DomainError):
    status = 429
    default_type = "rate-limited"
    default_title = "Too many requests"


class ServiceUnavailable(DomainError):
    """Nothing was applied: nobody answered (``service-unavailable``), or the service refused
    the request before applying anything because it could not start it in time
    (``overloaded``). Safe to retry (after ``Retry-After``)."""

    status = 503
    default_type = "service-unavailable"
    default_title = "Service unavailable"


class OutcomeUnknown(DomainError):
    """A command was sent but no answer came in time: it may or may not have been applied.
    A retry with the same command id (``Idempotency-Key``) gets its real outcome."""

    status = 504
    default_type = "outcome-unknown"
    default_title = "Outcome unknown"


_BY_STATUS: dict[int, type[DomainError]] = {
    cls.status: cls
    for cls in (
        InvalidInput,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        RateLimited,
        ServiceUnavailable,
        OutcomeUnknown,
    )
}
_BY_STATUS[400] = DomainError
