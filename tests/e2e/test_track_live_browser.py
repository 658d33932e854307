"""The tracking page turns fully live in a phone-sized Chromium: what a status change makes
possible appears without a reload, with the current deadline, and what it closes disappears,
while what the reporter is typing stays.

A complaint is filed through the API and opened on ``/pantau/``; staff act through the API (a
token). When staff ask for information the answer form turns into the office's question and the
deadline box shows the new deadline; the reporter starts typing an answer; later events (a
public message, the office resuming work) leave the typed text where it was; the resolution
closes the answer and photo forms and opens the decision with its rating. A marker set on
``window`` before the changes shows the page never reloaded. A wrong receipt comes back in the
field as typed, and the receipt is in no URL the page asked for.

Texts are matched through ids, classes and the page's own data, so the tests hold whether or
not translations are compiled.
"""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.portal import file_parking_report, staff_message, staff_token, transition
from tests.e2e.test_live_browser import has_class, open_case
from tests.e2e.test_report_and_track import UrlRecorder, open_tracking

pytestmark = pytest.mark.e2e

LIVE_MS = 10_000
QUESTION = "Mohon sebutkan jam kejadian dan ciri-ciri juru parkirnya."
TYPED = "Sekitar jam 09.00, juru parkir berompi oranye tanpa karcis."
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CARDS = ("reply", "photos", "decide")  # the forms a status change opens and closes


def both_sizes(page, screenshot, step: str) -> None:
    """Screenshots of the page at phone and at desktop size."""
    screenshot(page, f"{step}-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{step}-desktop")
    page.set_viewport_size(PHONE)


def deadline_shown(page) -> datetime:
    """The current deadline in the case box (its machine-readable time)."""
    return datetime.fromisoformat(
        page.locator("#case-box time").first.get_attribute("datetime").replace("Z", "+00:00")
    )


def test_a_status_change_opens_and_closes_forms_live_and_keeps_what_was_typed(
    page, live_server_url, screenshot
):
    base = live_server_url
    receipt, reference = file_parking_report(base)
    token = staff_token(base)
    urls = UrlRecorder(page)
    open_case(page, base, receipt)
    expect(page.locator("#live-status")).to_have_class(has_class("live"), timeout=LIVE_MS)
    reply, photos, decide = (page.locator(f"#{name}-card") for name in CARDS)
    expect(reply).to_be_visible()
    expect(reply).not_to_have_class(has_class("asked"))
    expect(photos).to_be_visible()
    expect(decide).to_be_hidden()
    first_deadline = deadline_shown(page)
    both_sizes(page, screenshot, "opened")
    page.evaluate("() => { window.__marker = 1; }")

    # Staff ask: the answer form becomes the office's question, with the new deadline.
    asked = transition(base, token, reference, "needs_info", QUESTION)

    expect(reply).to_have_class(has_class("asked"), timeout=LIVE_MS)
    expect(reply.locator("[data-asked]")).to_be_visible()
    expect(reply.locator("[data-not-asked]")).to_be_hidden()
    expect(page.locator("#action-notice")).to_be_visible()
    expect(page.locator("#case-box [data-status]")).to_have_class(has_class("status-needs_info"))
    new_deadline = datetime.fromisoformat(asked["due_at"].replace("Z", "+00:00"))
    assert new_deadline != first_deadline
    expect(page.locator("#case-box time").first).to_have_attribute(
        "datetime", new_deadline.astimezone(first_deadline.tzinfo).isoformat()
    )
    both_sizes(page, screenshot, "asked")

    # The reporter types an answer; another event arrives; the text is still there.
    page.fill("#reply-body", TYPED)
    staff_message(base, token, reference, "Terima kasih, kami tunggu jawaban Anda.")
    expect(page.locator("#timeline li[data-seq='4']")).to_be_visible(timeout=LIVE_MS)
    expect(page.locator("#reply-body")).to_have_value(TYPED)

    # The office resumes: still open for answers, no longer a question, the text untouched.
    transition(base, token, reference, "in_progress", "Kami lanjutkan pemeriksaan.")
    expect(reply).not_to_have_class(has_class("asked"), timeout=LIVE_MS)
    expect(reply).to_be_visible()
    expect(page.locator("#reply-body")).to_have_value(TYPED)
    both_sizes(page, screenshot, "typed-and-resumed")

    # Resolved: the answer and photo forms close, the decision and its rating open.
    transition(base, token, reference, "resolved", "Juru parkir sudah ditertibkan.")
    expect(decide).to_be_visible(timeout=LIVE_MS)
    expect(decide.locator("fieldset.rating")).not_to_have_count(0)
    expect(decide.locator("button[name=accept][value=true]")).to_be_visible()
    expect(decide.locator("button[name=accept][value=false]")).to_be_visible()
    expect(reply).to_be_hidden()
    expect(photos).to_be_hidden()
    expect(page.locator("#case-box [data-status]")).to_have_class(has_class("status-resolved"))
    expect(page.locator("#action-jump")).to_have_attribute("href", re.compile(r"#decide-card$"))
    both_sizes(page, screenshot, "resolved")

    assert page.evaluate("() => window.__marker") == 1, "the page reloaded or navigated"
    urls.assert_no_receipt(receipt)

    # And the decision posts like any form: dispute with a rating reopens it.
    decide.locator("input[name=rating_waktu][value='2']").check()
    with page.expect_navigation():
        decide.locator("button[name=accept][value=false]").click()
    expect(page.locator(".alert.success")).to_be_visible()
    expect(page.locator("#case-box [data-status]")).to_have_class(has_class("status-in_progress"))
    expect(reply).to_be_visible()
    expect(decide).to_be_hidden()


def test_a_wrong_receipt_comes_back_as_typed(page, live_server_url, screenshot):
    base = live_server_url
    receipt, _reference = file_parking_report(base)
    wrong = f"{receipt[:4]} {receipt[4:8]} {receipt[8:12]} {(int(receipt[12:]) + 1) % 10000:04d}"
    urls = UrlRecorder(page)
    assert page.goto(base + "/pantau/").status == 200

    answer = open_tracking(page, base, wrong)

    assert answer.status == 404
    assert "no-store" in answer.headers["cache-control"]
    expect(page.locator("#receipt")).to_have_value(wrong)
    expect(page.locator("#receipt")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".alert.error")).to_be_visible()
    screenshot(page, "wrong-receipt")
    urls.assert_no_receipt(wrong)

    # One digit corrected, the case opens.
    page.fill("#receipt", receipt)
    assert open_tracking(page, base, receipt).status == 200
    expect(page.locator("#timeline li[data-seq]")).to_have_count(2)
