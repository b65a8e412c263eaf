"""Files in a private bucket of an S3-compatible store (MinIO, Ceph RGW, Garage, Scaleway, OVH,
AWS), with the interface of app/platform/storage.py. Chosen by FILES_BACKEND=s3.

Settings: S3_BUCKET, S3_PREFIX (a folder inside the bucket, e.g. "legami/"), S3_ENDPOINT_URL
(empty for AWS), S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (empty: the machine's own
credentials, e.g. an instance role). Objects are written private (no ACL is granted); a store
that does not answer within a few seconds raises StorageUnavailable."""

import threading
from collections.abc import Iterator
from datetime import datetime

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.platform.file_keys import StorageUnavailable, check_key, chunks, new_key

SETTINGS = (
    "S3_BUCKET",
    "S3_PREFIX",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
)
# A store that is down must fail a request in seconds, not hold a worker for a minute.
CLIENT_CONFIG = Config(
    connect_timeout=3, read_timeout=15, retries={"max_attempts": 2, "mode": "standard"},
    signature_version="s3v4", s3={"addressing_style": "path"},
)  # fmt: skip
MISSING = {"NoSuchKey", "404", "NotFound"}

_clients: dict[tuple, "S3Storage"] = {}
_lock = threading.Lock()


class S3Storage:
    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str = "", region: str = "",
                 access_key_id: str = "", secret_access_key: str = ""):  # fmt: skip
        self.bucket, self.prefix = bucket, prefix
        # boto3's default session is not thread-safe; a client is, once made.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None,
            config=CLIENT_CONFIG,
        )  # fmt: skip

    @classmethod
    def from_config(cls, config) -> "S3Storage":
        """One client per process and settings (making one costs tens of milliseconds)."""
        values = tuple(config.get(name) or "" for name in SETTINGS)
        with _lock:
            if values not in _clients:
                bucket, prefix, endpoint, region, key_id, secret = values
                _clients[values] = cls(bucket, prefix, endpoint_url=endpoint, region=region,
                                       access_key_id=key_id, secret_access_key=secret)  # fmt: skip
            return _clients[values]

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _call(self, method: str, key: str, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, Key=self._name(key), **kwargs)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                raise FileNotFoundError(key) from error
            raise StorageUnavailable(f"{method} {key}: {error}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(f"{method} {key}: {error}") from error

    def put(self, data: bytes, suffix: str = "") -> str:
        key = new_key(suffix)
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        self._call("put_object", key, Body=data, ContentLength=len(data))

    def get(self, key: str) -> bytes:
        return b"".join(self.stream(key))

    def stream(self, key: str) -> Iterator[bytes]:
        """The object's pieces; the request is made now, so a failure comes before the answer."""
        return chunks(self._call("get_object", key)["Body"])

    def delete(self, key: str) -> None:
        self._call("delete_object", key)

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every object under the prefix: (key, last modified)."""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix) :]
                    if name and "/" not in name:
                        yield name, item["LastModified"]
        except (ClientError, BotoCoreError) as error:
            raise StorageUnavailable(f"list: {error}") from error
