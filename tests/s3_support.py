"""An S3 endpoint for the tests: moto's stand-alone server, a real HTTP server on a free port
(not a mock of boto3), and the settings that point the app at a fresh bucket on it."""

import socket
import uuid

import boto3
import pytest
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

CREDENTIALS = {
    "S3_ACCESS_KEY_ID": "test-key",
    "S3_SECRET_ACCESS_KEY": "test-secret",
    "S3_REGION": "eu-south-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Endpoint:
    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)

    def start(self) -> "S3Endpoint":
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self.server.stop()

    def client(self):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.url, region_name=CREDENTIALS["S3_REGION"],
            aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
        )  # fmt: skip

    def new_bucket(self) -> str:
        name = f"legami-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["S3_REGION"]}
        )
        return name

    def settings(self, bucket: str, prefix: str = "legami/") -> dict:
        return {"FILES_BACKEND": "s3", "S3_BUCKET": bucket, "S3_PREFIX": prefix, "S3_ENDPOINT_URL": self.url,
                **CREDENTIALS}  # fmt: skip

    def objects(self, bucket: str, prefix: str = "legami/") -> dict[str, bytes]:
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {
            item["Key"][len(prefix) :]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listed
        }


@pytest.fixture(scope="session", name="s3_endpoint")
def s3_endpoint_fixture():
    endpoint = S3Endpoint().start()
    yield endpoint
    endpoint.stop()
