"""Staff actions on a phone (390×844, Indonesian): verbs with what each needs, the reopen, where a
case goes, and a layout that keeps the navigation and the actions in reach (docs/product.md F3,
F4).

The complaints are filed and walked through the JSON API (as clients do); every staff step under
test is a click in the real page, in Chromium, against ``manage.py serve``. Outcomes are checked
through the API and the pages, each step saved as a screenshot under ``test-artifacts/e2e/``.
The module logs in a dozen times within a minute, from one address: its own server has the
per-address login limit off (the per-account limit stays).
"""

import re
from functools import cache

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Servers, new_context
from tests.e2e.portal import api, file_parking_report, staff_token, transition
from tests.e2e.servers import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PHONE_HEIGHT = 844
DESKTOP = {"width": 1280, "height": 900}
VAGUE = {"category": "other", "description": "Pelayanan jelek sekali, petugas acuh."}


@pytest.fixture(scope="module")
def live_server_url(e2e_database, e2e_workdir):
    servers = Servers(e2e_database, e2e_workdir)
    try:
        yield servers.start("staff-actions", command="serve", PORTAL_RATE_LOGIN="off").url
    finally:
        servers.stop()


@cache
def token_of(base: str, username: str) -> str:
    return staff_token(base, username)


def has_class(name: str) -> re.Pattern:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def log_in(page, base: str, username: str) -> None:
    assert page.goto(base + "/staf/masuk/").status == 200
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    expect(page).to_have_url(base + "/staf/")


def open_complaint(page, base: str, reference: str) -> None:
    assert page.goto(f"{base}/staf/pengaduan/{reference}/").status == 200


def status_badge(page):
    return page.locator(".case-facts [data-status]")


def staff_detail(base: str, username: str, reference: str) -> tuple[int, dict]:
    return api(
        base, "GET", f"/api/v1/staff/complaints/{reference}/", token=token_of(base, username)
    )


def closed_parking_case(base: str) -> str:
    """A parking pungli that Dishub resolved and its reporter accepted: closed."""
    receipt, reference = file_parking_report(base)
    token = token_of(base, "kepala-dishub")
    transition(base, token, reference, "in_progress")
    transition(base, token, reference, "resolved", "Juru parkir liar sudah ditertibkan.")
    status, data = api(
        base, "POST", "/api/v1/track/decision/", {"receipt": receipt, "accept": True, "ratings": {}}
    )
    assert status == 200 and data["status"] == "closed", data
    return reference


def test_the_inspektorat_reopens_a_closed_case_with_a_reason(page, live_server_url, screenshot):
    base = live_server_url
    reference = closed_parking_case(base)
    log_in(page, base, "inspektorat")
    open_complaint(page, base, reference)
    expect(status_badge(page)).to_have_class(has_class("status-closed"))
    reopen = page.locator("#verb-in_progress")
    expect(reopen.locator("summary")).to_have_text(re.compile("Buka kembali"))
    screenshot(page, "closed-case")

    reopen.locator("summary").click()
    reason = "Laporan baru: jukir yang sama masih meminta uang di lokasi ini."
    page.fill("#v-in_progress-message", reason)
    with page.expect_navigation():
        reopen.locator("button[type=submit]").click()
    expect(status_badge(page)).to_have_class(has_class("status-in_progress"))
    expect(page.locator(".alert.success")).to_be_visible()
    last = page.locator(".timeline li").last
    expect(last.locator(".event-text")).to_have_text(reason)
    screenshot(page, "reopened")
    assert staff_detail(base, "inspektorat", reference)[1]["status"] == "in_progress"


def test_the_inspektorat_refers_a_case_naming_where_it_goes(page, live_server_url, screenshot):
    base = live_server_url
    _receipt, reference = file_parking_report(base)
    log_in(page, base, "inspektorat")
    open_complaint(page, base, reference)
    refer = page.locator("#verb-referred")
    refer.locator("summary").click()
    page.select_option("#v-referred-destination", "ombudsman")
    page.fill("#v-referred-message", "Dugaan pungli berulang; perlu pemeriksaan dari luar.")
    screenshot(page, "referral-form")
    with page.expect_navigation():
        refer.locator("button[type=submit]").click()
    expect(status_badge(page)).to_have_class(has_class("status-referred"))
    expect(page.locator(".timeline li").last.locator(".event-text")).to_have_text(
        re.compile(r"^Dilimpahkan ke Ombudsman Republik Indonesia\. Dugaan pungli berulang")
    )
    screenshot(page, "referred")


