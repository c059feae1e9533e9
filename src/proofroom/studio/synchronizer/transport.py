"""The gallery's sync API over HTTP, with errors worded for the desk.

Every request goes through ``Gallery.request``, which counts it, gives the run's lease a
sign of life, and turns the gallery's refusals and silences into ``SyncFailed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from django.core.files.storage import default_storage

from proofroom.studio.derivatives import derivative_key
from proofroom.sync import protocol


class SyncFailed(Exception):
    """The sync stopped; the message is for the photographer."""


@dataclass
class Counters:
    requests: int = 0
    bytes_sent: int = 0
    blobs_sent: int = 0


class Gallery:
    """The gallery's sync API over HTTP, with clear errors for the desk."""

    def __init__(
        self, *, base_url: str, api_key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.counters = Counters()
        self.batches = True
        self.before_request: Callable[[], None] | None = None
        self.http = httpx.Client(
            base_url=self.base_url + protocol.PREFIX,
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "proofroom-sync/1"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            transport=transport or httpx.HTTPTransport(retries=3),
        )

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        if self.before_request is not None:
            self.before_request()
        self.counters.requests += 1
        try:
            response = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise SyncFailed(f"The gallery at {self.base_url} did not answer in time.") from None
        except httpx.TransportError as exc:
            raise SyncFailed(f"Cannot reach the gallery at {self.base_url} ({exc}).") from None
        if response.status_code == 401:
            raise SyncFailed("The gallery refused the API key. Check it in Settings.")
        if response.status_code >= 500:
            raise SyncFailed(f"The gallery had an error ({response.status_code}); try again later.")
        return response

    def put(self, path: str, model: protocol.Wire) -> httpx.Response:
        response = self.request(
            "PUT",
            path,
            content=model.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code not in (200, 201, 409):
            raise SyncFailed(f"The gallery refused {path}: {detail(response)}")
        return response

    def missing(self, hashes: list[str]) -> list[str]:
        if not hashes:
            return []
        body = protocol.BlobQuery(hashes=hashes).model_dump_json()
        response = self.request(
            "POST", "/blobs/missing", content=body, headers={"Content-Type": "application/json"}
        )
        return protocol.BlobAnswer.model_validate_json(response.content).missing

    def post_batch(self, hashes: list[str]) -> bool:
        """Send several derivatives in one request. False when the gallery has no batch
        endpoint (an older gallery): the caller then sends them one by one."""
        files = []
        size = 0
        for sha in hashes:
            with default_storage.open(derivative_key(sha), "rb") as handle:
                data = handle.read()
            size += len(data)
            files.append(("blob", (f"{sha}.jpg", data, "image/jpeg")))
        response = self.request("POST", "/blobs/batch", files=files)
        if response.status_code in (404, 405):
            return False
        if response.status_code != 200:
            raise SyncFailed(f"The gallery refused previews: {detail(response)}")
        answer = protocol.BatchAnswer.model_validate_json(response.content)
        if answer.refused:
            first = answer.refused[0]
            raise SyncFailed(
                f"The gallery refused a preview ({first.sha256[:12]}…): {first.detail}"
            )
        self.counters.bytes_sent += size
        self.counters.blobs_sent += len(answer.stored)
        return True

    def put_blob(self, sha256: str) -> None:
        with default_storage.open(derivative_key(sha256), "rb") as handle:
            data = handle.read()
        response = self.request(
            "PUT", f"/blobs/{sha256}", content=data, headers={"Content-Type": "image/jpeg"}
        )
        if response.status_code not in (200, 201):
            raise SyncFailed(f"The gallery refused a preview: {detail(response)}")
        self.counters.bytes_sent += len(data)
        self.counters.blobs_sent += 1


def detail(response: httpx.Response) -> str:
    """The gallery's reason; a 422's list of problems as "field: message; …"."""
    try:
        reason = response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(reason, list):
        reason = "; ".join(
            f"{problem.get('loc', ['body'])[-1]}: {problem.get('msg', '')}"
            if isinstance(problem, dict)
            else str(problem)
            for problem in reason
        )
    return str(reason)[:300]


BATCH_MAX_BYTES = 8 * 1024 * 1024
BATCH_MAX_FILES = 48


def batches(hashes: list[str]) -> list[list[str]]:
    """Group derivatives into requests of at most 8 MB and 48 files."""
    grouped: list[list[str]] = []
    current: list[str] = []
    size = 0
    for sha in hashes:
        length = default_storage.size(derivative_key(sha))
        if current and (size + length > BATCH_MAX_BYTES or len(current) >= BATCH_MAX_FILES):
            grouped.append(current)
            current, size = [], 0
        current.append(sha)
        size += length
    if current:
        grouped.append(current)
    return grouped
