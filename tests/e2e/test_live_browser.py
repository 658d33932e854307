"""The tracking page in a real browser follows the complaint live, or by polling without sockets.

A complaint is filed through the API and opened on ``/pantau/`` with its receipt. With
websockets the live indicator turns "live"; a staff transition made through the API (token)
then shows up in the timeline with its message, the status badge changes and, for
``needs_info``, the answer form turns into the office's question with a notice pointing to it,
all without the page navigating (a marker set on ``window`` before the change survives it).
(tests/e2e/test_track_live_browser.py follows every form a status change opens or closes.)

With ``window.WebSocket`` removed before the page's script runs, the page says it updates every
30 seconds and polls the track API; Playwright's fake clock moves time past one poll period, and
the new event appears without a reload.

Texts are read from the page's own label table (``#timeline-labels``), so the tests hold
whether or not translations are compiled.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import new_context
from tests.e2e.portal import file_parking_report, staff_message, staff_token, transition
from tests.e2e.test_report_and_track import open_tracking

pytestmark = pytest.mark.e2e

LIVE_MS = 10_000
QUESTION = "Mohon sebutkan jam kejadian dan ciri-ciri juru parkirnya."
REPLY = "Tim kami sudah turun ke lokasi pagi ini."


def has_class(name: str) -> re.Pattern:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def open_case(page, base: str, receipt: str) -> dict:
    """Open the tracking page of ``receipt``; the page's label table."""
    assert page.goto(base + "/pantau/").status == 200
    assert open_tracking(page, base, receipt).status == 200
    expect(page.locator("#timeline li[data-seq]")).to_have_count(2)
    return page.evaluate("() => JSON.parse(document.getElementById('timeline-labels').textContent)")


def test_a_staff_transition_appears_live_without_a_reload(page, live_server_url, screenshot):
    base = live_server_url
    receipt, reference = file_parking_report(base)
    token = staff_token(base)
    labels = open_case(page, base, receipt)

    indicator = page.locator("#live-status")
    expect(indicator).to_have_class(has_class("live"), timeout=LIVE_MS)
    expect(indicator).to_have_text(indicator.get_attribute("data-live"))
    badge = page.locator(".case-facts [data-status]")
    expect(badge).to_have_class(has_class("status-assigned"))
    notice = page.locator("#action-notice")
    expect(notice).to_be_hidden()
    screenshot(page, "live")
    page.evaluate("() => { window.__marker = 1; }")

    transition(base, token, reference, "needs_info", QUESTION)

    asked = page.locator("#timeline li[data-seq='3']")
    expect(asked).to_be_visible(timeout=LIVE_MS)
    expect(asked.locator(".event-title")).to_have_text(labels["status"]["needs_info"])
    expect(asked.locator(".event-text")).to_have_text(QUESTION)
    expect(badge).to_have_class(has_class("status-needs_info"))
    expect(badge).to_have_text(labels["status"]["needs_info"])
    expect(notice).to_be_visible()
    expect(page.locator("#reply-card")).to_have_class(has_class("asked"))

    # A public message follows, after the status change, in seq order.
    staff_message(base, token, reference, REPLY)
    told = page.locator("#timeline li[data-seq='4']")
    expect(told.locator(".event-text")).to_have_text(REPLY, timeout=LIVE_MS)
    expect(told.locator(".event-title")).to_have_text(labels["kind"]["message"])
    seqs = page.locator("#timeline li[data-seq]").evaluate_all(
        "items => items.map(item => Number(item.dataset.seq))"
    )
    assert seqs == [1, 2, 3, 4]

    assert page.evaluate("() => window.__marker") == 1, "the page reloaded or navigated"
    expect(indicator).to_have_class(has_class("live"))
    screenshot(page, "needs-info-live")


def test_without_websockets_the_page_polls_and_shows_new_events(
    browser, live_server_url, screenshot
):
    base = live_server_url
    receipt, reference = file_parking_report(base)
    token = staff_token(base)
    context = new_context(browser)
    try:
        page = context.new_page()
        page.add_init_script("window.WebSocket = undefined;")
        page.clock.install()
        # The page polls once at load; that answer is in before anything changes.
        with page.expect_response(
            lambda response: (
                response.url == f"{base}/api/v1/track/" and response.request.method == "POST"
            )
        ) as first_poll:
            labels = open_case(page, base, receipt)
        assert first_poll.value.ok

        indicator = page.locator("#live-status")
        expect(indicator).to_have_class(has_class("polling"))
        expect(indicator).to_have_text(indicator.get_attribute("data-polling"))
        page.evaluate("() => { window.__marker = 1; }")
        screenshot(page, "polling")

        message = "Petugas sudah menegur juru parkir."
        transition(base, token, reference, "in_progress", message)
        # Nothing asks the server until the next poll is due.
        expect(page.locator("#timeline li[data-seq]")).to_have_count(2)
        page.clock.fast_forward("00:31")  # one poll period (30 s) and a bit

        started = page.locator("#timeline li[data-seq='3']")
        expect(started.locator(".event-title")).to_have_text(labels["status"]["in_progress"])
        expect(started.locator(".event-text")).to_have_text(message)
        expect(page.locator(".case-facts [data-status]")).to_have_class(
            has_class("status-in_progress")
        )
        assert page.evaluate("() => window.__marker") == 1, "the page reloaded or navigated"
        expect(indicator).to_have_class(has_class("polling"))
        screenshot(page, "polled")
    finally:
        context.close()
