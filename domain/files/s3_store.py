"""Any S3-compatible object store, through aioboto3, with presigned URLs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aioboto3
from botocore.config import Config
from botocore.exceptions import ClientError

from domain.files.storage import (
    StoredObject,
    UploadSlot,
    validate_content_type,
    validate_expires_in,
    validate_key,
    validate_size,
)


class S3Storage:
    """Any S3-compatible store, through one lazily opened aioboto3 client.

    Upload URLs sign Content-Type and Content-Length, so S3 refuses a different type or size.
    The bucket is created on first use if it does not exist (``ensure_bucket``).
    """

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key: str | None,
        secret_key: str | None,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        # No keys given: boto's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role...).
        self._session = aioboto3.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        self._config = Config(
            signature_version="s3v4",
            # Self-hosted stores rarely have wildcard DNS for virtual-hosted buckets.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        self._client: Any = None
        self._client_cm: Any = None
        self._bucket_ready = False
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is not None and self._bucket_ready:
            return self._client
        async with self._lock:
            if self._client is None:
                cm = self._session.client("s3", endpoint_url=self.endpoint_url, config=self._config)
                self._client = await cm.__aenter__()
                self._client_cm = cm
            if not self._bucket_ready:
                await self._ensure_bucket(self._client)
                self._bucket_ready = True
            return self._client

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (safe to call again, and from several processes)."""
        await self._s3()

    async def _ensure_bucket(self, client: Any) -> None:
        try:
            await client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if _error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
                raise
        params: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            await client.create_bucket(**params)
        except ClientError as error:
            if _error_code(error) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise

    async def upload_slot(self, key: str, *, content_type: str, size: int, expires_in: int) -> UploadSlot:
        validate_key(key)
        validate_content_type(content_type)
        validate_size(size)
        validate_expires_in(expires_in)
        client = await self._s3()
        now = datetime.now(UTC)
        url: str = await client.generate_presigned_url(
            "put_object",
            # If-None-Match is signed too: the store refuses to replace an object (write once, so an
            # attached photo cannot be swapped with the URL that uploaded it).
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ContentType": content_type,
                "ContentLength": size,
                "IfNoneMatch": "*",
            },
            ExpiresIn=expires_in,
            HttpMethod="PUT",
        )
        return UploadSlot(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type, "If-None-Match": "*"},
            expires_at=now.replace(microsecond=0) + timedelta(seconds=expires_in),
        )

    async def download_url(self, key: str, *, expires_in: int) -> str:
        validate_key(key)
        validate_expires_in(expires_in)
        client = await self._s3()
        url: str = await client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in, HttpMethod="GET"
        )
        return url

    async def stat(self, key: str) -> StoredObject | None:
        validate_key(key)
        client = await self._s3()
        try:
            head = await client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(
            size=int(head["ContentLength"]), content_type=str(head.get("ContentType") or "application/octet-stream")
        )

    async def delete(self, key: str) -> None:
        validate_key(key)
        client = await self._s3()
        await client.delete_object(Bucket=self.bucket, Key=key)  # S3 answers 204 for a missing key too

    async def close(self) -> None:
        async with self._lock:
            cm, self._client, self._client_cm = self._client_cm, None, None
            self._bucket_ready = False
            if cm is not None:
                await cm.__aexit__(None, None, None)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
