"""The citizen's story in a real browser: report a parking pungli, keep the receipt, track it.

A phone-sized Chromium drives the real ASGI server (``live_server_url``): the report form shows the
chosen service's official fee and legal basis, the submission returns a one-time 16-digit receipt
routed to Dinas Perhubungan with the fee check (Rp10.000 paid for a Rp2.000 tariff: Rp8.000 excess),
and the tracking page opened with that receipt shows the timeline. Along the way the anonymity
promises are checked where a browser can see them: the receipt never appears in any URL, and the
photos the server stored carry no EXIF or GPS and have random names.

The same flow runs with JavaScript disabled (plain forms), in English, from a pre-filled service
link, and with HTML in the description (shown as text, never run).

Translations may not be compiled, so texts are matched through ids, data attributes, codes,
figures and names, or in both languages.
"""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import new_context

# What the page does, not which database or channel layer is behind it: `make test` runs it.
pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

SERVICE_CODE = "PARKIR-MOTOR"
SERVICE_NAME = "Parkir tepi jalan umum: sepeda motor"
KELURAHAN_NAME = "Sawah Lebar"
KELURAHAN_CODE = "17.71.06.1006"
OPD_NAME = "Dinas Perhubungan"
DESCRIPTION = (
    "Jukir di depan pasar meminta Rp10.000 untuk parkir sepeda motor, "
    "tanpa karcis dan tanpa rompi resmi."
)
RECEIPT_PATTERN = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")
REFERENCE_PATTERN = re.compile(r"BKL-\d{2}-[0-9A-Z]{6}")
DEADLINE_PATTERN = re.compile(r"\d{1,2} \w{3} \d{4}, \d{2}\.\d{2} WIB")
RECEIVED = re.compile(r"Diterima|Received")
ASSIGNED = re.compile(r"Didisposisikan|Assigned")
GPS_IFD = 0x8825


# --- Photos a phone might send -----------------------------------------------------------------


def phone_photo_with_gps(path: Path) -> Path:
    """A landscape 800×600 JPEG shot "rotated" (orientation 6), with camera and GPS EXIF."""
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "SM-A105F"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "S"  # GPSLatitudeRef
    gps[2] = (3.0, 47.0, 44.0)  # GPSLatitude: Kota Bengkulu
    gps[3] = "E"  # GPSLongitudeRef
    gps[4] = (102.0, 15.0, 33.0)  # GPSLongitude
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


def plain_png(path: Path) -> Path:
    """A landscape 800×600 PNG with a text chunk naming its author."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Nama Pelapor")
    Image.new("RGB", (800, 600), (30, 90, 160)).save(path, "PNG", pnginfo=info)
    return path


def test_photo_fixture_really_carries_gps(tmp_path):
    """The test photo is what the server must clean: GPS, camera and orientation in its EXIF."""
    with Image.open(phone_photo_with_gps(tmp_path / "gps.jpg")) as image:
        exif = image.getexif()
        assert exif[0x010F] == "Samsung" and exif[0x0112] == 6
        assert exif.get_ifd(GPS_IFD)[1] == "S"
    assert b"Exif\x00\x00" in (tmp_path / "gps.jpg").read_bytes()


# --- Helpers -----------------------------------------------------------------------------------


def evidence_files(live_server_url) -> set[Path]:
    folder = Path(live_server_url.media_root) / "evidence"
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


class UrlRecorder:
    """Every URL the page navigates to, requests or opens a websocket on."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("framenavigated", lambda frame: self.urls.append(frame.url))
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))

    def assert_no_receipt(self, receipt: str) -> None:
        digits = re.sub(r"\D", "", receipt)
        assert len(digits) == 16
        # The 16 digits, whatever separators (space, +, %20, -) an encoder put between groups.
        leak = re.compile(r"\D{0,3}".join(digits[i : i + 4] for i in range(0, 16, 4)))
        assert self.urls, "no URL was recorded"
        assert not [url for url in self.urls if leak.search(url)]


def fill_pungli_report(page, *, photos: list[Path]) -> None:
    page.locator("input[name=category][value=pungli]").check()
    page.select_option("#service", label=SERVICE_NAME)
    page.select_option("#kelurahan", label=KELURAHAN_NAME)
    expect(page.locator("#kelurahan")).to_have_value(KELURAHAN_CODE)
    page.fill("#description", DESCRIPTION)
    page.fill("#amount_paid", "10000")
    page.locator("input[name=karcis_given][value=false]").check()
    page.set_input_files("#photos", [str(path) for path in photos])


def submit_report(page, base_url: str):
    """Send the report form; the server's answer to the POST."""
    with page.expect_response(
        lambda response: response.url == f"{base_url}/lapor/" and response.request.method == "POST"
    ) as answer:
        page.locator("#report-form button[type=submit]").click()
    return answer.value


