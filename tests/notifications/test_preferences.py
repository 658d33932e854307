"""The "Notifikasi" page (/staf/notifikasi/): each staff member chooses immediate, daily or no
e-mail, through a plain CSRF-protected form, in Indonesian; the admin edits the same choice."""

import pytest
from django.test import Client

from complaints.models import StaffRole
from notifications.models import Mode, Preference
from notifications.preferences import mode_of
from tests.factories import page_client_for, staff_user

URL = "/staf/notifikasi/"


@pytest.fixture
def officer(directory):
    user = staff_user(StaffRole.OPD_STAFF, "DISHUB", "kepala-dishub")
    user.email = "kepala@dishub.test"
    user.save(update_fields=["email"])
    return user


def checked(html: str) -> list[str]:
    return [mode for mode in Mode.values if f'value="{mode}" checked' in html]


@pytest.mark.django_db
def test_the_page_shows_the_choice_in_indonesian_and_saves_it(officer):
    client = page_client_for(officer)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Notifikasi e-mail" in html and "Sekali sehari (ringkasan)" in html
    assert "kepala@dishub.test" in html
    assert checked(html) == [Mode.IMMEDIATE]  # an office's staff: immediate by default

    saved = client.post(URL, {"mode": Mode.DAILY})
    assert (saved.status_code, saved["Location"]) == (302, URL)
    again = client.get(URL).content.decode()
    assert checked(again) == [Mode.DAILY]
    assert "sudah disimpan" in again
    assert mode_of(officer) == Mode.DAILY


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"mode": "weekly"}, {"mode": "x" * 5000}])
def test_a_choice_that_is_not_one_of_the_three_is_a_400_and_saves_nothing(officer, body):
    page = page_client_for(officer).post(URL, body)
    assert page.status_code == 400
    assert "Pilih salah satu pilihan." in page.content.decode()
    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(URL, {"mode": Mode.NONE}).status_code == 403
    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(directory):
    page = Client().get(URL)
    assert page.status_code == 302 and page["Location"].startswith("/staf/masuk/")


@pytest.mark.django_db
def test_an_account_without_an_address_is_told_it_gets_no_mail(directory):
    user = staff_user(StaffRole.OPD_STAFF, "DISHUB", "tanpa-alamat")
    html = page_client_for(user).get(URL).content.decode()
    assert "belum memiliki alamat e-mail" in html
    assert mode_of(user) == Mode.NONE


@pytest.mark.django_db
def test_the_mayors_office_reads_a_daily_digest_by_default(directory):
    user = staff_user(StaffRole.WALIKOTA, username="walikota")
    user.email = "walikota@bengkulukota.test"
    user.save(update_fields=["email"])
    assert mode_of(user) == Mode.DAILY
    assert checked(page_client_for(user).get(URL).content.decode()) == [Mode.DAILY]


@pytest.mark.django_db
def test_the_admin_edits_a_staff_members_choice(officer):
    admin = page_client_for(staff_user("admin"))
    assert admin.get("/admin/notifications/preference/add/").status_code == 200
    response = admin.post(
        "/admin/notifications/preference/add/", {"user": officer.pk, "mode": Mode.NONE}
    )
    assert response.status_code == 302, response.content
    assert mode_of(officer) == Mode.NONE
    assert admin.get("/admin/notifications/mail/").status_code == 200
