"""``POST /api/v1/routing/preview/`` (docs/interface.md) and the text-derived amounts on submit.

The preview says, while the report is still being written, where it would go and why; it never
stores anything. Bad input is a 400 shaped ``{"message", "errors"}`` (never a 500), and input
with nothing to route by is a 200 that waits for triage.
"""

import pytest

from complaints.models import Complaint
from routing.models import OversightRule
from tests.api.client import COMPLAINTS_URL, assert_not_english, complaint_post, language_headers

pytestmark = pytest.mark.usefixtures("directory")

PREVIEW_URL = "/api/v1/routing/preview/"
MSG_FIELDS = "Please check the fields marked below."
MSG_TRIAGE = "Belum jelas OPD yang berwenang → diverifikasi koordinator pengaduan"
CONTRACT_KEYS = {"opd", "status", "oversight", "reason", "confidence"}
EXTRA_KEYS = {"matched", "amounts", "fee_check", "oversight_names", "service"}


def preview(client, body, *, language="en"):
    return client.post(PREVIEW_URL, body, format="json", **language_headers(language))


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert_contract_shape(body)
    return body


def assert_contract_shape(body: dict) -> None:
    assert CONTRACT_KEYS | EXTRA_KEYS == set(body)
    assert body["opd"] is None or set(body["opd"]) == {"code", "name"}
    assert body["status"] in ("assigned", "triage")
    assert (body["opd"] is None) == (body["status"] == "triage")
    assert isinstance(body["oversight"], list) and all(
        isinstance(c, str) for c in body["oversight"]
    )
    assert len(body["oversight_names"]) == len(body["oversight"])
    assert isinstance(body["reason"], str) and body["reason"].strip()
    assert isinstance(body["confidence"], float) and 0.0 <= body["confidence"] <= 1.0
    assert isinstance(body["matched"], list)
    assert all(isinstance(amount, int) for amount in body["amounts"])
    assert {"official_fee", "amount", "excess", "karcis_missing", "flagged", "text"} <= set(
        body["fee_check"]
    )


def assert_triage(body: dict) -> None:
    assert body["opd"] is None
    assert body["status"] == "triage"
    assert body["confidence"] < 0.34


def refused(response, field: str | None = None) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["errors"], dict)
    if field is not None:
        assert field in body["errors"], body
        assert all(isinstance(text, str) and text.strip() for text in body["errors"][field])
    return body


# --- Shape and realistic texts -------------------------------------------------------------------


def test_the_parkir_story_goes_to_dishub_with_the_words_that_matched(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "tukang parkir di depan pasar minggu minta 10rb tanpa karcis",
            },
        )
    )
    assert body["opd"] == {"code": "DISHUB", "name": "Dinas Perhubungan"}
    assert body["status"] == "assigned"
    assert body["oversight"] == ["INSPEKTORAT"]
    assert body["oversight_names"] == ["Inspektorat Daerah"]
    assert body["reason"].startswith("Kata '")
    assert "'karcis'" in body["reason"] and "parkir'" in body["reason"]
    assert "→ Dinas Perhubungan" in body["reason"]
    assert "Inspektorat Daerah" in body["reason"]
    assert "karcis" in body["matched"]
    assert body["confidence"] >= 0.5
    assert body["amounts"] == [10000]


def test_a_late_family_card_in_slang_goes_to_dukcapil(api_client):
    body = ok(preview(api_client, {"category": "delay", "description": "sdh 3 mgg KK blm jadi"}))
    assert body["opd"]["code"] == "DUKCAPIL"
    assert body["oversight"] == []
    assert "Dinas Kependudukan dan Pencatatan Sipil" in body["reason"]
    assert body["amounts"] == []  # "3 mgg" is three weeks, not money


@pytest.mark.parametrize("spelling", ["e-KTP", "KTP-el", "ektp", "E KTP"])
def test_every_spelling_of_the_identity_card_goes_to_dukcapil(api_client, spelling):
    body = ok(preview(api_client, {"category": "delay", "description": f"{spelling} sy blm jadi2"}))
    assert body["opd"]["code"] == "DUKCAPIL"


