"""The portal looks like the city's, at phone and desktop size, in a real Chromium.

- the header carries the crest and the city's name; its navigation is never clipped (it wraps);
- every page title has room above it, under the header;
- tables and dashboards use the desktop's width (not a narrow column), forms keep a reading width;
- the poster's controls are styled buttons, hidden in print, and the poster prints on one A4 page;
- the admin shows the city's crest, name and colour, not Django's;
- an English browser gets Indonesian; English by the switch, remembered.

Screenshots of each page and size are saved under ``test-artifacts/e2e/``.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SIZES
from tests.e2e.servers import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

PRIMARY = "rgb(11, 93, 59)"  # Kota Bengkulu's green (#0b5d3b), the default of PORTAL_CITY_COLOURS
OLD_COLUMN = 520  # the narrow column every desktop page once had


def log_in(page, base_url: str, username: str = "admin") -> None:
    page.goto(base_url + "/staf/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".login-form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/staf/masuk/"))


def assert_header_fits(page) -> None:
    """No sideways scroll, and every navigation link inside the screen (the nav wraps)."""
    sizes = page.evaluate(
        """() => {
            const nav = document.querySelector('.main-nav');
            return {
                page: document.documentElement.scrollWidth, screen: window.innerWidth,
                nav: nav.scrollWidth, navBox: nav.clientWidth,
                rightmost: Math.max(...[...nav.querySelectorAll('a')]
                    .map(a => a.getBoundingClientRect().right)),
            };
        }"""
    )
    assert sizes["page"] <= sizes["screen"], sizes
    assert sizes["nav"] <= sizes["navBox"], sizes
    assert sizes["rightmost"] <= sizes["screen"], sizes


def assert_title_has_room(page) -> None:
    gap = page.evaluate(
        """() => document.querySelector('main h1').getBoundingClientRect().top
                 - document.querySelector('.site-header').getBoundingClientRect().bottom"""
    )
    assert gap >= 24, f"the h1 sits {gap}px under the header"


def assert_crest_shown(page) -> None:
    crest = page.locator(".site-header img.crest")
    expect(crest).to_be_visible()
    assert crest.evaluate("img => img.complete && img.naturalWidth > 0")
    assert crest.bounding_box()["height"] >= 40


def content_width(page) -> float:
    return page.evaluate("document.querySelector('main > div').getBoundingClientRect().width")


@pytest.mark.parametrize("path", ["/", "/lapor/", "/pantau/", "/standar/", "/transparansi/"])
def test_public_pages(live_server_url, sized_page, screenshot, path):
    page = sized_page
    page.goto(live_server_url + path)
    assert_crest_shown(page)
    expect(page.locator(".brand")).to_contain_text("Pemerintah Kota Bengkulu")
    expect(page).to_have_title(re.compile(r"· Kota Bengkulu$"))
    assert_header_fits(page)
    assert_title_has_room(page)
    assert page.locator(".nav-bar").evaluate("n => getComputedStyle(n).backgroundColor") == PRIMARY
    if page.size_name == "desktop":
        wide = path in ("/", "/standar/", "/transparansi/")
        width = content_width(page)
        assert (width > 1000) if wide else (600 < width <= 46 * 16), (path, width)
    screenshot(page, f"{path.strip('/') or 'home'}-{page.size_name}")


@pytest.mark.parametrize("path", ["/staf/", "/dasbor/", "/staf/audit/"])
def test_staff_pages_use_the_width(live_server_url, sized_page, screenshot, path):
    page = sized_page
    log_in(page, live_server_url)
    page.goto(live_server_url + path)
    assert_header_fits(page)  # seven links on a phone: they wrap, none is cut off
    if page.locator("main h1").count():
        assert_title_has_room(page)
    if page.size_name == "desktop":
        assert content_width(page) > 2 * OLD_COLUMN
    screenshot(page, f"{path.strip('/').replace('/', '-')}-{page.size_name}")


def test_poster_controls(live_server_url, sized_page, screenshot):
    page = sized_page
    page.goto(live_server_url + "/standar/PARKIR-MOTOR/poster/")
    expect(page.locator(".poster header")).to_contain_text("Pemerintah Kota Bengkulu")
    assert page.locator(".poster header img.crest").evaluate("img => img.naturalWidth > 0")
    button = page.get_by_role("button", name="Cetak")
    style = button.evaluate(
        """b => { const s = getComputedStyle(b);
                  return {bg: s.backgroundColor, color: s.color, radius: parseFloat(s.borderRadius),
                          height: b.getBoundingClientRect().height}; }"""
    )
    assert style["bg"] == PRIMARY and style["color"] == "rgb(255, 255, 255)", style
    assert style["radius"] > 0 and style["height"] >= 44, style
    back = page.get_by_role("link", name=re.compile("Standar pelayanan"))
    assert back.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    assert back.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, f"poster-{page.size_name}")
    if page.size_name == "desktop":
        page.emulate_media(media="print")
        assert page.locator(".poster-controls").is_hidden()
        pdf = page.pdf(format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 1


def test_admin_in_the_citys_identity(live_server_url, sized_page, screenshot):
    page = sized_page
    page.goto(live_server_url + "/admin/login/")
    header = page.locator("#header")
    expect(header).to_contain_text("Lapor Pungli · Kota Bengkulu")
    expect(header).not_to_contain_text("Django")
    assert header.evaluate("h => getComputedStyle(h).backgroundColor") == PRIMARY
    assert page.locator("#header img.crest").evaluate("img => img.naturalWidth > 0")
    screenshot(page, f"admin-login-{page.size_name}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#content h1")).to_have_text("Administrasi portal")
    expect(page).to_have_title(re.compile("Lapor Pungli Kota Bengkulu$"))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, f"admin-index-{page.size_name}")


def test_an_english_browser_gets_indonesian_until_it_chooses(live_server_url, browser):
    context = browser.new_context(viewport=SIZES["phone"], locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server_url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".brand")).to_contain_text("Government of Kota Bengkulu")
        page.goto(live_server_url + "/lapor/")  # remembered
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("link", name="Bahasa Indonesia").click()
        expect(page.locator("html")).to_have_attribute("lang", "id")
    finally:
        context.close()
