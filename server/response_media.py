"""The media type a GraphQL-over-HTTP answer is sent as (from the request's Accept), and its status.

`application/json` is what every client of ours has always had: each well-formed request is a 200,
its errors in the body (a document that does not parse is `{"data": null, "errors": [...]}`).
`application/graphql-response+json` is the GraphQL-over-HTTP specification's own type, for clients
that ask for it: there, a request error (nothing was executed: the document does not parse or
validate, or a variable cannot be coerced) is a 400 without `data`, so a client tells it apart from
an execution error by the status alone. https://graphql.github.io/graphql-over-http/draft/
"""

from __future__ import annotations

from strawberry.types.execution import ExecutionResult, PreExecutionError

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"

_SPECIFIC, _SUBTYPES, _ANY = 2, 1, 0  # how precisely a media range names a type


def negotiate(accept: str | None) -> str | None:
    """The type to answer in, or None when the client accepts neither of ours (then 406).

    No Accept means application/json, as the specification says. Otherwise the higher q-value wins,
    each type's q decided by the most specific range that matches it (RFC 9110 §12.5.1); at equal q
    a type the client named beats one it matched by a wildcard (`*/*`, `application/*`: those get
    application/json, the default); named both at equal q, application/graphql-response+json wins.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    best: tuple[float, int, bool] = (0.0, _ANY, False)
    chosen: str | None = None
    for media in (JSON, GRAPHQL_RESPONSE):  # application/json first: it keeps a full tie
        q, specificity = _quality(media, ranges)
        rank = (q, specificity, specificity == _SPECIFIC and media == GRAPHQL_RESPONSE)
        if q > 0 and rank > best:
            best, chosen = rank, media
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: the document did not parse or validate (our limits included), or a
    variable could not be coerced (graphql-core answers that with no data and errors without a path;
    an execution error always has its field's path)."""
    if isinstance(result, PreExecutionError):
        return True
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not error.path for error in errors)


def request_error_status(result: ExecutionResult) -> int:
    """Under application/graphql-response+json: 400 for the client's document or variables, 500 when
    what failed before execution was ours (masked as INTERNAL)."""
    codes = {(error.extensions or {}).get("code") for error in result.errors or []}
    return 500 if "INTERNAL" in codes else 400


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each well-formed range of an Accept header; the others are ignored."""
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0:
            ranges.append((kind, subtype, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The q the client gives ``media``, and how specifically (0.0 if no range matches it)."""
    kind, _, subtype = media.partition("/")
    found: tuple[float, int] = (0.0, -1)
    for range_kind, range_subtype, q in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = _SPECIFIC
        elif (range_kind, range_subtype) == (kind, "*"):
            specificity = _SUBTYPES
        elif (range_kind, range_subtype) == ("*", "*"):
            specificity = _ANY
        else:
            continue
        if specificity > found[1]:
            found = (q, specificity)
    return found[0], max(found[1], _ANY)
