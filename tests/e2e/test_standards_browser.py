"""The standards table and the transparency page in a real Chromium, at phone and desktop size.

- ``/standar/`` on a phone: every service is a card (the table reflows), nothing scrolls
  sideways; typing "akta" leaves the two akta rows and says "2 dari N layanan", with ``?q=akta``
  in the address; a word that matches nothing shows the "no service" note. Without JavaScript,
  ``?q=parkir`` shows the same rows the server chose.
- ``/standar/`` on a desktop: a real table, one office heading per group.
- ``/transparansi/`` of the current month, after three reports were filed: the chart shows
  hatched "<5" segments, never "no complaints".

Screenshots go to ``test-artifacts/e2e/``.
"""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from complaints.deadlines import WIB
from tests.e2e.portal import PARKING_REPORT, api

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

DESKTOP = {"width": 1280, "height": 900}


def visible_rows(page) -> list[str]:
    return page.eval_on_selector_all(
        "tr[data-search]", "rows => rows.filter(r => !r.hidden).map(r => r.id)"
    )


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def test_search_as_you_type_on_a_phone(live_server_url, page, screenshot):
    page.goto(live_server_url + "/standar/")
    total = len(visible_rows(page))
    assert total >= 28
    # On a phone each service is a card (a grid, not a table row), its cells labelled.
    assert page.eval_on_selector("tr#KTP-EL", "r => getComputedStyle(r).display") == "grid"
    label = page.eval_on_selector(
        "tr#KTP-EL td[data-label]", "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Tarif resmi"'
    box = page.locator("tr#KTP-EL").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_no_sideways_scroll(page)
    expect(page.locator("tr#KTP-EL")).to_contain_text("1 jam (paling lama 24 jam")
    expect(page.locator("tr#KTP-EL")).to_contain_text("belum terverifikasi")
    expect(page.locator("tr#UJI-KIR")).to_contain_text("Belum diketahui")
    screenshot(page, "phone-all")

    search = page.get_by_label("Cari layanan, kantor, atau aturan")
    search.press_sequentially("akta")
    expect(page.locator("#standards-count")).to_have_text(f"2 dari {total} layanan")
    assert sorted(visible_rows(page)) == ["AKTA-LAHIR", "AKTA-MATI"]
    assert page.url.endswith("/standar/?q=akta")
    expect(page.locator("#standards-empty")).to_be_hidden()
    assert_no_sideways_scroll(page)
    screenshot(page, "phone-akta")

    search.fill("")
    search.press_sequentially("helikopter")
    expect(page.locator("#standards-count")).to_have_text(f"0 dari {total} layanan")
    expect(page.locator("#standards-empty")).to_be_visible()
    assert visible_rows(page) == []

    # The report link of a row opens the form with that service chosen.
    search.fill("")
    search.press_sequentially("parkir motor")
    page.locator("tr#PARKIR-MOTOR a", has_text="Laporkan").click()
    expect(page.locator("select#service")).to_have_value("PARKIR-MOTOR")


def test_the_search_works_without_javascript(browser, live_server_url, screenshot):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server_url + "/standar/")
        page.get_by_label("Cari layanan, kantor, atau aturan").fill("parkir")
        page.get_by_role("button", name="Cari", exact=True).click()
        expect(page).to_have_url(live_server_url + "/standar/?q=parkir")
        assert sorted(visible_rows(page)) == ["PARKIR-MOBIL", "PARKIR-MOTOR"]
        expect(page.locator("#standards-count")).to_contain_text("2 dari")
        screenshot(page, "phone-no-js-parkir")
    finally:
        context.close()


def test_the_table_on_a_desktop(browser, live_server_url, screenshot):
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    try:
        page = context.new_page()
        page.goto(live_server_url + "/standar/")
        row = page.locator("tr#KTP-EL")
        assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
        expect(page.locator("thead th").first).to_be_visible()
        expect(page.locator("tr.office-row").first).to_be_visible()
        assert_no_sideways_scroll(page)
        screenshot(page, "desktop-all")
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_transparency_shows_small_counts_as_hidden_not_as_none(
    browser, live_server_url, screenshot, size
):
    for category in ("pungli", "delay", "other"):
        status, data = api(
            live_server_url, "POST", "/api/v1/complaints/", {**PARKING_REPORT, "category": category}
        )
        assert status == 201, data
    viewport = DESKTOP if size == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=viewport, locale="id-ID")
    try:
        page = context.new_page()
        month = datetime.now(WIB).strftime("%Y-%m")
        page.goto(live_server_url + f"/transparansi/?period={month}")
        received = page.locator(".kpis .kpi strong").first.inner_text()
        assert received != "0"
        expect(page.locator("figure.chart")).not_to_contain_text("Tidak ada pengaduan")
        assert page.locator("svg.chart-svg rect.suppressed").count() >= 1
        expect(page.locator("figure.chart .legend-hidden")).to_be_visible()
        assert_no_sideways_scroll(page)
        screenshot(page, f"transparency-{size}")
    finally:
        context.close()
