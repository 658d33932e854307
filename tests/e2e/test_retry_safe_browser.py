"""A phone that loses its connection after sending gets its receipt back (issue 12, finding 15).

A real Chromium sends the report form to a real server (``live_server_url``); the network drops
the server's answer after the server filed the report (Playwright lets the request through,
then resets the connection before the page sees the answer). The page's script sends the same
form again with the same one-time token (``Idempotency-Key``) and shows the receipt the server
gave the first time; one complaint is filed. The same holds when the citizen reloads the form
and sends again: the token was kept in the tab's ``sessionStorage`` until a receipt was shown.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_report_and_track import RECEIPT_PATTERN, fill_pungli_report

# What the page does, not which database or channel layer is behind it: `make test` runs it.
pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]


def complaints_count(e2e_database) -> int:
    return e2e_database.rows("SELECT COUNT(*) FROM complaints_complaint")[0][0]


def receipt_in(html: str) -> str:
    found = re.search(r'id="receipt"[^>]*>(.*?)</p>', html, re.S)
    assert found, "the server's answer holds no receipt"
    return " ".join(re.findall(r"\d{4}", re.sub(r"<[^>]+>", "", found.group(1))))


class LostAnswers:
    """Lets the first ``count`` report POSTs reach the server, then drops their answers."""

    def __init__(self, page, url: str, count: int = 1):
        self.count = count
        self.swallowed: list[str] = []  # the answers the page never saw
        self.keys: list[str | None] = []
        page.route(url, self.handle)

    def handle(self, route):
        request = route.request
        if request.method != "POST":
            route.continue_()
            return
        self.keys.append(request.headers.get("idempotency-key"))
        if len(self.swallowed) >= self.count:
            route.continue_()
            return
        answer = route.fetch()  # the server gets the whole request and answers
        self.swallowed.append(answer.text())
        route.abort("connectionreset")  # ... and the phone never sees that answer


def test_the_script_sends_again_and_shows_the_first_receipt(page, live_server_url, e2e_database):
    before = complaints_count(e2e_database)
    lost = LostAnswers(page, f"{live_server_url}/lapor/")

    page.goto(live_server_url + "/lapor/")
    fill_pungli_report(page, photos=[])
    page.locator("#report-form button[type=submit]").click()

    expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN, timeout=30_000)
    assert page.locator("#receipt").inner_text() == receipt_in(lost.swallowed[0])
    assert complaints_count(e2e_database) == before + 1
    assert len(lost.keys) == 2 and lost.keys[0] and lost.keys[0] == lost.keys[1]
    # The receipt was shown: the token is forgotten, so the next report is a new one.
    assert page.evaluate("window.sessionStorage.length") == 0


def test_the_form_reloaded_in_the_tab_sends_with_the_same_token(
    page, live_server_url, e2e_database
):
    before = complaints_count(e2e_database)
    lost = LostAnswers(page, f"{live_server_url}/lapor/", count=4)  # every automatic retry too

    page.goto(live_server_url + "/lapor/")
    fill_pungli_report(page, photos=[])
    page.locator("#report-form button[type=submit]").click()
    # The first answer was lost: the page says it is sending again.
    progress = page.locator(".progress-text")
    expect(progress).to_have_text(progress.get_attribute("data-retrying"), timeout=15_000)
    assert lost.swallowed
    token = page.evaluate("window.sessionStorage.getItem(window.sessionStorage.key(0))")

    # The citizen gives up waiting and opens the form again in the same tab.
    page.unroute(f"{live_server_url}/lapor/")
    page.goto(live_server_url + "/lapor/")
    assert page.locator("#retry-key").input_value() == token
    fill_pungli_report(page, photos=[])
    page.locator("#report-form button[type=submit]").click()

    expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN, timeout=30_000)
    assert page.locator("#receipt").inner_text() == receipt_in(lost.swallowed[0])
    assert complaints_count(e2e_database) == before + 1
    assert json.dumps(lost.keys[0]) == json.dumps(token)
