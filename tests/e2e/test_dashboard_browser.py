"""The dashboards in a real browser: the mayor's dashboard, the public transparency page, a poster.

A server of its own (``tests.e2e.servers``: its own database prepared like `make run`, then
``manage.py seed_load --complaints 400``, then ``manage.py serve``), so the 400 synthetic
complaints never reach the other end-to-end tests' database. Six parking complaints are filed
through the API as well, so "received today" is not zero.

Chromium then checks what a person would see:

- ``/dasbor/`` as the walikota (logged in through the login page): the weekly trend is an SVG
  with ``rect`` bars of non-zero height inside ``g.bar``; the OPD league table has rows with zone
  badges; the live counters (``[data-counter]``) receive numbers over the dashboard websocket,
  equal to the database's own counts;
- ``/transparansi/?period=<last year>`` without a login (public figures exist for whole months,
  quarters and years only; the last complete year holds about half of the 400): the monthly
  chart and the office table render, with no count under 5 and every other count a multiple of
  5; ``?from=&to=`` is refused with a 400 page that offers the periods;
- ``/standar/PARKIR-MOTOR/poster/``: the poster, and its A4 PDF (``page.pdf``) is one page.

Each page is captured at 1280×900 (a projector in the mayor's meeting room) and 390×844 (a
phone) under ``test-artifacts/e2e/``; the PDF goes to ``test-artifacts/``. Neither size may
scroll sideways.
"""

import re
import subprocess
import sys
from datetime import datetime

import pytest
from playwright.sync_api import expect

from complaints.deadlines import WIB
from complaints.models import FINAL_STATUSES
from tests.e2e.conftest import PROJECT_DIR, STARTED
from tests.e2e.portal import file_parking_report
from tests.e2e.servers import DEMO_PASSWORD, AppServer, E2eDatabase, server_env

# What the page does, not which database or channel layer is behind it: `make test` runs it.
pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

SEEDED = 400
# Reported through the API this week: one public weekly cell is surely 5 or more (a drawn bar).
FILED_TODAY = 6
POSTER_SENTENCE = "Dimintai bayaran di luar tarif resmi? Laporkan tanpa identitas"
PDF_PATH = PROJECT_DIR / "test-artifacts" / "poster-PARKIR-MOTOR.pdf"


