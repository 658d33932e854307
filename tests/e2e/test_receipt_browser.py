"""Keeping the receipt without giving anything about oneself, in a phone-sized Chromium.

After filing, the receipt page offers the receipt as a small text file and a print, besides
copying; nothing asks for an e-mail or a phone number. With JavaScript the file is made in the
browser (a ``blob:`` URL, nothing sent to the server); without it the same button POSTs the
receipt and the server answers an attachment. Either way the file holds the reference, the
receipt and how to track, and the receipt is in no URL the browser requested. Printed, the page
is the portal's name and the receipt card alone.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import new_context
from tests.e2e.test_report_and_track import (
    RECEIPT_PATTERN,
    REFERENCE_PATTERN,
    UrlRecorder,
    fill_pungli_report,
    submit_report,
)

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]


def file_report(page, base: str) -> tuple[str, str]:
    """File the parking pungli through the form; ``(receipt as shown, reference)``."""
    assert page.goto(base + "/lapor/").status == 200
    fill_pungli_report(page, photos=[])
    assert submit_report(page, base).status == 201
    receipt = page.locator("#receipt").inner_text()
    assert RECEIPT_PATTERN.match(receipt), receipt
    reference = page.locator(".receipt-facts .mono").inner_text()
    assert REFERENCE_PATTERN.fullmatch(reference), reference
    return receipt, reference


def carries(request, receipt: str) -> bool:
    """Whether a request's URL or body holds the receipt, however its spaces are encoded."""
    said = request.url + (request.post_data_buffer or b"").decode("utf-8", "replace")
    forms = {
        receipt,
        receipt.replace(" ", "+"),
        receipt.replace(" ", "%20"),
        receipt.replace(" ", ""),
    }
    return any(form in said for form in forms)


def assert_receipt_file(text: str, receipt: str, reference: str, base: str) -> None:
    assert reference in text and receipt in text
    assert f"{base}/pantau/" in text  # where to track it


def test_the_receipt_downloads_as_a_file_made_in_the_browser(page, live_server_url, screenshot):
    base = live_server_url
    urls = UrlRecorder(page)
    receipt, reference = file_report(page, base)
    # Any request that carries the receipt from here on (the form's routing preview, debounced,
    # may still be on its way on a slow machine: it carries no receipt).
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if carries(request, receipt) else 0)
    expect(page.locator("input[type=email], input[type=tel]")).to_have_count(0)
    expect(page.locator("#copy-receipt")).to_be_visible()
    expect(page.locator("#print-receipt")).to_be_visible()
    screenshot(page, "receipt-page")

    with page.expect_download() as started:
        page.locator("#download-receipt").click()
    download = started.value

    assert download.url.startswith("blob:")
    assert download.suggested_filename == f"tanda-terima-{reference}.txt"
    assert_receipt_file(open(download.path(), encoding="utf-8").read(), receipt, reference, base)
    assert sent == [], "the file is made in the browser: the receipt is not sent again"
    urls.assert_no_receipt(receipt)


def test_printed_the_page_is_the_receipt_card_alone(page, live_server_url, screenshot):
    base = live_server_url
    receipt, reference = file_report(page, base)

    page.emulate_media(media="print")

    card = page.locator(".receipt-card")
    expect(card).to_be_visible()
    expect(card.locator("#receipt")).to_have_text(receipt)
    expect(card.locator(".receipt-facts")).to_contain_text(reference)
    expect(card.locator(".receipt-facts")).to_contain_text(f"{base}/pantau/")
    expect(page.locator(".site-header .brand")).to_be_visible()  # whose receipt it is
    for rest in (".main-nav", ".site-footer", "#confirm-saved", "#case-title", "#receipt-save"):
        expect(page.locator(rest)).to_be_hidden()
    screenshot(page, "print")
    page.emulate_media(media="screen")
    expect(page.locator("#confirm-saved")).to_be_visible()


def test_without_javascript_the_download_is_a_post_answered_with_an_attachment(
    browser, live_server_url, screenshot
):
    base = live_server_url
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        urls = UrlRecorder(page)
        receipt, reference = file_report(page, base)
        expect(page.locator("#print-receipt")).to_be_hidden()  # printing needs the script

        with page.expect_request(re.compile(r".*/pantau/tanda-terima/$")) as sent:
            with page.expect_download() as started:
                page.locator("#download-receipt").click()
        download = started.value

        assert sent.value.method == "POST"
        assert re.sub(r"\D", "", receipt) in re.sub(r"\D", "", sent.value.post_data or "")
        assert carries(sent.value, receipt)  # what the scripted test watches for does show it
        assert download.suggested_filename == f"tanda-terima-{reference}.txt"
        text = open(download.path(), encoding="utf-8").read()
        assert_receipt_file(text, receipt, reference, base)
        # Still on the receipt page, which still shows the receipt.
        expect(page.locator("#receipt")).to_have_text(receipt)
        screenshot(page, "after-download")
        urls.assert_no_receipt(receipt)
    finally:
        context.close()
