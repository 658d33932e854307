"""Editing the routing rules in the Django admin (rules are data the admin edits, not code).

A rule that would route to an office that no longer exists or is no longer active must not be
saved; neither may a rule whose target is incomplete, or whose pattern is nothing but
punctuation. Each refusal is a form error and leaves the row as it was. Requests ask for English
so the messages can be compared with the source texts.
"""

import pytest
from django.conf import settings

from routing.models import Opd, OversightRule, Service, TextRule

pytestmark = pytest.mark.usefixtures("directory")


@pytest.fixture(autouse=True)
def admin_in_english(admin_client):
    """The admin in English, chosen with the language switch's cookie (the source texts)."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


MSG_INACTIVE_TARGET = "The target OPD is no longer active."
MSG_EMPTY_PATTERN = "Nothing is left of this pattern after normalising; use real words."
MSG_TARGET = (
    "Choose the OPD when the rule points to an OPD, the service when it points to a service, "
    "and neither otherwise."
)
MSG_INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def text_rule_url(rule: TextRule) -> str:
    return f"/admin/routing/textrule/{rule.pk}/change/"


def form_data(rule: TextRule, **changes) -> dict:
    """The change form as the browser would post it, with ``changes`` applied."""
    data = {
        "kind": rule.kind,
        "pattern": rule.pattern,
        "weight": str(rule.weight),
        "target": rule.target,
        "opd": str(rule.opd_id or ""),
        "service": str(rule.service_id or ""),
        "category": rule.category,
        "kecamatan": str(rule.kecamatan_id or ""),
        "note": rule.note,
        "_save": "Save",
    }
    if rule.is_active:
        data["is_active"] = "on"
    data.update({key: str(value) for key, value in changes.items()})
    return data


def form_errors(response) -> dict:
    """Field errors of the admin form (``__all__`` for the form as a whole)."""
    assert response.status_code == 200, "the form was not shown again: it was saved"
    form = response.context["adminform"].form
    return {field: list(messages) for field, messages in form.errors.items()}


def snapshot(rule: TextRule) -> dict:
    return TextRule.objects.filter(pk=rule.pk).values().get()


@pytest.fixture
def jukir() -> TextRule:
    return TextRule.objects.get(kind="keyword", pattern="jukir", target="opd")


@pytest.fixture
def gone_opd_id() -> int:
    """The id of an OPD that existed and was deleted."""
    opd = Opd.objects.create(code="DINAS-LAMA", name="Dinas yang dibubarkan", kind="dinas")
    opd_id = opd.pk
    opd.delete()
    return opd_id


def test_the_change_form_opens(admin_client, jukir):
    response = admin_client.get(text_rule_url(jukir))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert {
        "kind",
        "pattern",
        "weight",
        "target",
        "opd",
        "service",
        "category",
        "kecamatan",
        "is_active",
        "note",
    } <= set(fields)


def test_the_opd_choices_offer_only_active_offices(admin_client, jukir):
    Opd.objects.filter(code="DISKOMINFO").update(is_active=False)
    response = admin_client.get(text_rule_url(jukir))
    choices = response.context["adminform"].form.fields["opd"].queryset
    assert choices.filter(code="DISHUB").exists()
    assert not choices.filter(code="DISKOMINFO").exists()


def test_a_valid_edit_is_saved(admin_client, jukir):
    dlh = Opd.objects.get(code="DLH")
    response = admin_client.post(
        text_rule_url(jukir), form_data(jukir, weight=2.5, opd=dlh.pk, note="uji")
    )
    assert response.status_code == 302, form_errors(response)
    jukir.refresh_from_db()
    assert (jukir.weight, jukir.opd_id, jukir.note) == (2.5, dlh.pk, "uji")


def test_an_edit_to_a_deleted_opd_is_refused(admin_client, jukir, gone_opd_id):
    before = snapshot(jukir)
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, opd=gone_opd_id))
    assert form_errors(response) == {"opd": [MSG_INVALID_CHOICE]}
    assert snapshot(jukir) == before


def test_an_edit_to_a_deactivated_opd_is_refused(admin_client, jukir):
    dlh = Opd.objects.get(code="DLH")
    Opd.objects.filter(pk=dlh.pk).update(is_active=False)
    before = snapshot(jukir)
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, opd=dlh.pk))
    assert "opd" in form_errors(response)
    assert snapshot(jukir) == before


def test_a_rule_whose_opd_was_deactivated_cannot_be_saved_unchanged(admin_client, jukir):
    Opd.objects.filter(code="DISHUB").update(is_active=False)
    before = snapshot(jukir)
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, weight=2))
    assert "opd" in form_errors(response)
    assert snapshot(jukir) == before


def test_the_model_refuses_a_deactivated_opd_even_outside_the_form(jukir):
    from django.core.exceptions import ValidationError

    Opd.objects.filter(code="DISHUB").update(is_active=False)
    jukir.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        jukir.full_clean()
    assert "opd" in refused.value.message_dict


def test_an_edit_to_a_service_whose_opd_is_deactivated_is_refused(admin_client, jukir):
    kk = Service.objects.get(code="KK")
    Opd.objects.filter(code="DUKCAPIL").update(is_active=False)
    before = snapshot(jukir)
    response = admin_client.post(
        text_rule_url(jukir), form_data(jukir, target="service", opd="", service=kk.pk)
    )
    assert form_errors(response) == {"__all__": [MSG_INACTIVE_TARGET]}
    assert snapshot(jukir) == before


def test_target_opd_without_an_opd_is_refused(admin_client, jukir):
    before = snapshot(jukir)
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, opd=""))
    assert form_errors(response) == {"__all__": [MSG_TARGET]}
    assert snapshot(jukir) == before


def test_target_opd_with_a_service_too_is_refused(admin_client, jukir):
    before = snapshot(jukir)
    kk = Service.objects.get(code="KK")
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, service=kk.pk))
    assert form_errors(response) == {"__all__": [MSG_TARGET]}
    assert snapshot(jukir) == before


@pytest.mark.parametrize("pattern", ["!!!", "😡😡", "yang"])
def test_a_pattern_that_normalises_to_nothing_is_refused(admin_client, jukir, pattern):
    before = snapshot(jukir)
    kind = "stem" if pattern == "yang" else "keyword"  # a stopword has no stem
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, pattern=pattern, kind=kind))
    assert form_errors(response) == {"pattern": [MSG_EMPTY_PATTERN]}
    assert snapshot(jukir) == before


def test_a_weight_out_of_range_is_refused(admin_client, jukir):
    before = snapshot(jukir)
    response = admin_client.post(text_rule_url(jukir), form_data(jukir, weight=0))
    assert form_errors(response) == {"__all__": ["The weight must be above 0 and at most 10."]}
    assert snapshot(jukir) == before


def test_a_new_rule_is_added_through_the_form(admin_client, jukir):
    data = form_data(jukir, pattern="Juru Parkir Liar", kind="phrase")
    response = admin_client.post("/admin/routing/textrule/add/", data)
    assert response.status_code == 302, form_errors(response)
    assert TextRule.objects.filter(
        kind="phrase", pattern="Juru Parkir Liar", opd__code="DISHUB"
    ).exists()


# --- Oversight rules -----------------------------------------------------------------------------


def oversight_url(rule: OversightRule) -> str:
    return f"/admin/routing/oversightrule/{rule.pk}/change/"


def oversight_data(rule: OversightRule, **changes) -> dict:
    data = {"when": rule.when, "mode": rule.mode, "opd": str(rule.opd_id), "_save": "Save"}
    if rule.is_active:
        data["is_active"] = "on"
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_an_oversight_rule_edit_is_saved(admin_client):
    rule = OversightRule.objects.get(when="pungli", mode="copy")
    setda = Opd.objects.get(code="SETDA")
    response = admin_client.post(oversight_url(rule), oversight_data(rule, opd=setda.pk))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.opd_id == setda.pk


def test_an_oversight_rule_to_a_deactivated_opd_is_refused(admin_client):
    rule = OversightRule.objects.get(when="pungli", mode="copy")
    setda = Opd.objects.get(code="SETDA")
    Opd.objects.filter(pk=setda.pk).update(is_active=False)
    before = OversightRule.objects.filter(pk=rule.pk).values().get()
    response = admin_client.post(oversight_url(rule), oversight_data(rule, opd=setda.pk))
    assert "opd" in form_errors(response)
    assert OversightRule.objects.filter(pk=rule.pk).values().get() == before


def test_an_oversight_rule_to_a_deleted_opd_is_refused(admin_client, gone_opd_id):
    rule = OversightRule.objects.get(when="pungli", mode="copy")
    before = OversightRule.objects.filter(pk=rule.pk).values().get()
    response = admin_client.post(oversight_url(rule), oversight_data(rule, opd=gone_opd_id))
    assert form_errors(response) == {"opd": [MSG_INVALID_CHOICE]}
    assert OversightRule.objects.filter(pk=rule.pk).values().get() == before


def test_a_new_oversight_rule_to_a_deactivated_opd_is_refused(admin_client):
    setda = Opd.objects.get(code="SETDA")
    Opd.objects.filter(pk=setda.pk).update(is_active=False)
    data = {
        "when": "pungli",
        "mode": "copy",
        "opd": str(setda.pk),
        "is_active": "on",
        "_save": "Save",
    }
    response = admin_client.post("/admin/routing/oversightrule/add/", data)
    assert "opd" in form_errors(response)
    assert not OversightRule.objects.filter(opd=setda).exists()
