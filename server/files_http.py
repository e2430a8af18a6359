"""HTTP routes that serve ``LocalStorage``'s signed URLs: ``PUT`` and ``GET /files/{key}``.

Only what the URL's signature allows gets through: the key, the method, until ``expires``; for
an upload also exactly the signed content type and size. The body is read as it arrives and
reading stops as soon as it goes past the signed size, so nothing is ever buffered unbounded.

Errors are JSON ``{"error": {"code": ..., "message": ...}}`` with a stable code: FORBIDDEN (bad
or expired signature), UNSUPPORTED_MEDIA_TYPE, TOO_LARGE, INVALID_INPUT, NOT_FOUND, CONFLICT.
"""

from __future__ import annotations

import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from domain.files.local_store import (
    AlreadyStored,
    KeyConflict,
    LocalStorage,
    SignedRequest,
    UploadIncomplete,
    UploadTooLarge,
)
from domain.files.storage import validate_key

# What is uploaded is served from the app's own origin: never let a browser run it as a page.
SERVE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _forbidden() -> JSONResponse:
    return error(403, "FORBIDDEN", "the URL's signature is invalid or has expired")


def file_routes(storage: LocalStorage) -> list[Route]:
    def signed(request: Request, method: str, key: str) -> SignedRequest | None:
        q = request.query_params
        if "expires" not in q or "sig" not in q:
            return None
        extra = {"content_type": q.get("ct", ""), "size": q.get("size", "")} if method == "PUT" else {}
        signed_request = SignedRequest(method=method, key=key, expires=q["expires"], sig=q["sig"], **extra)
        return signed_request if storage.verify(signed_request) else None

    async def put_file(request: Request) -> Response:
        key: str = request.path_params["key"]
        try:
            validate_key(key)
        except ValueError as invalid:
            return error(400, "INVALID_INPUT", str(invalid))
        grant = signed(request, "PUT", key)
        if grant is None:
            return _forbidden()
        size = int(grant.size)  # signed, so it is what upload_slot wrote
        content_type = request.headers.get("content-type")
        if content_type != grant.content_type:
            return error(415, "UNSUPPORTED_MEDIA_TYPE", f"this URL takes Content-Type {grant.content_type!r} only")
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                return error(400, "INVALID_INPUT", "Content-Length is not a number")
            if length > size:
                return error(413, "TOO_LARGE", f"this URL takes {size} bytes, not {length}")
            if length < size:
                return error(400, "INVALID_INPUT", f"this URL takes {size} bytes, not {length}")
        try:
            stored = await storage.write(key, request.stream(), content_type=grant.content_type, size=size)
        except UploadTooLarge as too_large:
            return error(413, "TOO_LARGE", str(too_large))
        except UploadIncomplete as short:
            return error(400, "INVALID_INPUT", str(short))
        except ClientDisconnect:
            return error(400, "INVALID_INPUT", "the upload was interrupted")
        except AlreadyStored:
            return error(412, "ALREADY_UPLOADED", "an object is stored under this key already: it is never replaced")
        except KeyConflict:
            return error(409, "CONFLICT", "this key's path is taken by another file")
        return JSONResponse({"key": key, "size": stored.size, "contentType": stored.content_type})

    async def get_file(request: Request) -> Response:
        key: str = request.path_params["key"]
        try:
            validate_key(key)
        except ValueError as invalid:
            return error(400, "INVALID_INPUT", str(invalid))
        grant = signed(request, "GET", key)
        if grant is None:
            return _forbidden()
        stored = await storage.stat(key)
        if stored is None:
            return error(404, "NOT_FOUND", "no file has been uploaded under this key")
        max_age = max(0, int(grant.expires) - int(time.time()))
        headers = {**SERVE_HEADERS, "Cache-Control": f"private, max-age={max_age}"}
        return FileResponse(storage.path_for(key), media_type=stored.content_type, headers=headers)

    return [
        Route("/files/{key:path}", put_file, methods=["PUT"], name="files_put"),
        Route("/files/{key:path}", get_file, methods=["GET"], name="files_get"),
    ]
