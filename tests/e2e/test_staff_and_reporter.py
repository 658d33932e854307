"""The OPD head and the reporter settle a complaint, each in their own browser
(docs/product.md F2, F3).

Two browser contexts share nothing but the server (``live_server_url``, seeded with the demo
accounts):

- the head of Dinas Perhubungan (``kepala-dishub``), on a desktop-sized window, logs in at
  ``/staf/masuk/`` and keeps the inbox open;
- the reporter, on a phone, files a parking pungli through the report form and opens the tracking
  page with the receipt.

The new complaint announces itself in the head's inbox (live banner), the head opens it and asks a
question; the question appears live in the reporter's timeline and the reporter answers it in
the reply form that appeared without a reload; the head's open page is told the complaint
changed, shows the answer and the status ``in_progress`` after the refresh; the head resolves it
with the action taken; the reporter sees "resolved", accepts and rates; the head's inbox lists it
as closed, with the rating on its page. Each step is saved as a screenshot under
``test-artifacts/e2e/``.

Texts are matched through ids, data attributes, status classes and the page's own label table,
so the test holds whether or not the Indonesian catalogue has every string.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import new_context
from tests.e2e.servers import DEMO_PASSWORD
from tests.e2e.test_report_and_track import (
    DESCRIPTION,
    RECEIPT_PATTERN,
    fill_pungli_report,
    open_tracking,
    phone_photo_with_gps,
    submit_report,
)

pytestmark = pytest.mark.e2e

LIVE_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
HEAD = "kepala-dishub"
QUESTION = "Jam berapa kejadiannya, dan di sisi pasar yang mana juru parkir itu berdiri?"
ANSWER = "Sekitar jam 10 pagi, di pintu masuk sisi timur Pasar Minggu."
ACTION = "Juru parkir liar sudah ditertibkan; petugas resmi berompi kini berjaga dengan karcis."
RATINGS = {"waktu": "4", "biaya": "4", "perilaku": "3", "penanganan": "2"}
REFERENCE = re.compile(r"BKL-\d{2}-[0-9A-Z]{6}")


def has_class(name: str) -> re.Pattern:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def status_badge(page):
    return page.locator(".case-facts [data-status]")


def log_in(page, base: str) -> None:
    assert page.goto(base + "/staf/masuk/").status == 200
    page.fill("#id_username", HEAD)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    expect(page).to_have_url(base + "/staf/")


def file_report(page, base: str, photo) -> tuple[str, str]:
    """The reporter files the parking pungli through the form; ``(receipt, reference)``."""
    assert page.goto(base + "/lapor/").status == 200
    fill_pungli_report(page, photos=[photo])
    assert submit_report(page, base).status == 201
    receipt_box = page.locator("#receipt")
    expect(receipt_box).to_have_text(RECEIPT_PATTERN)
    reference = REFERENCE.search(page.locator(".case-facts").inner_text()).group(0)
    return receipt_box.inner_text().strip(), reference


def labels_of(page) -> dict:
    return page.evaluate("() => JSON.parse(document.getElementById('timeline-labels').textContent)")


def change_status(page, target: str, message: str) -> None:
    """Open the verb that moves to ``target`` (e.g. "Minta info ke pelapor"), write, send."""
    verb = page.locator(f"#verb-{target}")
    verb.locator("summary").click()
    page.fill(f"#v-{target}-message", message)
    with page.expect_navigation():
        verb.locator("button[type=submit]").click()


def test_the_head_and_the_reporter_settle_a_complaint(
    browser, live_server_url, screenshot, tmp_path
):
    base = live_server_url
    staff_context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    reporter_context = new_context(browser)
    head = staff_context.new_page()
    reporter = reporter_context.new_page()
    try:
        # The head logs in; the inbox listens live.
        log_in(head, base)
        expect(head.locator("#staff-live")).to_have_class(has_class("live"), timeout=LIVE_MS)
        screenshot(head, "head-inbox")

        # The reporter files the complaint from a phone.
        photo = phone_photo_with_gps(tmp_path / "jukir.jpg")
        receipt, reference = file_report(reporter, base, photo)
        screenshot(reporter, "reporter-receipt")

        # The inbox is told something new arrived; "Show" lists it.
        news = head.locator("#inbox-news")
        expect(news).to_be_visible(timeout=LIVE_MS)
        screenshot(head, "head-inbox-news")
        with head.expect_navigation():
            news.locator("a").click()
        row = head.locator(f".complaint-row[data-reference='{reference}']")
        expect(row).to_be_visible()
        expect(row.locator("[data-status]")).to_have_class(has_class("status-assigned"))
        with head.expect_navigation():
            row.locator("a").click()
        expect(head).to_have_url(f"{base}/staf/pengaduan/{reference}/")
        expect(head.locator(".reported-text")).to_have_text(DESCRIPTION)
        expect(head.locator(".evidence img")).to_have_count(1)
        expect(head.locator("#staff-live")).to_have_class(has_class("live"), timeout=LIVE_MS)
        screenshot(head, "head-detail")

        # The reporter opens the tracking page and follows it live.
        assert reporter.goto(base + "/pantau/").status == 200
        assert open_tracking(reporter, base, receipt).status == 200
        labels = labels_of(reporter)
        expect(reporter.locator("#live-status")).to_have_class(has_class("live"), timeout=LIVE_MS)
        seen = reporter.locator("#timeline li[data-seq]").count()
        screenshot(reporter, "reporter-tracking")

        # The head asks a question.
        change_status(head, "needs_info", QUESTION)
        expect(status_badge(head)).to_have_class(has_class("status-needs_info"))
        expect(head.locator(".alert.success")).to_be_visible()
        screenshot(head, "head-asked")

        # It appears live for the reporter, with the form to answer it.
        asked = reporter.locator(f"#timeline li[data-seq='{seen + 1}']")
        expect(asked.locator(".event-text")).to_have_text(QUESTION, timeout=LIVE_MS)
        expect(asked.locator(".event-title")).to_have_text(labels["status"]["needs_info"])
        expect(status_badge(reporter)).to_have_class(has_class("status-needs_info"))
        expect(reporter.locator("#action-notice")).to_be_visible()
        screenshot(reporter, "reporter-question-live")
        # Without a reload: the answer form the question opened.
        expect(reporter.locator(".action-card.asked")).to_be_visible()
        screenshot(reporter, "reporter-reply-form")
        reporter.fill("#reply-body", ANSWER)
        with reporter.expect_response(
            lambda r: r.url == f"{base}/pantau/balas/" and r.request.method == "POST"
        ) as answered:
            reporter.locator(".action-card.asked button[type=submit]").click()
        assert answered.value.status == 200
        expect(reporter.locator(".alert.success")).to_be_visible()
        expect(status_badge(reporter)).to_have_class(has_class("status-in_progress"))
        answer = reporter.locator("#timeline .kind-reporter_message .event-text")
        expect(answer).to_have_text(ANSWER)
        screenshot(reporter, "reporter-answered")

        # The head's open page learns that the complaint changed; after the refresh: the answer.
        changed = head.locator("#inbox-news")
        expect(changed).to_be_visible(timeout=LIVE_MS)
        screenshot(head, "head-changed-banner")
        with head.expect_navigation():
            changed.locator("a").click()
        expect(status_badge(head)).to_have_class(has_class("status-in_progress"))
        expect(head.locator(".timeline .kind-reporter_message .event-text")).to_have_text(ANSWER)
        screenshot(head, "head-sees-answer")

        # The head resolves it with the action taken.
        change_status(head, "resolved", ACTION)
        expect(status_badge(head)).to_have_class(has_class("status-resolved"))
        screenshot(head, "head-resolved")

        # The reporter sees it resolved, accepts and rates.
        resolved = reporter.locator("#timeline li.kind-status .event-text", has_text=ACTION)
        expect(resolved).to_be_visible(timeout=LIVE_MS)
        expect(status_badge(reporter)).to_have_class(has_class("status-resolved"))
        decision = reporter.locator(".decision-form")
        expect(decision).to_be_visible()
        for element, value in RATINGS.items():
            decision.locator(f"input[name=rating_{element}][value='{value}']").check()
        screenshot(reporter, "reporter-rating")
        with reporter.expect_response(
            lambda r: r.url == f"{base}/pantau/keputusan/" and r.request.method == "POST"
        ) as decided:
            decision.locator("button[name=accept][value=true]").click()
        assert decided.value.status == 200
        expect(status_badge(reporter)).to_have_class(has_class("status-closed"))
        expect(reporter.locator(".decision-form")).to_have_count(0)
        expect(reporter.locator("#reply-body")).to_have_count(0)
        screenshot(reporter, "reporter-closed")

        # The head's inbox shows it closed; its page shows the rating.
        assert head.goto(base + "/staf/").status == 200
        row = head.locator(f".complaint-row[data-reference='{reference}']")
        expect(row.locator("[data-status]")).to_have_class(has_class("status-closed"))
        screenshot(head, "head-inbox-closed")
        with head.expect_navigation():
            row.locator("a").click()
        ratings = head.locator("section", has=head.locator(".plain-list strong")).locator("li")
        expect(ratings).to_have_count(4)
        assert sorted(ratings.locator("strong").all_inner_texts()) == ["2", "3", "4", "4"]
        expect(head.locator("#next-steps")).to_have_count(0)  # nothing left to move
        screenshot(head, "head-detail-closed")
    finally:
        staff_context.close()
        reporter_context.close()
