"""What a GraphQL request must look like on the wire, over HTTP and over WebSocket.

The rules follow the GraphQL-over-HTTP specification
(https://graphql.github.io/graphql-over-http/draft/): a POST body is a JSON object in
UTF-8 sent as ``application/json``, with a string ``query`` and optional ``variables``
(an object), ``operationName`` (a string) and ``extensions`` (an object). The same
object is the payload of a ``subscribe`` message of ``graphql-transport-ws``, so both
transports check it here, with the same words.

A client that accepts ``application/graphql-response+json`` is told of a *request error*
(the document does not parse or validate, the variables do not coerce: nothing ran) by
a 4xx status and a response without ``data``; ``application/json`` clients keep getting
200 with ``data: null`` and the errors, as GraphQL clients have long expected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData

from schema.errors import CONSISTENCY_TIMEOUT, INTERNAL_SERVER_ERROR

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
"""The media type of the GraphQL-over-HTTP specification for responses."""

REQUEST_ERROR_STATUS = {INTERNAL_SERVER_ERROR: 500, CONSISTENCY_TIMEOUT: 503}
"""Status of a request error by its code, for ``application/graphql-response+json``;
any other code is the client's to fix: 400."""


class MalformedRequest(Exception):
    """A request (HTTP body or ``subscribe`` payload) that is not a GraphQL request.

    ``status`` is the HTTP status it answers: 400, or 415 for an unsupported media type.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _media_type(header: str) -> tuple[str, dict[str, str]]:
    """A Content-Type or Accept element split into its lower-case type and parameters."""
    media_type, *parameters = header.split(";")
    params = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return media_type.strip().lower(), params


def check_content_type(content_type: str | None) -> None:
    """Refuse (415) a body that is not ``application/json`` in UTF-8."""
    if not content_type:
        raise MalformedRequest(
            f"a GraphQL request needs the header Content-Type: {JSON}", status=415
        )
    media_type, params = _media_type(content_type)
    charset = params.get("charset", "utf-8").lower()
    if media_type != JSON or charset not in ("utf-8", "utf8"):
        raise MalformedRequest(
            f"unsupported content type {content_type!r}; send {JSON} in UTF-8", status=415
        )


def parse_body(body: bytes) -> object:
    """The JSON value of a request body, or MalformedRequest saying why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRequest(
            f"the request body is not UTF-8 (byte {error.start} cannot be decoded)"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedRequest(f"the request body is not JSON: {error}") from None
    except RecursionError:
        # json.loads recurses once per nesting level: a body of a million "[" would
        # otherwise escape as an internal error.
        raise MalformedRequest("the request body is nested too deeply to be read") from None


def graphql_request(data: object) -> GraphQLRequestData:
    """The GraphQL request an HTTP body or a ``subscribe`` payload holds.

    Raises MalformedRequest naming the first member that is missing or of the wrong type.
    """
    if not isinstance(data, dict):
        raise MalformedRequest(
            f"a GraphQL request is a JSON object with a query, not {_json_kind(data)}"
        )
    query = data.get("query")
    if not isinstance(query, str):
        found = "missing" if query is None else _json_kind(query)
        raise MalformedRequest(f"the request's query must be a string; it is {found}")
    if not query.strip():
        raise MalformedRequest("the request's query is empty")
    for member in ("variables", "extensions"):
        value = data.get(member)
        if value is not None and not isinstance(value, dict):
            raise MalformedRequest(
                f"the request's {member} must be an object or null, not {_json_kind(value)}"
            )
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise MalformedRequest(
            f"the request's operationName must be a string or null, "
            f"not {_json_kind(operation_name)}"
        )
    return GraphQLRequestData(
        query=query,
        variables=data.get("variables"),
        operation_name=operation_name,
        extensions=data.get("extensions"),
    )


OPERATION_MESSAGES = ("subscribe", "complete")
"""``graphql-transport-ws`` messages about one operation, which need its id."""


def frame_problem(frame: object) -> str | None:
    """What is wrong with a ``graphql-transport-ws`` message, or None if nothing is.

    Checks the shape only (a JSON object with a string ``type``, a non-empty string
    ``id`` where the protocol needs one, a GraphQL request as a ``subscribe`` payload,
    an object or null as any other payload); the protocol handler checks the order.
    """
    if not isinstance(frame, dict):
        return f"a message must be a JSON object, not {_json_kind(frame)}"
    kind = frame.get("type")
    if not isinstance(kind, str):
        return f"a message needs a string type, not {_json_kind(kind)}"
    if kind in OPERATION_MESSAGES:
        operation_id = frame.get("id")
        if not isinstance(operation_id, str) or not operation_id:
            return f"a {kind} message needs a non-empty string id"
    payload = frame.get("payload")
    if kind == "subscribe":
        try:
            graphql_request(payload)
        except MalformedRequest as malformed:
            return f"subscribe payload: {malformed.message}"
    elif payload is not None and not isinstance(payload, dict):
        return f"a {kind} payload must be an object or null, not {_json_kind(payload)}"
    return None


def _json_kind(value: object) -> str:
    """How a JSON value is called in a message: "null", "a number", "an array", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def wants_graphql_response(accept: str | None) -> bool:
    """Whether the client's Accept header prefers ``application/graphql-response+json``.

    It does when it names that type with a quality above zero and at least that of
    ``application/json``. Any other Accept (none, ``*/*``, ``application/json``) gets
    ``application/json``, as every client written before the specification expects.
    """
    quality = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for element in (accept or "").split(","):
        media_type, params = _media_type(element)
        if media_type in quality:
            try:
                quality[media_type] = max(quality[media_type], float(params.get("q", "1")))
            except ValueError:
                continue  # a malformed quality counts as not accepted
    return quality[GRAPHQL_RESPONSE] > 0 and quality[GRAPHQL_RESPONSE] >= quality[JSON]


def is_request_error(data: object, errors: Sequence[GraphQLError] | None) -> bool:
    """Nothing ran: no data, and every error is about the request, not a field.

    Errors of fields always carry a ``path``; parse, validation and variable coercion
    errors (and refusals before execution) never do.
    """
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


def request_error_status(errors: Sequence[GraphQLError]) -> int:
    """The HTTP status of a request error (see ``REQUEST_ERROR_STATUS``)."""
    return max((REQUEST_ERROR_STATUS.get(_code(error), 400) for error in errors), default=400)


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else ""