def test_a_local_service_named_in_the_text_goes_to_the_office_of_the_chosen_place(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "other",
                "description": "urus SKTM dipersulit",
                "kelurahan": "17.71.06.1006",
            },
        )
    )
    assert body["opd"]["code"] == "KEC-RATU-AGUNG"
    assert body["service"] == "SKTM"
    assert "Kecamatan Ratu Agung" in body["reason"]


def test_a_local_service_without_a_place_waits_for_triage(api_client):
    body = ok(preview(api_client, {"category": "other", "description": "urus SKTM dipersulit"}))
    assert_triage(body)
    assert "tempatnya tidak disebut" in body["reason"]


def test_the_chosen_service_wins_over_the_words(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "jukir minta uang tanpa karcis",
                "service": "KK",
            },
        )
    )
    assert body["opd"]["code"] == "DUKCAPIL"
    assert body["confidence"] == 1.0
    assert body["reason"].startswith("Layanan Kartu Keluarga")
    assert body["oversight"] == ["INSPEKTORAT"]


def test_the_chosen_office_wins_over_the_words(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "other",
                "description": "jukir minta uang tanpa karcis",
                "opd": "DLH",
            },
        )
    )
    assert body["opd"]["code"] == "DLH"
    assert "Kantor yang dipilih pelapor" in body["reason"]


def test_involving_the_head_goes_to_the_inspektorat_as_primary(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "kepala dinas minta uang",
                "service": "KK",
                "involves_head": True,
            },
        )
    )
    assert body["opd"]["code"] == "INSPEKTORAT"
    assert body["oversight"] == []  # no copy to itself
    assert "Dinas Kependudukan dan Pencatatan Sipil" in body["reason"]


def test_negated_words_do_not_route(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "other",
                "description": "bukan soal parkir, tapi sampah menumpuk tdk diangkut",
            },
        )
    )
    assert body["opd"]["code"] == "DLH"
    assert "parkir" not in body["matched"]


def test_pungli_that_cannot_be_routed_still_copies_the_inspektorat(api_client):
    body = ok(preview(api_client, {"category": "pungli", "description": "dimintai uang"}))
    assert_triage(body)
    assert body["oversight"] == ["INSPEKTORAT"]


def test_the_oversight_rules_are_the_admins(api_client):
    OversightRule.objects.filter(when="pungli").update(is_active=False)
    body = ok(preview(api_client, {"category": "pungli", "description": "jukir minta 10rb"}))
    assert body["oversight"] == []


def test_the_preview_stores_nothing(api_client, assert_nothing_left):
    ok(preview(api_client, {"category": "pungli", "description": "jukir minta 10rb"}))
    assert_nothing_left()


def test_the_preview_answers_in_english_and_indonesian_alike(api_client):
    body = {"category": "pungli", "description": "jukir minta 10rb"}
    english = ok(preview(api_client, body, language="en"))
    default = ok(preview(api_client, body, language=None))
    assert english["opd"] == default["opd"]
    assert english["reason"] == default["reason"]  # the routing reason is always Indonesian


# --- Fee check -----------------------------------------------------------------------------------


def test_fee_check_of_a_parking_attendant_asking_five_times_the_fee(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "jukir minta uang",
                "service": "PARKIR-MOTOR",
                "amount_paid": 10000,
                "karcis_given": False,
            },
        )
    )
    fee = body["fee_check"]
    assert fee["official_fee"] == 2000
    assert fee["amount"] == 10000
    assert fee["amount_is_paid"] is True
    assert fee["excess"] == 8000
    assert fee["karcis_missing"] is True
    assert fee["flagged"] is True
    assert fee["text"]


def test_amounts_in_the_text_fill_the_fee_check_when_the_fields_are_empty(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "jukir minta 10rb",
                "service": "PARKIR-MOTOR",
            },
        )
    )
    assert body["amounts"] == [10000]
    fee = body["fee_check"]
    assert (fee["amount"], fee["amount_is_paid"], fee["excess"], fee["flagged"]) == (
        10000,
        False,
        8000,
        True,
    )


