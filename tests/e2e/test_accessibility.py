"""Every page of ours checked by axe-core in Chromium, at phone (390×844) and desktop (1280×900)
size: zero violations of WCAG 2.x A/AA and of axe's best practices.

axe-core comes from npm (package.json, pinned by package-lock.json, installed by
`make venv-dev`); the module is skipped only when Chromium or ``node_modules/axe-core`` is
missing. Each page is reached as a person reaches it, in the state worth checking: the report
form empty, refused by the server and with a photo problem found by its script; the receipt; the
tracking page empty, with a wrong receipt and with a case in each state a reporter meets (new,
asked for information with the answer form, resolved with accept/dispute and the ratings,
closed); the public figures, standards, a poster; the mayor's dashboard; the staff login (empty
and failed), inbox and complaint file (an office head and the Inspektorat), the audit page and
the notification preferences; the 404 page; and two pages in English.

axe is injected into the page (``add_script_tag``; the context bypasses our Content Security
Policy for that script only, as it would refuse any script not served by us) and run on the whole
document. A failure lists each violation with its rule, the elements and axe's help text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, PROJECT_DIR, SIZES, STARTED
from tests.e2e.portal import api, file_parking_report, staff_token, transition
from tests.e2e.servers import DEMO_PASSWORD, AppServer, server_env

# What the pages are, not which database or channel layer is behind them: `make test` runs it.
pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
HEAD = "kepala-dishub"  # the parking complaints' office head
STAFF = (HEAD, "inspektorat", "walikota")
WRONG_RECEIPT = "1234 5678 9012 3456"
RATINGS = {"waktu": 4, "biaya": 3, "perilaku": 4, "penanganan": 2}
DELAY_REPORT = {
    "category": "delay",
    "service": "PARKIR-MOTOR",
    "description": "Permohonan izin parkir saya belum selesai setelah dua bulan.",
}


@pytest.fixture(scope="module", autouse=True)
def _axe_installed():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `make venv-dev` (needs npm)")


# --- A server, the cases the tracking and staff pages show, and the staff's sessions ----------


@pytest.fixture(scope="module")
def server(e2e_database, e2e_workdir) -> str:
    """``manage.py serve`` over the session's database, as ``live_server_url``, but without the
    login limit: this module logs in more often than a person may in a minute."""
    workdir = e2e_workdir / "accessibility"
    workdir.mkdir(exist_ok=True)
    env = server_env(e2e_database, PORTAL_RATE_LOGIN="off")
    app = AppServer("accessibility", env, workdir, command="serve")
    STARTED.append(app)
    try:
        app.start()
        yield app.url
    finally:
        app.stop()


@pytest.fixture(scope="module")
def cases(server) -> dict[str, tuple[str, str]]:
    """``state → (receipt, reference)``: parking pungli complaints moved through the API."""
    base = server
    token = staff_token(base, HEAD)
    made = {state: file_parking_report(base) for state in ("assigned", "needs_info", "resolved")}
    made["closed"] = file_parking_report(base)
    transition(base, token, made["needs_info"][1], "needs_info", "Di pasar yang mana?")
    for state in ("resolved", "closed"):
        transition(base, token, made[state][1], "in_progress", "Kami periksa ke lapangan.")
        transition(base, token, made[state][1], "resolved", "Jukir liar sudah ditertibkan.")
    decision = {"receipt": made["closed"][0], "accept": True, "ratings": RATINGS}
    status, data = api(base, "POST", "/api/v1/track/decision/", decision)
    assert status == 200, data
    # A delay report in the same inbox: its category tag has colours of its own.
    status, data = api(base, "POST", "/api/v1/complaints/", DELAY_REPORT)
    assert status == 201 and data["opd"]["code"] == "DISHUB", data
    made["delay"] = data["receipt"], data["reference"]
    return made


@pytest.fixture(scope="module")
def sessions(server, browser) -> dict[str, dict]:
    """``username → storage state``: each staff member logged in once, through the login page."""
    states = {}
    for username in STAFF:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server + "/staf/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator(".login-form button[type=submit]").click()
        expect(page.locator(".login-form")).to_have_count(0)
        states[username] = context.storage_state()
        context.close()
    return states


# --- How each page is reached -------------------------------------------------------------------
# Each takes (page, base URL, cases, a temporary folder) and leaves the page in the state to
# check. A staff page carries the ``username`` whose session it opens in (``as_staff``).


def as_staff(username: str, path):
    def open_path(page, base, cases, _tmp_path):
        target = path(cases) if callable(path) else path
        assert page.goto(base + target).status == 200

    open_path.username = username
    return open_path


def track(page, base: str, receipt: str) -> None:
    page.goto(base + "/pantau/")
    page.fill("#receipt", receipt)
    page.locator("#receipt").press("Enter")
    expect(page.locator("#receipt")).to_have_count(0 if receipt != WRONG_RECEIPT else 1)


def report_refused(page, base: str) -> None:
    page.goto(base + "/lapor/")
    page.fill("#amount_paid", "sepuluh ribu")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()


def report_photo_problem(page, base: str, tmp_path: Path) -> None:
    from PIL import Image

    page.goto(base + "/lapor/")
    photos = []
    for number in range(6):
        path = tmp_path / f"foto-{number}.jpg"
        Image.new("RGB", (32, 24), (30, 90, 160)).save(path, "JPEG")
        photos.append(str(path))
    page.set_input_files("#photos", photos)
    expect(page.locator("#photos-problem p")).to_have_count(1)


def receipt(page, base: str) -> None:
    page.goto(base + "/lapor/")
    page.locator("input[name=category][value=pungli]").check()
    page.fill("#description", "Jukir di depan pasar meminta Rp10.000 tanpa karcis.")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#receipt")).to_be_visible()


def login_failed(page, base: str) -> None:
    page.goto(base + "/staf/masuk/")
    page.fill("#id_username", "bukan-petugas")
    page.fill("#id_password", "bukan-kata-sandinya")
    page.locator(".login-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


def detail_path(cases) -> str:
    return f"/staf/pengaduan/{cases['assigned'][1]}/"


def notification_preferences(page, base, _cases, _tmp_path) -> None:
    if page.goto(base + "/staf/notifikasi/").status == 404:
        pytest.skip("no notification preferences page")


notification_preferences.username = HEAD


def visit(path: str):
    def open_path(page, base, _cases, _tmp_path):
        page.goto(base + path)

    return open_path


PAGES = {
    "home": visit("/"),
    "home-en": visit("/?lang=en"),
    "report": visit("/lapor/"),
    "report-en": visit("/lapor/?lang=en"),
    "report-refused": lambda page, base, cases, tmp: report_refused(page, base),
    "report-photo-problem": lambda page, base, cases, tmp: report_photo_problem(page, base, tmp),
    "receipt": lambda page, base, cases, tmp: receipt(page, base),
    "track": visit("/pantau/"),
    "track-wrong-receipt": lambda page, base, cases, tmp: track(page, base, WRONG_RECEIPT),
    "track-assigned": lambda page, base, cases, tmp: track(page, base, cases["assigned"][0]),
    "track-needs-info": lambda page, base, cases, tmp: track(page, base, cases["needs_info"][0]),
    "track-resolved": lambda page, base, cases, tmp: track(page, base, cases["resolved"][0]),
    "track-closed": lambda page, base, cases, tmp: track(page, base, cases["closed"][0]),
    "track-delay": lambda page, base, cases, tmp: track(page, base, cases["delay"][0]),
    "transparency": visit("/transparansi/"),
    "standards": visit("/standar/"),
    "poster": visit("/standar/PARKIR-MOTOR/poster/"),
    "dashboard": as_staff("walikota", "/dasbor/"),
    "login": visit("/staf/masuk/"),
    "login-failed": lambda page, base, cases, tmp: login_failed(page, base),
    "inbox": as_staff(HEAD, "/staf/"),
    "inbox-inspektorat": as_staff("inspektorat", "/staf/"),
    "detail": as_staff(HEAD, detail_path),
    "detail-inspektorat": as_staff("inspektorat", detail_path),
    "audit": as_staff("inspektorat", "/staf/audit/"),
    "notifications": notification_preferences,
    "not-found": visit("/tidak-ada/"),
}


# --- The check ----------------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" "))}));
        }""",
        AXE_TAGS,
    )