def open_tracking(page, base_url: str, receipt: str):
    """Type the receipt into the tracking form and open the case; the server's answer."""
    page.fill("#receipt", receipt)
    # The answer is in before the browser has swapped pages: wait for the new page too, or the
    # next look may land on the old one.
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda response: (
                response.url == f"{base_url}/pantau/" and response.request.method == "POST"
            )
        ) as answer,
    ):
        page.locator(".track-form button[type=submit]").click()
    return answer.value


def assert_case_tracked(page) -> None:
    """The tracking page of the parking complaint: facts, checks and the two first events."""
    events = page.locator("#timeline li[data-seq]")
    expect(events).to_have_count(2)
    assert [events.nth(i).get_attribute("data-seq") for i in range(2)] == ["1", "2"]
    expect(events.nth(0).locator(".event-title")).to_have_text(RECEIVED)
    expect(events.nth(1).locator(".event-title")).to_have_text(ASSIGNED)
    expect(events.nth(1).locator(".event-text")).to_contain_text(OPD_NAME)
    facts = page.locator(".case-facts")
    expect(facts).to_contain_text(REFERENCE_PATTERN)
    expect(facts).to_contain_text(OPD_NAME)
    expect(facts.locator("[data-status]")).to_have_class(re.compile(r"\bstatus-assigned\b"))
    # The routing reason, the same one-liner as the "assigned" event.
    reason = events.nth(1).locator(".event-text").inner_text().strip()
    assert reason
    expect(facts).to_contain_text(reason)
    deadlines = facts.locator("time[datetime]")
    expect(deadlines.first).to_have_text(DEADLINE_PATTERN)
    expect(page.locator("[data-fee-check]")).to_contain_text("8.000")
    expect(page.locator("[data-fee-check]")).to_contain_text("Rp2.000")
    expect(page.locator("#reported-description")).to_have_text(DESCRIPTION)


def assert_sanitized(new_files: set[Path]) -> None:
    """Two photos stored as 2 images + 2 thumbnails: JPEG, no metadata, random names, upright."""
    assert len(new_files) == 4, sorted(map(str, new_files))
    sizes = []
    for path in new_files:
        assert re.fullmatch(r"[0-9a-f]{32}", path.stem), path.name
        assert path.suffix == ".jpg" and path.parent.name == path.stem[:2]
        raw = path.read_bytes()
        assert b"Exif\x00\x00" not in raw
        assert b"ICC_PROFILE" not in raw and b"http://ns.adobe.com/xap" not in raw
        assert b"Samsung" not in raw and b"Nama Pelapor" not in raw
        with Image.open(path) as image:
            assert image.format == "JPEG"
            exif = image.getexif()
            assert len(exif) == 0 and GPS_IFD not in exif
            assert "exif" not in image.info and "comment" not in image.info
            sizes.append(image.size)
    # Orientation was applied before the EXIF went: the "rotated" phone photo is now portrait.
    assert sorted(sizes) == sorted([(600, 800), (800, 600), (300, 400), (400, 300)])


# --- The story ---------------------------------------------------------------------------------


def test_report_parking_pungli_with_photos_then_track_it(
    page, live_server_url, screenshot, tmp_path
):
    base = live_server_url
    urls = UrlRecorder(page)
    before = evidence_files(live_server_url)
    photos = [
        phone_photo_with_gps(tmp_path / "IMG_20260127_jukir.jpg"),
        plain_png(tmp_path / "b.png"),
    ]

    # Home -> report form.
    assert page.goto(base + "/").status == 200
    screenshot(page, "home")
    page.locator("main a[href='/lapor/']").first.click()
    expect(page).to_have_url(base + "/lapor/")

    # The chosen service's standard: official fee, legal basis, office.
    page.locator("input[name=category][value=pungli]").check()
    page.select_option("#service", label=SERVICE_NAME)
    info = page.locator("#service-info")
    expect(info).to_contain_text("Rp2.000")
    expect(info).to_contain_text("Perda Kota Bengkulu 1/2024")
    expect(info).to_contain_text(OPD_NAME)
    screenshot(page, "service-info")

    fill_pungli_report(page, photos=photos)
    expect(page.locator("#photo-list li")).to_have_count(2)
    screenshot(page, "form-filled")

    # Note when the progress element is shown (it may be too quick to catch otherwise).
    page.evaluate(
        """() => {
            const progress = document.getElementById("upload-progress");
            new MutationObserver(() => { if (!progress.hidden) window.__progressShown = true; })
                .observe(progress, {attributes: true, attributeFilter: ["hidden"]});
        }"""
    )
    answer = submit_report(page, base)
    assert answer.status == 201
    assert answer.request.resource_type == "xhr"  # sent by the script, with progress

    # The receipt page.
    receipt_box = page.locator("#receipt")
    expect(receipt_box).to_have_text(RECEIPT_PATTERN)
    assert page.evaluate("() => window.__progressShown === true")
    receipt = receipt_box.inner_text().strip()
    facts = page.locator(".case-facts")
    expect(facts).to_contain_text(REFERENCE_PATTERN)
    expect(facts).to_contain_text(OPD_NAME)
    expect(page.locator("[data-fee-check]")).to_contain_text("8.000")
    done = page.locator("#done")
    expect(done).to_be_disabled()
    screenshot(page, "receipt")
    page.locator("#saved").check()
    expect(done).to_be_enabled()
    screenshot(page, "receipt-saved")
    done.click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/\??$"))

    # Track it.
    page.locator("header a[href='/pantau/']").click()
    expect(page).to_have_url(base + "/pantau/")
    screenshot(page, "track-form")
    assert open_tracking(page, base, receipt).status == 200
    assert_case_tracked(page)
    screenshot(page, "track-timeline")

    # What the server kept, and what the URLs never carried.
    assert_sanitized(evidence_files(live_server_url) - before)
    urls.assert_no_receipt(receipt)