def test_the_largest_amount_in_the_text_is_checked(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "biasanya 2rb, hari ini minta Rp10.000",
                "service": "PARKIR-MOTOR",
            },
        )
    )
    assert body["amounts"] == [2000, 10000]
    assert body["fee_check"]["excess"] == 8000


def test_amount_fields_win_over_amounts_in_the_text(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "jukir minta 10rb",
                "service": "PARKIR-MOTOR",
                "amount_paid": 2000,
                "karcis_given": True,
            },
        )
    )
    assert body["amounts"] == [10000]  # still reported
    fee = body["fee_check"]
    assert (fee["amount"], fee["excess"], fee["flagged"]) == (2000, 0, False)


def test_amounts_without_a_service_cannot_be_compared(api_client):
    body = ok(preview(api_client, {"category": "pungli", "description": "jukir minta 10rb"}))
    fee = body["fee_check"]
    assert (fee["amount"], fee["excess"], fee["flagged"]) == (10000, None, False)


def test_an_unknown_official_fee_is_not_guessed(api_client):
    body = ok(
        preview(
            api_client,
            {
                "category": "pungli",
                "description": "petugas minta 50rb",
                "service": "UJI-KIR",
            },
        )
    )
    fee = body["fee_check"]
    assert (fee["official_fee"], fee["amount"], fee["excess"]) == (None, 50000, None)


# --- Text with nothing to route by: 200, triage --------------------------------------------------


@pytest.mark.parametrize(
    "description",
    [
        "",
        "   \n\t  ",
        "😡😡😡📷",
        "أريد تقديم شكوى ضد الموظف",
        "停车收费太贵了没有收据",
        "yang dan di ke dari untuk pada",
        "!!! ??? ...",
    ],
    ids=["empty", "whitespace", "emoji", "arabic", "chinese", "stopwords", "punctuation"],
)
def test_nothing_to_route_by_gives_triage(api_client, description):
    body = ok(preview(api_client, {"category": "other", "description": description}))
    assert_triage(body)
    assert body["reason"] == MSG_TRIAGE
    assert body["confidence"] == 0.0
    assert body["matched"] == [] and body["amounts"] == []


def test_an_empty_body_previews_as_triage(api_client):
    body = ok(preview(api_client, {}))
    assert_triage(body)


def test_a_description_of_5000_characters_is_previewed(api_client):
    text = ("jukir minta 10rb tanpa karcis di pasar. " * 200)[:5000]
    body = ok(preview(api_client, {"category": "pungli", "description": text}))
    assert body["opd"]["code"] == "DISHUB"


# --- Bad input: 400 with {"message", "errors"} ---------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "field_message"),
    [
        ({"description": "parkir " * 2858}, "description", "Please write at most 5000 characters."),
        ({"description": "a" * 20000}, "description", "Please write at most 5000 characters."),
        ({"service": "NOPE"}, "service", "Unknown service."),
        ({"opd": "NOPE"}, "opd", "Unknown office."),
        ({"kelurahan": "17.71.99.9999"}, "kelurahan", "Unknown kelurahan."),
        ({"category": "bribe"}, "category", "Choose the type of report: pungli, delay or other."),
        ({"category": None}, "category", "Choose the type of report: pungli, delay or other."),
        ({"involves_head": "maybe"}, "involves_head", "Answer yes or no."),
        (
            {"amount_paid": "10.000"},
            "amount_paid",
            "Enter an amount in whole rupiah, without dots, from 0 to 1.000.000.000.",
        ),
        (
            {"amount_asked": -5},
            "amount_asked",
            "Enter an amount in whole rupiah, without dots, from 0 to 1.000.000.000.",
        ),
    ],
    ids=[
        "description-20k-words",
        "description-20k",
        "service-unknown",
        "opd-unknown",
        "kelurahan-unknown",
        "category-unknown",
        "category-null",
        "involves-head",
        "amount-dots",
        "amount-negative",
    ],
)
def test_bad_fields_are_refused(api_client, changes, field, field_message):
    body = {"category": "pungli", "description": "jukir minta 10rb", **changes}
    error = refused(preview(api_client, body), field)
    assert error["message"] == MSG_FIELDS
    assert error["errors"][field] == [field_message]


