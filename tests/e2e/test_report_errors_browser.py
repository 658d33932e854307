"""The report form's errors in a phone-sized Indonesian Chromium: photo problems said before
anything is sent, and the summary a refused form opens on.

- Choosing a photo over the size limit, or more photos than allowed, shows a message in
  Indonesian beside the photo field, that stays until the choice is corrected, is announced
  (``role=alert``) and is tied to the field (``aria-describedby``, ``aria-invalid``); sending
  then sends nothing and puts the focus back on the field.
- A form the server refuses opens with the focus on its error summary; each link of the summary
  moves the focus to its field.

Screenshots of the form with errors, at phone and desktop size, go to test-artifacts/e2e/.
"""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import new_context

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

DESKTOP = {"width": 1280, "height": 900}
TOO_LARGE = re.compile(r"^Foto huge30\.jpg lebih dari 10 MB\. Kecilkan atau pilih foto lain\.$")
TOO_MANY = "Foto yang dapat dilampirkan paling banyak 5."
# What the form used to say: developer shorthand in a passing tooltip.
DEVELOPER_STRINGS = re.compile(r">\s*\d+\s*MB|\bmax\s+\d")


def small_photo(path: Path) -> Path:
    Image.new("RGB", (64, 48), (30, 90, 160)).save(path, "JPEG")
    return path


def huge_photo(path: Path) -> Path:
    """A JPEG padded past 10 MB (the browser checks the size; nothing is sent)."""
    small_photo(path)
    with path.open("ab") as file:
        file.write(b"\0" * (30 * 1024 * 1024))
    return path


def photo_field_says(page, text) -> None:
    """``text`` is shown beside the photo field, announced, and the field points at it."""
    problem = page.locator("#photos-problem")
    expect(problem).to_have_attribute("role", "alert")
    expect(problem.locator("p")).to_have_text([text])
    expect(problem).to_be_visible()
    photos = page.locator("#photos")
    expect(photos).to_have_attribute("aria-invalid", "true")
    expect(photos).to_have_attribute("aria-describedby", re.compile(r"\bphotos-problem\b"))
    assert not DEVELOPER_STRINGS.search(problem.inner_text())


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_photo_problems_are_persistent_indonesian_messages_tied_to_the_field(
    live_server_url, page, tmp_path, screenshot
):
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.goto(live_server_url + "/lapor/")

    page.set_input_files("#photos", [str(huge_photo(tmp_path / "huge30.jpg"))])
    photo_field_says(page, TOO_LARGE)
    screenshot(page, "too-large")

    six = [str(small_photo(tmp_path / f"foto-{n}.jpg")) for n in range(6)]
    page.set_input_files("#photos", six)
    photo_field_says(page, TOO_MANY)
    # Persistent: still there after the focus moves on, and after trying to send.
    page.locator("#description").fill("Jukir minta Rp10.000 tanpa karcis.")
    page.locator("input[name=category][value=pungli]").check()
    page.locator("button[type=submit]").click()
    photo_field_says(page, TOO_MANY)
    expect(page.locator("#photos")).to_be_focused()
    assert sent == []  # nothing left the browser
    screenshot(page, "too-many")

    page.set_input_files("#photos", six[:2])
    expect(page.locator("#photos-problem")).to_be_empty()
    expect(page.locator("#photos")).not_to_have_attribute("aria-invalid", "true")
    assert "photos-problem" not in (page.locator("#photos").get_attribute("aria-describedby"))


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_refused_form_opens_on_its_summary_whose_links_focus_the_fields(
    live_server_url, browser, script, screenshot
):
    context = new_context(browser, java_script_enabled=script)
    page = context.new_page()
    try:
        page.goto(live_server_url + "/lapor/")
        page.locator("#amount_paid").fill("sepuluh ribu")
        page.locator("button[type=submit]").click()

        summary = page.locator("#error-summary")
        expect(summary).to_be_visible()
        expect(summary.locator("h2")).to_have_text("Mohon perbaiki hal berikut")
        expect(summary).to_be_focused()
        links = summary.locator("a")
        expect(links).to_have_text(
            [
                "Pilih jenis laporan: pungli, keterlambatan, atau lainnya.",
                "Ceritakan apa yang terjadi.",
                "Tulis jumlah dalam rupiah tanpa titik, dari 0 sampai 1.000.000.000.",
            ]
        )
        if not script:
            return  # autofocus without a script; following a link is the browser's own jump
        screenshot(page, "summary-phone")
        links.nth(1).click()
        expect(page.locator("#description")).to_be_focused()
        links.nth(0).click()
        expect(page.locator("#category")).to_be_focused()
        expect(page.locator("#description")).to_have_attribute("aria-invalid", "true")
        page.set_viewport_size(DESKTOP)
        summary.focus()
        screenshot(page, "summary-desktop")
    finally:
        context.close()


def test_the_summary_after_a_scripted_send_takes_the_focus(live_server_url, page, tmp_path):
    """The form's script sends with a progress bar and writes the server's answer into the page:
    the refused form it gets back opens on its summary too."""
    page.goto(live_server_url + "/lapor/")
    page.locator("input[name=category][value=pungli]").check()
    page.set_input_files("#photos", [str(small_photo(tmp_path / "ok.jpg"))])
    page.locator("button[type=submit]").click()

    expect(page.locator("#error-summary")).to_be_focused()
    page.locator("#error-summary a").first.click()
    expect(page.locator("#description")).to_be_focused()
    assert focused_id(page) == "description"
