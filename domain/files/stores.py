"""Picking the file store named by ``STORAGE_URL``: the local folder or an S3-compatible store."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from domain.files.local_store import LocalStorage
from domain.files.s3_store import S3Storage
from domain.files.storage import Storage

_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def make_storage(storage_url: str, *, data_dir: Path, public_base_url: str, secret: bytes) -> Storage:
    """``""`` or ``"local"``: files under ``data_dir / "files"``, served by the app at ``public_base_url``.

    ``s3://[access_key:secret_key@]bucket?endpoint=http://127.0.0.1:9000&region=us-east-1``: an
    S3-compatible store (no endpoint: AWS; region defaults to us-east-1). Without keys in the
    URL, boto's usual chain applies (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role).
    """
    if storage_url in ("", "local"):
        return LocalStorage(Path(data_dir) / "files", base_url=public_base_url, secret=secret)
    parts = urlsplit(storage_url)
    if parts.scheme != "s3":
        raise ValueError("storage URL must be 'local' or 's3://bucket?endpoint=...&region=...'")
    bucket = parts.netloc.rpartition("@")[2]
    if not _BUCKET_RE.fullmatch(bucket) or parts.path not in ("", "/"):
        raise ValueError(f"not a valid S3 bucket name in the storage URL: {bucket!r}")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    unknown = set(query) - {"endpoint", "region"}
    if unknown:
        raise ValueError(f"unknown storage URL parameter(s): {', '.join(sorted(unknown))}")
    endpoint = query.get("endpoint", [""])[-1] or None
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError("the storage URL's endpoint must be an http(s) URL")
    access_key = unquote(parts.username) if parts.username else None
    secret_key = unquote(parts.password) if parts.password else None
    if (access_key is None) != (secret_key is None):
        raise ValueError("the storage URL must give both the access key and the secret key, or neither")
    return S3Storage(
        bucket=bucket,
        endpoint_url=endpoint,
        region=query.get("region", [""])[-1] or "us-east-1",
        access_key=access_key,
        secret_key=secret_key,
    )