def test_a_long_description_is_refused_in_indonesian_by_default(api_client):
    response = preview(api_client, {"category": "other", "description": "a" * 20000}, language=None)
    message = refused(response, "description")["errors"]["description"][0]
    assert "5000" in message
    assert_not_english(message, "Please write at most 5000 characters.")


@pytest.mark.parametrize(
    "description",
    [None, ["jukir"], {"text": "jukir"}, "jukir\x00minta"],
    ids=["null", "list", "object", "nul-character"],
)
def test_a_description_that_is_not_text_is_refused(api_client, description):
    refused(preview(api_client, {"category": "other", "description": description}), "description")


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'"jukir"', b'{"description": '],
    ids=["garbage", "list", "string", "truncated"],
)
def test_a_body_that_is_not_an_object_is_refused(api_client, raw):
    response = api_client.generic(
        "POST", PREVIEW_URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    refused(response)


def test_a_form_encoded_preview_works_too(api_client):
    response = api_client.post(
        PREVIEW_URL,
        {"category": "pungli", "description": "jukir minta 10rb"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert ok(response)["opd"]["code"] == "DISHUB"


def test_get_is_not_allowed(api_client):
    response = api_client.get(PREVIEW_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert set(response.json()) == {"message", "errors"}


# --- Submit: the same rules, and the amounts of the text ------------------------------------------


@pytest.mark.parametrize("description", ["", "   \n\t "], ids=["empty", "whitespace"])
def test_submit_with_an_empty_description_and_nothing_chosen_is_refused(
    api_client, assert_nothing_left, description
):
    response = complaint_post(
        api_client, {"category": "other", "description": description}, language="en"
    )
    error = refused(response, "description")
    assert error["errors"]["description"] == ["Tell us what happened."]
    assert_nothing_left()


def test_submit_with_a_20000_character_description_is_refused(api_client, assert_nothing_left):
    response = complaint_post(
        api_client, {"category": "other", "description": "a" * 20000}, language="en"
    )
    error = refused(response, "description")
    assert error["errors"]["description"] == ["Please write at most 5000 characters."]
    assert_nothing_left()


@pytest.mark.parametrize(
    "description",
    ["😡😡😡📷", "停车收费太贵了没有收据", "yang dan di ke dari"],
    ids=["emoji", "chinese", "stopwords"],
)
def test_submit_with_nothing_to_route_by_waits_for_triage(api_client, description):
    response = complaint_post(api_client, {"category": "other", "description": description})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "triage"


def test_submit_takes_the_amount_from_the_text_when_the_fields_are_empty(api_client):
    response = complaint_post(
        api_client,
        {
            "category": "pungli",
            "service": "PARKIR-MOTOR",
            "description": "Jukir di pasar minta 10rb, karcis tidak dikasih.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.amount_asked == 10000
    assert complaint.amount_paid is None
    assert complaint.official_fee == 2000
    assert complaint.fee_excess == 8000
    assert complaint.fee_flagged is True
    assert body["fee_check"]["excess"] == 8000
    assert body["opd"]["code"] == "DISHUB"
    assert body["oversight"] == ["INSPEKTORAT"]


def test_submit_keeps_the_amount_fields_over_the_text(api_client):
    response = complaint_post(
        api_client,
        {
            "category": "pungli",
            "service": "PARKIR-MOTOR",
            "description": "Jukir minta 10rb",
            "amount_paid": 5000,
            "karcis_given": True,
        },
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.amount_asked, complaint.amount_paid, complaint.fee_excess) == (
        None,
        5000,
        3000,
    )


def test_submit_routes_by_the_text_like_the_preview(api_client):
    data = {"category": "pungli", "description": "tukang parkir minta 10rb tanpa karcis"}
    previewed = ok(preview(api_client, data))
    response = api_client.post(COMPLAINTS_URL, data, format="json")
    assert response.status_code == 201, response.content
    submitted = response.json()
    assert submitted["opd"] == previewed["opd"]
    assert submitted["oversight"] == previewed["oversight"]
    assert submitted["reason"] == previewed["reason"]
