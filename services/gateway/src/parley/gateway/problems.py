"""Every error the gateway answers, as RFC 9457 problem details (``application/problem+json``).

One shape from three sources:
- domain errors a service answered over the bus: status and slug pass straight through;
- errors the gateway raises itself (:class:`Problem`): credentials, rate limits, readiness;
- Litestar's own HTTP errors: unknown route, wrong method, body too large, malformed or invalid
  input.
Anything else is a bug: it is logged with the request id and answered with a bare 500, never a
stack trace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    SerializationException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap
from pydantic import BaseModel, Field

from parley.chassis.bus import NOT_SIGNED_IN
from parley.chassis.errors import DomainError
from parley.chassis.logs import get_logger
from parley.gateway.request_ids import request_id_of

log = get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
ERRORS_BASE = "https://parley.dev/errors/"


class FieldProblem(BaseModel):
    field: str = Field(description="Name of the offending field or parameter")
    source: str = Field(description="Where it was: body, query, path, header or cookie")
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error response of this API."""

    type: str = Field(
        description="URI whose last segment is a stable slug",
        examples=["https://parley.dev/errors/handle-taken"],
    )
    title: str = Field(description="Short summary of the problem type")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong with this request")
    instance: str | None = Field(default=None, description="The request path")
    request_id: str | None = Field(default=None, description="Echo of X-Request-Id")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For invalid input: one entry per offending field"
    )


class Problem(Exception):
    """An error the gateway itself answers (as opposed to one a service answered)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})


def type_uri(slug: str) -> str:
    return slug if ":" in slug else f"{ERRORS_BASE}{slug}"


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    errors: list[FieldProblem] | None = None,
) -> Response[bytes]:
    body: dict[str, Any] = {
        "type": type_uri(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.scope.get("path", ""),
        "request_id": request_id_of(request.scope),
    }
    if errors:
        body["errors"] = [error.model_dump() for error in errors]
    return Response(
        content=json.dumps(body).encode(),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def on_problem(request: Request[Any, Any, Any], error: Problem) -> Response[bytes]:
    return problem_response(
        request, error.status, error.slug, error.title, error.detail, headers=error.headers
    )


# What a client retries after: a service that did not answer or was too busy to start
# (nothing applied), or whose answer did not come in time (retry with the same key).
RETRY_AFTER_S = {503: 1, 504: 1}


def on_domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[bytes]:
    status = error.status if 400 <= error.status < 600 else 500  # a service's bug, not ours
    if status >= 500:
        log.warning("http.service_error", problem=error.type, detail=error.detail)
    retry_after = RETRY_AFTER_S.get(status)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return problem_response(request, status, error.type, error.title, error.detail, headers=headers)


def on_invalid_input(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[bytes]:
    errors = [_public_name(request, item) for item in _field_problems(error.extra)]
    detail = "; ".join(f"{item.field}: {item.message}" for item in errors) or error.detail
    return problem_response(request, 422, "invalid-input", "Invalid input", detail, errors=errors)


# Litestar raises these itself, before any handler runs.
_HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: (NOT_SIGNED_IN, "Not authenticated"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
    503: ("service-unavailable", "Service unavailable"),
}


def on_http_exception(request: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    status = error.status_code
    if status >= 500:
        return on_unexpected(request, error)
    slug, title = _HTTP_PROBLEMS.get(status, ("bad-request", "Bad request"))
    detail = error.detail
    if isinstance(error.__cause__, SerializationException):
        slug, title = "malformed-json", "Malformed JSON"
        detail = "the request body is not valid JSON"
    elif status == 404:
        detail = f"no endpoint at {request.scope.get('path', '')}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.scope.get('path', '')}"
    elif status == 413:
        detail = f"the request body is larger than the {_body_limit(request)} bytes accepted"
    return problem_response(request, status, slug, title, detail, headers=error.headers)


def on_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    log.error(
        "http.unhandled_error",
        request_id=request_id_of(request.scope),
        path=request.scope.get("path", ""),
        exc_info=error,
    )
    return problem_response(
        request,
        500,
        "internal-error",
        "Internal error",
        "the gateway failed to handle this request; the request id finds it in the logs",
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    Problem: on_problem,
    DomainError: on_domain_error,
    ValidationException: on_invalid_input,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem responses an operation may answer (400 always:
    it also replaces the validation error shape Litestar would otherwise document)."""
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_DESCRIPTIONS.get(status, "Problem details"),
            generate_examples=False,
        )
        for status in sorted({400, *statuses})
    }


_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that is not JSON)",
    401: "No, invalid or expired token, or the account is suspended",
    403: "Not allowed for this caller",
    404: "Unknown resource (the slug says which, e.g. user-not-found, space-not-found)",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Invalid input (which field, and why)",
    426: "Upgrade required: open it as a WebSocket",
    429: "Rate limited; see Retry-After",
    503: "Nothing was applied: a service did not answer, or was too busy to start it"
    " (overloaded); retry after Retry-After",
    504: "Outcome unknown: a service did not answer in time; retry with the same"
    " Idempotency-Key to learn whether it was applied",
}


def _field_problems(extra: Any) -> list[FieldProblem]:
    if not isinstance(extra, list):
        return []
    return [_field_problem(item) for item in extra if isinstance(item, dict)]


def _field_problem(item: dict[str, Any]) -> FieldProblem:
    field, source = str(item.get("key") or "body"), item.get("source")
    message = str(item.get("message", "invalid"))
    if field == "data":  # Litestar's name for the whole body; absent, it reports a KeyError
        field = "body"
        message = "a JSON body is required" if message == "'data'" else message
    return FieldProblem(
        field=field, source=str(getattr(source, "value", source) or "body"), message=message
    )


def _public_name(request: Request[Any, Any, Any], problem: FieldProblem) -> FieldProblem:
    """The parameter's name in the API, where the handler's differs (``QueryParameter(name=)``,
    e.g. for names Litestar reserves such as ``state``)."""
    route_handler = request.scope.get("route_handler")
    if not isinstance(route_handler, HTTPRouteHandler):
        return problem
    parameter = route_handler.parsed_fn_signature.parameters.get(problem.field)
    definition = parameter.kwarg_definition if parameter else None
    name = getattr(definition, "name", None)
    return problem.model_copy(update={"field": name}) if isinstance(name, str) else problem


def _body_limit(request: Request[Any, Any, Any]) -> int | None:
    route_handler = request.scope.get("route_handler")
    if isinstance(route_handler, HTTPRouteHandler):
        return route_handler.resolve_request_max_body_size()
    return None
