"""The fault suite's side of the wire, and what it checks is left behind.

- ``call``: one HTTP request with any headers and body; ``Answer`` keeps status, headers, text.
- ``ReportForm`` / ``report_page_post``: the report form as a browser without JavaScript sends
  it (the form's hidden fields and CSRF cookie from a GET first, then the POST with the page's
  Origin).
- ``submission``: a multipart ``POST complaints/`` body, with or without photos.
- ``RawRequest``: a request written to the socket by hand, so a test can stop halfway through
  the body or never read the answer.
- ``leftovers``: evidence files without a row, rows without their files, and files in a
  server's temporary folder: after any fault, all three must be empty.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import random
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from tests.api.photos import multipart
from tests.e2e.portal import PARKING_REPORT
from tests.e2e.servers import E2eDatabase

COMPLAINTS = "/api/v1/complaints/"
TIMEOUT = 30  # a request that hangs longer fails the test


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self):
        return json.loads(self.text)


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
    timeout: float = TIMEOUT,
) -> Answer:
    request = urllib.request.Request(
        base_url + path, method=method, data=body, headers=headers or {}
    )
    open_ = opener.open if opener else urllib.request.urlopen
    try:
        with open_(request, timeout=timeout) as response:
            status, head, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, error.headers, error.read()
    return Answer(status, {k.lower(): v for k, v in head.items()}, raw.decode(errors="replace"))


def api_json(base_url: str, method: str, path: str, data: dict, **headers: str) -> Answer:
    return call(
        base_url,
        method,
        path,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
    )


def track(base_url: str, receipt: str) -> Answer:
    return api_json(base_url, "POST", "/api/v1/track/", {"receipt": receipt})


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


class ReportForm:
    """The report page as a browser without JavaScript has it: fetched, then posted."""

    def __init__(self, base_url: str, language: str | None = None):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        # A language is chosen as a citizen chooses it: the switch (``?lang=``) sets its cookie.
        path = f"/lapor/?lang={language}" if language else "/lapor/"
        form = call(base_url, "GET", path, opener=self.opener)
        assert form.status == 200, form.status
        parser = _HiddenInputs()
        parser.feed(form.text)
        self.hidden = parser.fields  # the CSRF token, the one-time retry key

    def post(self, fields: dict) -> Answer:
        return call(
            self.base_url,
            "POST",
            "/lapor/",
            body=urllib.parse.urlencode({**self.hidden, **fields}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.base_url,
                "Referer": self.base_url + "/lapor/",
            },
            opener=self.opener,
        )


def report_page_post(base_url: str, fields: dict, language: str | None = None) -> Answer:
    """GET /lapor/, then POST the form with its hidden fields."""
    return ReportForm(base_url, language).post(fields)


def page_fields(report: dict = PARKING_REPORT) -> dict[str, str]:
    """The report as the form's fields (booleans as the form's radio values)."""
    return {
        key: ("true" if value is True else "false" if value is False else str(value))
        for key, value in report.items()
    }


def noise_jpeg(width: int, height: int, seed: int = 7) -> bytes:
    """A JPEG that does not compress: ``width * height`` pixels give about that many bytes x 2."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def submission(photos: list[bytes] = (), report: dict = PARKING_REPORT) -> tuple[bytes, str]:
    """A multipart ``POST complaints/`` body and its content type."""
    files = [("photos", f"IMG_{n:04d}.jpg", data, "image/jpeg") for n, data in enumerate(photos)]
    return multipart(page_fields(report), files)


class RawRequest:
    """One HTTP/1.1 request on a socket of its own, written and read when the test says so."""

    def __init__(self, port: int, path: str, body: bytes, headers: dict[str, str]):
        self.body = body
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head.append(f"Content-Length: {len(body)}")
        self.head = ("\r\n".join(head) + "\r\n\r\n").encode()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)

    def send(self, upto: int | None = None) -> None:
        """The head and the body (only its first ``upto`` bytes when given)."""
        self.sock.sendall(self.head + self.body[:upto])

    def close(self) -> None:
        self.sock.close()


def server_temp_files_open(pid: int, folder: Path) -> list[str]:
    """Files the process holds open in ``folder`` (unnamed temporary files included)."""
    found = []
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def complaint_references(database: E2eDatabase) -> set[str]:
    return {row[0] for row in database.rows("SELECT reference FROM complaints_complaint")}


def leftovers(database: E2eDatabase, tmp_dir: Path) -> dict[str, list[str]]:
    """What a fault must never leave: files without rows, rows without files, temp files."""
    evidence = database.media_root / "evidence"
    on_disk = {str(path.relative_to(evidence)) for path in evidence.rglob("*") if path.is_file()}
    stored = set()
    for image, thumbnail in database.rows(
        "SELECT image, thumbnail FROM complaints_evidence WHERE purged_at IS NULL"
    ):
        stored.update(name for name in (image, thumbnail) if name)
    return {
        "files without a row": sorted(on_disk - stored),
        "rows without their file": sorted(stored - on_disk),
        "temporary files": sorted(str(p) for p in tmp_dir.rglob("*")),
    }


NOTHING_LEFT = {"files without a row": [], "rows without their file": [], "temporary files": []}
