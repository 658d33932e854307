"""The report form's own proof-of-work solver, in a real browser (issue 12, "Limits that fit
shared addresses").

A server allows one submission an hour per client. A phone files a report; its second report,
with a photo, is answered 429 with a challenge; the page's script solves it in a Web Worker
(``pow-worker.js``, SHA-256 through ``crypto.subtle``), says it is checking the device, and
sends the same form again with the solution in ``X-Altcha``: the report is filed, photo
included, and the receipt shown, with no action from the citizen.
"""

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_report_and_track import RECEIPT_PATTERN, fill_pungli_report

# What the page does, not which database or channel layer is behind it: `make test` runs it.
pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]


def a_photo(path: Path) -> Path:
    Image.new("RGB", (640, 480), (90, 140, 60)).save(path, "JPEG")
    return path


def test_the_second_report_is_filed_after_the_page_solved_the_challenge(
    page, start_server, e2e_database, screenshot, tmp_path
):
    server = start_server("proof-of-work", command="serve", PORTAL_RATE_SUBMIT="1/hour")
    posts = []
    page.on(
        "response",
        lambda response: (
            posts.append((response.status, response.request.headers.get("x-altcha")))
            if response.url == f"{server.url}/lapor/" and response.request.method == "POST"
            else None
        ),
    )

    page.goto(server.url + "/lapor/")
    fill_pungli_report(page, photos=[])
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN)
    first_receipt = page.locator("#receipt").inner_text()
    evidence_before = e2e_database.rows("SELECT COUNT(*) FROM complaints_evidence")[0][0]

    page.goto(server.url + "/lapor/")
    fill_pungli_report(page, photos=[a_photo(tmp_path / "bukti.jpg")])
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator(".progress-text")).to_have_text("Memeriksa perangkat Anda…")
    screenshot(page, "checking-the-device")
    expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN, timeout=90_000)
    screenshot(page, "filed-after-the-proof")

    assert page.locator("#receipt").inner_text() != first_receipt
    statuses = [status for status, _proof in posts]
    assert statuses == [201, 429, 201]
    assert posts[1][1] is None and posts[2][1]  # only the last one carried the solution
    evidence_after = e2e_database.rows("SELECT COUNT(*) FROM complaints_evidence")[0][0]
    assert evidence_after == evidence_before + 1  # the photo went with the proof