def test_report_and_track_without_javascript(browser, live_server_url, screenshot, tmp_path):
    base = live_server_url
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        urls = UrlRecorder(page)
        before = evidence_files(live_server_url)
        assert page.goto(base + "/lapor/").status == 200
        expect(page.locator("#service-filter")).to_be_hidden()  # the script did not run
        fill_pungli_report(
            page, photos=[phone_photo_with_gps(tmp_path / "a.jpg"), plain_png(tmp_path / "b.png")]
        )
        screenshot(page, "form-filled")

        with page.expect_navigation() as navigation:
            page.locator("#report-form button[type=submit]").click()
        assert navigation.value.status == 201
        expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN)
        receipt = page.locator("#receipt").inner_text().strip()
        expect(page.locator(".case-facts")).to_contain_text(OPD_NAME)
        expect(page.locator("[data-fee-check]")).to_contain_text("8.000")
        # Without the script the browser itself holds the form until the box is ticked.
        expect(page.locator("#saved:invalid")).to_have_count(1)
        screenshot(page, "receipt")

        page.goto(base + "/pantau/")
        assert open_tracking(page, base, receipt).status == 200
        assert_case_tracked(page)
        screenshot(page, "track-timeline")

        assert_sanitized(evidence_files(live_server_url) - before)
        urls.assert_no_receipt(receipt)
    finally:
        context.close()


def test_report_form_in_english(page, live_server_url, screenshot):
    assert page.goto(live_server_url + "/lapor/?lang=en").status == 200
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Make a report")
    expect(page.locator("#report-form legend").first).to_contain_text("What do you want to report?")
    expect(page.locator("label[for=description]")).to_contain_text("What happened?")
    expect(page.locator("#report-form button[type=submit]")).to_have_text("Send report")
    page.select_option("#service", SERVICE_CODE)
    expect(page.locator("#service-info")).to_contain_text("Official fee: Rp2.000")
    expect(page.locator("nav.lang a[hreflang=id]")).to_be_visible()
    screenshot(page, "english-form")


def test_service_link_prefills_the_form(page, live_server_url, screenshot):
    assert page.goto(f"{live_server_url}/lapor/?service={SERVICE_CODE}").status == 200
    expect(page.locator("#service")).to_have_value(SERVICE_CODE)
    expect(page.locator("#service option:checked")).to_have_text(SERVICE_NAME)
    info = page.locator("#service-info")
    expect(info).to_contain_text("Rp2.000")
    expect(info).to_contain_text("Perda Kota Bengkulu 1/2024")
    screenshot(page, "prefilled")


def test_html_in_the_description_is_shown_as_text(page, live_server_url, screenshot):
    base = live_server_url
    hostile = "<script>window.__pwned=1</script><b>x</b>"
    assert page.goto(base + "/lapor/").status == 200
    page.locator("input[name=category][value=other]").check()
    page.fill("#description", hostile)
    answer = submit_report(page, base)
    assert answer.status == 201
    expect(page.locator("#receipt")).to_have_text(RECEIPT_PATTERN)
    receipt = page.locator("#receipt").inner_text().strip()
    page.locator("#saved").check()

    page.goto(base + "/pantau/")
    assert open_tracking(page, base, receipt).status == 200
    shown = page.locator("#reported-description")
    expect(shown).to_have_text(hostile)
    expect(shown.locator("script, b")).to_have_count(0)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    screenshot(page, "hostile-description")