def described(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {target}" for target in violation["nodes"][:8])
    return "\n".join(lines)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(server, browser, cases, sessions, name, size, tmp_path, screenshot):
    opens = PAGES[name]
    username = getattr(opens, "username", None)
    context = browser.new_context(
        viewport=SIZES[size],
        locale="id-ID",
        bypass_csp=True,
        storage_state=sessions[username] if username else None,
    )
    page = context.new_page()
    try:
        opens(page, server, cases, tmp_path)
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"{name}-{size}")
        assert not violations, f"{name} at {size} size:\n{described(violations)}"
    finally:
        context.close()


def test_the_check_finds_a_violation_when_there_is_one(server, browser):
    """The check itself: an image without a text alternative is caught."""
    context = browser.new_context(viewport=SIZES["phone"], locale="id-ID", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.evaluate(
            """() => {
                const img = document.createElement("img");
                img.src = "/static/frontend/icon.svg";
                document.querySelector("main").append(img);
            }"""
        )
        assert "image-alt" in {violation["id"] for violation in axe_violations(page)}
    finally:
        context.close()


# frontend/urls.py's page names → the PAGES entry that checks each; the rest are not pages
# (files, form actions, the health check).
CHECKED = {
    "home": "home",
    "report": "report",
    "track": "track",
    "transparency": "transparency",
    "standards": "standards",
    "poster": "poster",
    "dashboard": "dashboard",
    "staff-inbox": "inbox",
    "staff-complaint": "detail",
    "staff-audit": "audit",
    "login": "login",
}
NOT_PAGES = {
    "healthz",
    "track-reply",
    "track-photos",
    "track-proof",
    "track-receipt-file",
    "track-decision",
    "track-withdraw",
    "dashboard-export",
    "logout",
    "evidence",
    "evidence-thumb",
}


def test_every_page_of_ours_is_checked():
    """A new page in frontend/urls.py needs its entry in PAGES (or is named a non-page here)."""
    from frontend import urls

    names = {pattern.name for pattern in urls.urlpatterns}
    assert names - NOT_PAGES <= set(CHECKED), (
        f"pages axe never sees: {names - NOT_PAGES - set(CHECKED)}"
    )
    assert set(CHECKED.values()) <= set(PAGES)
