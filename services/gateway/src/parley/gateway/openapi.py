"""The OpenAPI document: ``GET /api/v1/openapi.json`` (the contract's address) and a browsable
UI under ``/api/v1/docs``.

Litestar's documentation router adds a catch-all ``{path}`` route under its base path that
answers HTML 404s. Mounted at ``/api/v1`` it would swallow every unknown ``/api/v1/<x>`` (no
problem+json), so the router lives under ``/api/v1/docs`` and the document is served here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast, get_args

from litestar import Litestar, Request, Response, get
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components as OpenAPIComponents
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    RequestBody,
    Schema,
)
from litestar.routes import HTTPRoute
from litestar.serialization import encode_json
from pydantic import BaseModel

from parley.gateway.idempotency_keys import IDEMPOTENCY_KEY_HEADER, MAX_KEY_CHARS
from parley.gateway.security import SECURITY_SCHEMES, security_of

API_VERSION = "1.0.0"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Parley API",
        version=API_VERSION,
        description="Live audio Spaces. Every error is an RFC 9457 problem details document "
        "(application/problem+json) whose `type` ends in a stable slug.",
        path="/api/v1/docs",
        render_plugins=[SwaggerRenderPlugin(path="/")],
        components=OpenAPIComponents(security_schemes=dict(SECURITY_SCHEMES)),
        use_handler_docstrings=True,
    )


_DOCUMENT_KEY = "parley.openapi_document"


def render_openapi_document(app: Litestar) -> bytes:
    """Build the document once (at startup: it takes a moment, and a broken schema should
    stop the gateway from starting rather than fail a request later)."""
    if _DOCUMENT_KEY not in app.state:
        document = app.openapi_schema
        agree_with_server(app, document)
        app.state[_DOCUMENT_KEY] = encode_json(document.to_schema())
    return cast(bytes, app.state[_DOCUMENT_KEY])


def agree_with_server(app: Litestar, document: OpenAPI) -> None:
    """Where Litestar's document would say otherwise than the server does, say what it does:

    - ``security``: as the operation's login guards enforce it (:func:`security_of`);
    - a request body with a default (``data: ... = None``) is optional (Litestar marks every
      body required);
    - a 204 has no content (Litestar documents a JSON ``null``);
    - request bodies refuse unknown fields (``extra="forbid"``): ``additionalProperties: false``;
    - a command (an operation that changes something and sends its request context on)
      takes an ``Idempotency-Key`` and may answer what idempotency answers
      (:func:`_document_idempotency`).
    """
    closed: set[str] = set()
    for handler, operation in _operations(app, document):
        operation.security = security_of(handler)
        if _is_command(handler):
            _document_idempotency(operation)
        data = handler.parsed_fn_signature.parameters.get("data")
        if data is not None and operation.request_body is not None:
            if isinstance(operation.request_body, RequestBody) and data.has_default:
                operation.request_body.required = False
            closed |= _closed_models(data.annotation)
        for status, response in (operation.responses or {}).items():
            if status == "204" and isinstance(response, OpenAPIResponse):
                response.content = None
    schemas = document.components.schemas if document.components else {}
    for schema in (schemas or {}).values():
        if schema.title in closed:
            schema.additional_properties = False


_COMMAND_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_IDEMPOTENCY_PROBLEMS = {
    "400": "Malformed request, or a malformed Idempotency-Key",
    "409": "Conflicts with the current state, or this Idempotency-Key's request is still"
    " being applied (command-in-progress): retry with the same key",
    "422": "Invalid input, or this Idempotency-Key was used for another request",
    "504": "Outcome unknown: a service did not answer in time; retry with the same"
    " Idempotency-Key to learn whether it was applied",
}


def _is_command(handler: HTTPRouteHandler) -> bool:
    return bool(handler.http_methods & _COMMAND_METHODS) and (
        "ctx" in handler.parsed_fn_signature.parameters
    )


def _document_idempotency(operation: Operation) -> None:
    operation.parameters = [
        *(operation.parameters or []),
        Parameter(
            name=IDEMPOTENCY_KEY_HEADER,
            param_in=ParamType.HEADER,
            required=False,
            schema=Schema(type=OpenAPIType.STRING, min_length=1, max_length=MAX_KEY_CHARS + 2),
            description="A unique key for this command (IETF draft: a string such as"
            ' "8e03978e-40d5-43e8-bc93-6894a57f9324"); sent again with a retry, the retry gets'
            " the first attempt's outcome instead of a second effect.",
        ),
    ]
    responses = operation.responses or {}
    problem = responses.get("400")
    if not isinstance(problem, OpenAPIResponse):
        return
    for status, description in _IDEMPOTENCY_PROBLEMS.items():
        existing = responses.get(status)
        if isinstance(existing, OpenAPIResponse):
            existing.description = description
        else:
            responses[status] = OpenAPIResponse(description=description, content=problem.content)
    operation.responses = responses


def _operations(app: Litestar, document: OpenAPI) -> Iterator[tuple[HTTPRouteHandler, Operation]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path_item = (document.paths or {}).get(route.path_format or "/")
        if path_item is None:
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(path_item, method.lower(), None)
                if isinstance(operation, Operation):
                    yield handler, operation


def _closed_models(annotation: Any) -> set[str]:
    """Names of the pydantic models in ``annotation`` (nested ones too) that refuse extras."""
    names: set[str] = set()
    pending = [annotation]
    while pending:
        current = pending.pop()
        pending.extend(get_args(current))
        if isinstance(current, type) and issubclass(current, BaseModel):
            if current.model_config.get("extra") == "forbid":
                names.add(current.__name__)
            pending.extend(field.annotation for field in current.model_fields.values())
    return names


@get("/api/v1/openapi.json", operation_id="getOpenApi", include_in_schema=False)
async def openapi_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    """This API's OpenAPI 3.1 document."""
    return Response(render_openapi_document(request.app), media_type="application/json")