@pytest.fixture(scope="module")
def seeded(e2e_workdir):
    """``(server, database)``: a server over a database of its own, with 400 + 1 complaints."""
    workdir = e2e_workdir / "dashboards"
    workdir.mkdir(exist_ok=True)
    database = E2eDatabase(workdir)
    database.create()
    server = None
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "seed_load", "--complaints", str(SEEDED)],
            cwd=PROJECT_DIR,
            env=server_env(database),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Loaded {SEEDED} complaints" in result.stdout
        server = AppServer("dashboards", server_env(database), workdir, command="serve")
        STARTED.append(server)
        server.start()
        for _report in range(FILED_TODAY):
            file_parking_report(server.url)
        yield server, database
    finally:
        if server is not None:
            server.stop()
        database.drop()


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(base_url + next_path)
    expect(page).to_have_url(re.compile(r"/staf/masuk/\?next="))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".login-form button[type=submit]")
    expect(page).to_have_url(base_url + next_path)


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(node => node.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(node => node.tagName + '.' + node.className)"""
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the {page.size_name} screen: {wide}"


def bar_heights(page) -> list[float]:
    """The rendered height (CSS pixels) of every bar segment of the page's trend chart."""
    return page.eval_on_selector_all(
        "svg.chart-svg g.bar rect", "rects => rects.map(r => r.getBoundingClientRect().height)"
    )


def test_dashboard_as_walikota(seeded, sized_page, screenshot):
    server, database = seeded
    page = sized_page
    log_in(page, server.url, "walikota", "/dasbor/")

    # The weekly trend: ~13 weeks of bars, some of real height.
    bars = page.locator("svg.chart-svg g.bar")
    assert 13 <= bars.count() <= 14
    heights = bar_heights(page)
    assert heights and max(heights) > 20 and all(height >= 0 for height in heights)
    assert sum(1 for height in heights if height > 0) >= 10
    assert page.locator("svg.chart-svg g.bar rect[height='0']").count() == 0

    # The league table: offices with zone badges.
    rows = page.locator("table.league tbody tr")
    assert rows.count() >= 5
    badges = page.locator("table.league .zone")
    assert badges.count() >= 3
    for index in range(badges.count()):
        badge_class = badges.nth(index).get_attribute("class")
        assert re.fullmatch(r"zone zone-(hijau|kuning|merah)", badge_class)
        colour = badges.nth(index).evaluate("node => getComputedStyle(node).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")

    # The live counters come over the websocket, and say what the database says.
    for name in ("received_today", "open", "overdue", "triage"):
        counter = page.locator(f"[data-counter='{name}']")
        expect(counter).to_have_text(re.compile(r"^\d+$"), timeout=15_000)
    finals = tuple(sorted(FINAL_STATUSES))
    placeholders = ", ".join(["%s"] * len(finals))
    open_now = database.rows(
        f"SELECT COUNT(*) FROM complaints_complaint WHERE status NOT IN ({placeholders})", finals
    )[0][0]
    triage = database.rows(
        "SELECT COUNT(*) FROM complaints_complaint WHERE status = %s", ("triage",)
    )[0][0]
    assert page.locator("[data-counter='open']").inner_text() == str(open_now)
    assert page.locator("[data-counter='triage']").inner_text() == str(triage)
    assert int(page.locator("[data-counter='received_today']").inner_text()) >= FILED_TODAY
    expect(page.locator("#staff-live")).to_be_visible()

    # KPIs are figures, and the CSV links are there.
    received = page.locator(".kpis .kpi strong").first.inner_text()
    assert int(received) > 0
    assert page.locator("a[href*='/api/v1/stats/opds/'][href*='format=csv']").count() == 1
    screenshot(page, f"dashboard-{page.size_name}")
    assert_no_sideways_scroll(page)


def test_transparency_page(seeded, sized_page, screenshot):
    server, _database = seeded
    page = sized_page
    last_year = str(datetime.now(WIB).year - 1)
    response = page.goto(server.url + f"/transparansi/?period={last_year}")
    assert response.status == 200
    assert "/staf/masuk/" not in page.url
    expect(page.locator("select#p-period")).to_have_value(last_year)
    # Monthly bars (suppression hides small cells): drawn, with a visible height.
    heights = bar_heights(page)
    assert heights and max(heights) > 4
    offices = page.locator("table.data").first.locator("tbody tr")
    assert offices.count() >= 5
    for index in range(offices.count()):
        received = offices.nth(index).locator("td").first.inner_text()
        assert received == "<5" or (int(received) >= 5 and int(received) % 5 == 0), received
    titles = page.eval_on_selector_all(
        "svg.chart-svg rect title", "nodes => nodes.map(n => n.textContent)"
    )
    # A small cell is drawn as a hatched "<5" block, never as a number below 5.
    counts = [title.rsplit(":", 1)[1].strip() for title in titles]
    assert counts and all(count == "<5" or int(count) >= 5 for count in counts), counts
    assert all(count == "<5" or int(count) % 5 == 0 for count in counts), counts
    screenshot(page, f"transparency-{page.size_name}")
    assert_no_sideways_scroll(page)
    # A date range (the old address) is refused, and the page offers the periods instead.
    response = page.goto(server.url + "/transparansi/?from=2026-10-01&to=2026-10-24")
    assert response.status == 400
    expect(page.locator("div.alert.error[role=alert]")).to_be_visible()
    assert page.locator("select#p-period option").count() >= 16
    assert page.locator("table.data").count() == 0


def test_poster_and_its_a4_pdf(seeded, sized_page, screenshot):
    server, _database = seeded
    page = sized_page
    page.goto(server.url + "/standar/PARKIR-MOTOR/poster/")
    expect(page.locator("h1")).to_have_text(POSTER_SENTENCE)
    link = server.url + "/lapor/?service=PARKIR-MOTOR"
    expect(page.locator("p.link")).to_have_text(link)
    qr = page.locator(".qr-code svg")
    box = qr.bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 2  # square, scannable
    screenshot(page, f"poster-{page.size_name}")
    assert_no_sideways_scroll(page)
    if page.size_name != "desktop":
        return
    # The QR code leads to the pre-filled report form.
    page.goto(link)
    expect(page.locator("select#service")).to_have_value("PARKIR-MOTOR")
    page.goto(server.url + "/standar/PARKIR-MOTOR/poster/")
    PDF_PATH.parent.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(PDF_PATH), format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    assert len(pages) == 1, f"the A4 poster prints on {len(pages)} pages"
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    width, height = map(float, media_box.groups())
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points
    # What the printer gets, as a picture: the page at A4 size (96 dpi) in print media.
    page.set_viewport_size({"width": 794, "height": 1123})
    screenshot(page, "poster-print-a4")
    assert page.locator(".no-print").is_hidden()