def test_a_head_sends_a_case_to_the_office_it_belongs_to(
    browser, page, live_server_url, screenshot
):
    base = live_server_url
    _receipt, reference = file_parking_report(base)
    # The head of Dinas Perhubungan says "bukan kewenangan kami" and names the office.
    log_in(page, base, "kepala-dishub")
    open_complaint(page, base, reference)
    page.select_option("#r-opd", "DLH")
    page.fill("#r-reason", "Yang dilaporkan sampah liar di lahan parkir: urusan kebersihan.")
    with page.expect_navigation():
        page.locator("form:has(#r-opd) button[type=submit]").click()
    expect(page.locator(".alert.success")).to_be_visible()
    screenshot(page, "head-asked-to-move")

    # The complaint desk approves it from its page, in one click naming the destination.
    desk_context = new_context(browser)
    desk = desk_context.new_page()
    try:
        log_in(desk, base, "koordinator")
        with desk.expect_navigation():
            desk.locator(f"#reroutes-title ~ ul a:has-text('{reference}')").click()
        approve = desk.locator("button[name=approve][value=true]")
        expect(approve).to_have_text(re.compile("Dinas Lingkungan Hidup"))
        screenshot(desk, "desk-approves")
        with desk.expect_navigation():
            approve.click()
        expect(desk.locator(".alert.success")).to_be_visible()
    finally:
        desk_context.close()

    # It landed at that office: its head sees it, Dishub no longer does.
    status, data = staff_detail(base, "kepala-dlh", reference)
    assert status == 200 and data["opd"]["code"] == "DLH", data
    assert staff_detail(base, "kepala-dishub", reference)[0] == 404
    assert page.goto(base + "/staf/").status == 200
    expect(page.locator(f".complaint-row[data-reference='{reference}']")).to_have_count(0)


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(
    page, live_server_url, screenshot
):
    base = live_server_url
    status, filed = api(base, "POST", "/api/v1/complaints/", VAGUE)
    assert status == 201 and filed["status"] == "triage", filed
    reference = filed["reference"]
    log_in(page, base, "koordinator")
    open_complaint(page, base, reference)
    reject = page.locator("#verb-rejected")
    reject.locator("summary").click()
    page.fill("#v-rejected-message", "   ")  # passes the browser's "required", not the server
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        reject.locator("button[type=submit]").click()
    assert answer.value.status == 400
    error = page.locator("#v-rejected-message-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Tulis pesan yang akan dibaca pelapor.")
    expect(page.locator("#v-rejected-message")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "rejection-refused")
    assert staff_detail(base, "koordinator", reference)[1]["status"] == "triage"


def nav_fits(page) -> None:
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    links = page.locator(".main-nav a")
    assert links.count() >= 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            links.nth(index).inner_text(),
            box,
        )


def test_the_staff_pages_fit_a_phone_and_keep_the_actions_in_reach(
    page, live_server_url, screenshot
):
    base = live_server_url
    _receipt, reference = file_parking_report(base)
    log_in(page, base, "inspektorat")  # the longest navigation: dashboard and audit too
    nav_fits(page)
    row = page.locator(f".complaint-row[data-reference='{reference}']")
    expect(row.locator(".row-excerpt")).to_have_text(re.compile("^Jukir di depan pasar"))
    screenshot(page, "inbox-phone")

    open_complaint(page, base, reference)
    nav_fits(page)
    # The next step is on the first screen.
    steps = page.locator("#next-steps")
    box = steps.bounding_box()
    assert box is not None and box["y"] < PHONE_HEIGHT, box
    screenshot(page, "detail-phone")
    # Further down, reading the timeline, the jump bar stays on screen and leads to the actions.
    page.locator("#timeline-title").scroll_into_view_if_needed()
    jump = page.locator(".jump-bar a[href='#actions']")
    expect(jump).to_be_in_viewport()
    jump.click()
    expect(page.locator("#actions")).to_be_in_viewport()


def test_the_detail_page_on_a_desktop_puts_the_next_step_beside_the_file(
    browser, live_server_url, screenshot
):
    base = live_server_url
    _receipt, reference = file_parking_report(base)
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    try:
        log_in(page, base, "kepala-dishub")
        screenshot(page, "inbox-desktop")
        open_complaint(page, base, reference)
        expect(page.locator(".jump-bar")).to_be_hidden()
        steps = page.locator("#next-steps").bounding_box()
        case = page.locator(".case-column").bounding_box()
        assert steps["x"] > case["x"] + case["width"] - 1 and steps["y"] < DESKTOP["height"]
        expect(page.locator("#verb-in_progress button")).to_have_text("Mulai proses")
        screenshot(page, "detail-desktop")
    finally:
        context.close()
