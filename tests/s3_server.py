"""A real S3-compatible server for the object-storage tests: moto in server mode, on a free port
of this machine, started once per test module; the portal talks to it over HTTP through
django-storages and boto3, exactly as it would talk to S3 or MinIO.

- ``s3_server``: the running server (``endpoint``, ``client()`` for a boto3 client with the
  test credentials, ``object_keys(bucket)``, ``object_bytes(bucket, key)``, and
  ``credentials_checked()``, inside which every access key is refused);
- ``s3_evidence``: a fresh private bucket, and the ``evidence`` storage switched to it for one
  test, configured by the production settings code (``config.settings.base``) from the same
  environment variables an operator sets (``PORTAL_S3_BUCKET``, ``PORTAL_S3_ENDPOINT_URL``,
  ``PORTAL_S3_REGION``, ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``).

The evidence fields take their storage once, when the models are imported (in production the
settings are read first, so that is the bucket); here the storage changes per test, so the
fixture hands the fields the new one and gives the old one back afterwards.
"""

import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import pytest
import requests
from django.core.files.storage import storages

from complaints.models import Evidence
from config.settings.base import _evidence_storage

ACCESS_KEY = "uji-akses-bukti"
SECRET_KEY = "uji-rahasia-bukti-5521"
REGION = "us-east-1"
EVIDENCE_FIELDS = ("image", "thumbnail")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    endpoint: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def object_keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def object_bytes(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    @contextmanager
    def credentials_checked(self):
        """Inside: the server checks credentials, and knows none (every key is refused, as a
        wrong or revoked key would be). moto's own switch, ``/moto-api/reset-auth``."""
        self._auth_after(0)
        try:
            yield
        finally:
            self._auth_after("inf")

    def _auth_after(self, count) -> None:
        url = f"{self.endpoint}/moto-api/reset-auth"
        requests.post(url, data=str(count).encode(), timeout=10).raise_for_status()


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(endpoint=f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@dataclass
class EvidenceBucket:
    server: S3Server
    name: str

    def keys(self) -> list[str]:
        return self.server.object_keys(self.name)

    def read(self, key: str) -> bytes:
        return self.server.object_bytes(self.name, key)


@contextmanager
def evidence_storage_switched(settings, monkeypatch, *, bucket: str, endpoint: str):
    """The ``evidence`` storage on ``bucket`` at ``endpoint``, built as production builds it."""
    monkeypatch.setenv("PORTAL_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("PORTAL_S3_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    settings.STORAGES = {**settings.STORAGES, "evidence": _evidence_storage(bucket)}
    fields = [Evidence._meta.get_field(name) for name in EVIDENCE_FIELDS]
    before = [field.storage for field in fields]
    for field in fields:
        field.storage = storages["evidence"]
    try:
        yield storages["evidence"]
    finally:
        for field, storage in zip(fields, before, strict=True):
            field.storage = storage


@pytest.fixture
def s3_evidence(s3_server, settings, monkeypatch):
    """A new private bucket holding the evidence for this test (an :class:`EvidenceBucket`)."""
    name = f"bukti-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=name)
    with evidence_storage_switched(settings, monkeypatch, bucket=name, endpoint=s3_server.endpoint):
        yield EvidenceBucket(server=s3_server, name=name)
