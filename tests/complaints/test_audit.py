"""The access audit's domain (``complaints.audit``): the chain of access records, its place in the
integrity checkpoints, the notices of unusual reading, and who reads them.

The chain and the checkpoint leaf are recomputed here with ``hashlib`` and ``json`` only, after
docs/integrity.md "The access audit", as an independent verifier would.
"""

import hashlib
import json
import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone

from complaints import access, integrity
from complaints.audit import access_record, outside_work_count
from complaints.models import AccessRecord, AuditHead, AuditNotice, Checkpoint, StaffRole
from complaints.services import staff_account_ensure
from routing.models import Opd
from tests.api.staff import PASSWORD, account, accounts_ensure, complaint_make, evidence_add
from tests.complaints.clock import FrozenClock
from tests.complaints.test_integrity import independent_verify
from tests.factories import complaint_kk, complaint_parkir, complaint_vague, staff_user

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
VIEW, EVIDENCE, LIST, ACT = (
    AccessRecord.Action.VIEW,
    AccessRecord.Action.EVIDENCE,
    AccessRecord.Action.LIST,
    AccessRecord.Action.ACT,
)


def later():
    """A moment when everything written so far has settled into a checkpoint."""
    return timezone.now() + integrity.CHECKPOINT_SETTLE


def divergence() -> str | None:
    found = integrity.verify()
    return None if found is None else str(found)


@pytest.fixture
def audited(directory):
    """Two complaints read, listed and acted on by three accounts, and a checkpoint."""
    accounts_ensure()
    pungli, delay = complaint_make("pungli"), complaint_make("delay")
    access_record(account("kepala-dishub"), [pungli], VIEW)
    access_record(account("walikota"), [pungli, delay], LIST)
    access_record(account("inspektorat"), [pungli], EVIDENCE, detail="foto")
    access_record(account("kepala-dishub"), [pungli], ACT, detail="message")
    access_record(account("walikota"), [delay], VIEW)
    integrity.checkpoint_publish(now=later())
    return pungli, delay


def records() -> list[AccessRecord]:
    return list(AccessRecord.objects.order_by("pk").select_related("user", "complaint"))


# --- The chain --------------------------------------------------------------------------------


def independent_chain(rows: list[AccessRecord]) -> list[str]:
    """docs/integrity.md "The access audit", with hashlib and json only."""

    def sha(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    head = sha(b"lapor-pungli/audit/v1\n").hex()
    hashes = []
    for row in rows:
        entry = {
            "at": row.at.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds"),
            "action": row.action,
            "detail": row.detail,
            "complaint": row.complaint.reference,
            "user": row.user.username,
        }
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).digest()
        head = sha(bytes.fromhex(head) + digest).hex()
        hashes.append(head)
    return hashes


def test_every_record_is_chained_to_the_one_before(audited):
    rows = records()
    assert len(rows) == 6
    assert [row.chain_hash for row in rows] == independent_chain(rows)
    head = AuditHead.objects.get()
    assert (head.count, head.record, head.chain_hash) == (6, rows[-1].pk, rows[-1].chain_hash)


def test_a_list_is_one_append_of_one_record_per_complaint(audited):
    pungli, delay = audited
    listed = [row for row in records() if row.action == LIST]
    assert [row.complaint for row in listed] == [pungli, delay]
    assert listed[0].at == listed[1].at and listed[0].user.username == "walikota"


def test_nothing_is_recorded_without_a_staff_account(audited):
    from django.contrib.auth.models import AnonymousUser

    pungli, _ = audited
    before = AccessRecord.objects.count()
    inactive = account("koordinator")
    inactive.is_active = False
    inactive.save()
    assert access_record(AnonymousUser(), [pungli], VIEW) == []
    assert access_record(None, [pungli], VIEW) == []
    assert access_record(inactive, [pungli], VIEW) == []
    assert access_record(account("walikota"), [], LIST) == []
    assert AccessRecord.objects.count() == before


def test_an_untouched_audit_verifies(audited):
    assert divergence() is None
    call_command("integrity_verify")


@pytest.mark.parametrize(
    "change",
    [
        lambda row: {"user": account("admin")},
        lambda row: {"action": AccessRecord.Action.LIST},
        lambda row: {"at": row.at - timedelta(hours=3)},
        lambda row: {"detail": "nothing"},
        lambda row: {"complaint": complaint_make("triage")},
    ],
    ids=["user", "action", "at", "detail", "complaint"],
)
def test_an_update_of_a_record_is_detected(audited, change):
    row = records()[3]  # the Inspektorat opened a photo of the pungli
    AccessRecord.objects.filter(pk=row.pk).update(**change(row))
    assert divergence() == f"audit #{row.pk}: the record's fields or its place in the chain changed"
    with pytest.raises(CommandError) as failed:
        call_command("integrity_verify")
    assert f"audit #{row.pk}" in str(failed.value)


def test_a_deleted_record_is_detected(audited):
    rows = records()
    AccessRecord.objects.filter(pk=rows[1].pk).delete()
    assert divergence() == (
        f"audit #{rows[2].pk}: the record's fields or its place in the chain changed"
    )


def test_a_deleted_last_record_is_detected(audited):
    rows = records()
    AccessRecord.objects.filter(pk=rows[-1].pk).delete()
    assert divergence() == f"audit #{rows[-1].pk}: records at the end of the chain were deleted"


def test_new_records_chain_onto_the_true_head_after_a_deletion(audited):
    """Deleting the newest record does not move the head: the next append shows the gap."""
    pungli, _ = audited
    rows = records()
    AccessRecord.objects.filter(pk=rows[-1].pk).delete()
    [added] = access_record(account("koordinator"), [pungli], VIEW)
    assert (
        divergence() == f"audit #{added.pk}: the record's fields or its place in the chain changed"
    )


def rechain() -> None:
    """The attacker recomputes every hash of the audit chain and its head."""
    rows = records()
    for row, chain_hash in zip(rows, independent_chain(rows), strict=True):
        AccessRecord.objects.filter(pk=row.pk).update(chain_hash=chain_hash)
    AuditHead.objects.update(chain_hash=independent_chain(rows)[-1])


def test_a_rewritten_audit_chain_still_differs_from_the_checkpoint(audited):
    row = records()[0]  # kepala-dishub opened the pungli: make it someone else
    AccessRecord.objects.filter(pk=row.pk).update(user=account("koordinator"))
    rechain()
    assert divergence() == (
        f"checkpoint {Checkpoint.objects.get().day.isoformat()}: "
        "the history it covers was changed, or the checkpoint was"
    )


def test_records_after_the_checkpoint_may_be_rewritten_only_until_the_next(audited):
    pungli, _ = audited
    [late] = access_record(account("admin"), [pungli], VIEW)
    AccessRecord.objects.filter(pk=late.pk).update(user=account("walikota"))
    rechain()
    assert divergence() is None  # not covered by any checkpoint yet…
    day = Checkpoint.objects.get().day + timedelta(days=1)
    integrity.checkpoint_publish(day=day, now=later())
    assert Checkpoint.objects.get(day=day).last_access == late.pk  # …covered from the next on


def test_the_checkpoint_has_one_more_leaf_for_the_audit_chain(audited):
    checkpoint = Checkpoint.objects.get()
    rows = records()
    assert checkpoint.last_access == rows[-1].pk
    heads = integrity.heads_at(checkpoint.last_event)
    assert checkpoint.size == len(heads) + 1
    # The root, from docs/integrity.md: the complaints' leaves, then "audit\ncount\nhead".
    leaves = [
        hashlib.sha256(b"\x00" + f"{h.reference}\n{h.seq}\n{h.chain_hash}".encode()).digest()
        for h in heads
    ]
    leaves.append(hashlib.sha256(b"\x00" + f"audit\n6\n{rows[-1].chain_hash}".encode()).digest())
    assert integrity.merkle_root(leaves).hex() == checkpoint.root


def test_a_checkpoint_before_any_record_has_no_audit_leaf(directory):
    complaint_parkir()
    checkpoint = integrity.checkpoint_publish(now=later())
    assert (checkpoint.size, checkpoint.last_access) == (1, 0)
    assert divergence() is None


def test_records_not_settled_wait_for_the_next_checkpoint(directory, clock):
    # The complaint's own events carry the wall clock (the model's default is bound before
    # the clock is frozen), so the frozen morning starts no earlier than now: the checkpoint
    # must cover the complaint whatever day the suite runs.
    start = max(MORNING, datetime.now(tz=WIB))
    clock.now = start
    accounts_ensure()
    pungli = complaint_make("pungli")
    [settled] = access_record(account("admin"), [pungli], VIEW)
    clock.now = start + timedelta(minutes=10)
    [fresh] = access_record(account("admin"), [pungli], VIEW)
    checkpoint = integrity.checkpoint_publish(now=start + timedelta(minutes=12))
    assert checkpoint.last_access == settled.pk
    assert checkpoint.size == 2
    assert divergence() is None
    later_day = integrity.checkpoint_publish(now=start + timedelta(days=1))
    assert later_day.last_access == fresh.pk
    assert divergence() is None


def test_a_reporters_proof_still_verifies_beside_the_audit_leaf(audited, api_client):
    pungli, _ = audited
    proof = api_client.post("/api/v1/track/proof/", {"receipt": pungli.receipt}, format="json")
    assert proof.status_code == 200
    published = api_client.get("/api/v1/integrity/checkpoints/").json()["results"][0]
    assert published["size"] == 3  # two complaints and the audit chain
    assert independent_verify(proof.json(), published["root"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("directory")
def test_concurrent_appends_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the in-memory test database refuses two")
    complaint, _ = complaint_parkir()
    users = [staff_user(StaffRole.WALIKOTA, username=f"walikota-{n}") for n in range(6)]
    start = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def run(user):
        try:
            start.wait(timeout=10)
            for _ in range(5):
                access_record(user, [complaint], VIEW)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = records()
    assert len(rows) == 30 == AuditHead.objects.get().count
    assert [row.chain_hash for row in rows] == independent_chain(rows)
    assert [row.at for row in rows] == sorted(row.at for row in rows)
    assert divergence() is None


# --- Notices ----------------------------------------------------------------------------------


@pytest.fixture
def clock():
    frozen = FrozenClock(MORNING)
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


def notices(kind: str) -> list[tuple]:
    rows = AuditNotice.objects.filter(kind=kind).order_by("pk")
    return [(n.user.username, n.complaint_id, n.day.isoformat(), n.detail) for n in rows]


def test_own_head_is_noticed_once_per_user_complaint_and_day(directory, clock):
    accounts_ensure()
    head, other_head = complaint_make("head"), complaint_make("head")
    assert head.walled_opd.code == other_head.walled_opd.code == "DUKCAPIL"
    insider = staff_account_ensure(
        username="admin-dukcapil",
        password=PASSWORD,
        superuser=True,
        opd=Opd.objects.get(code="DUKCAPIL"),
    )
    access_record(insider, [head, other_head], LIST)  # a list is not opening
    assert notices("own_head") == []
    access_record(insider, [head], VIEW)
    access_record(insider, [head], VIEW)
    access_record(insider, [head], EVIDENCE, detail="foto")
    access_record(insider, [head], ACT, detail="message")
    access_record(account("admin"), [head], VIEW)  # an admin of no office
    access_record(account("inspektorat"), [head], VIEW)  # the handling office
    assert notices("own_head") == [("admin-dukcapil", head.pk, "2026-12-01", "")]
    access_record(insider, [other_head], EVIDENCE, detail="foto")
    clock.now = MORNING + timedelta(days=1)
    access_record(insider, [head], VIEW)
    access_record(insider, [head], VIEW)
    assert notices("own_head") == [
        ("admin-dukcapil", head.pk, "2026-12-01", ""),
        ("admin-dukcapil", other_head.pk, "2026-12-01", ""),
        ("admin-dukcapil", head.pk, "2026-12-02", ""),
    ]


def test_own_head_is_the_users_own_office_only(directory, clock):
    accounts_ensure()
    head = complaint_make("head")
    dishub_admin = staff_account_ensure(
        username="admin-dishub",
        password=PASSWORD,
        superuser=True,
        opd=Opd.objects.get(code="DISHUB"),
    )
    access_record(dishub_admin, [head], VIEW)
    assert notices("own_head") == []


@pytest.fixture
def many(directory):
    """21 complaints of every office, none handled by the mayor's office."""
    accounts_ensure()
    filed = []
    for _ in range(7):
        filed += [complaint_parkir()[0], complaint_kk()[0], complaint_vague()[0]]
    return filed


def test_many_outside_work_is_noticed_above_the_limit_once_a_day(many, clock, settings):
    assert settings.PORTAL_AUDIT_OUTSIDE_WORK_LIMIT == 20
    walikota = account("walikota")
    for complaint in many[:20]:
        access_record(walikota, [complaint], VIEW)
    access_record(walikota, [many[0]], EVIDENCE, detail="foto")  # again: still 20 distinct
    access_record(walikota, many, LIST)  # lists do not count
    assert outside_work_count(walikota, since=MORNING - timedelta(hours=24)) == 20
    assert notices("many_outside_work") == []
    clock.now = MORNING + timedelta(hours=1)
    access_record(walikota, [many[20]], EVIDENCE, detail="foto")  # the 21st
    assert notices("many_outside_work") == [("walikota", None, "2026-12-01", "21")]
    access_record(walikota, [many[20]], VIEW)
    access_record(walikota, many[:3], VIEW)
    assert len(notices("many_outside_work")) == 1
    # The next morning the last 24 hours still hold 21: a notice for that day.
    clock.now = MORNING + timedelta(hours=23)
    access_record(walikota, [many[5]], VIEW)
    assert notices("many_outside_work")[1:] == [("walikota", None, "2026-12-02", "21")]
    # Two days later the window holds one complaint: nothing.
    clock.now = MORNING + timedelta(days=3)
    access_record(walikota, [many[6]], VIEW)
    assert len(notices("many_outside_work")) == 2


def test_work_with_a_role_is_never_outside_work(many, clock, settings):
    settings.PORTAL_AUDIT_OUTSIDE_WORK_LIMIT = 2
    for username in ("koordinator", "inspektorat", "admin"):
        for complaint in many:
            access_record(account(username), [complaint], VIEW)
    dishub = account("kepala-dishub")
    own = [c for c in many if c.opd_id and c.opd.code == "DISHUB"]
    for complaint in own:
        access_record(dishub, [complaint], VIEW)
    assert len(own) == 7
    assert notices("many_outside_work") == []


def test_the_limit_is_a_setting(many, clock, settings):
    settings.PORTAL_AUDIT_OUTSIDE_WORK_LIMIT = 3
    walikota = account("walikota")
    for complaint in many[:3]:
        access_record(walikota, [complaint], VIEW)
    assert notices("many_outside_work") == []
    access_record(walikota, [many[3]], VIEW)
    assert notices("many_outside_work") == [("walikota", None, "2026-12-01", "4")]


# --- Who reads the audit, and the admin -----------------------------------------------------------


def test_who_may_read_the_audit(directory):
    users = accounts_ensure()
    readers = {name for name, user in users.items() if access.can_read_audit(user)}
    assert readers == {"admin", "inspektorat", "kepala-inspektorat"}


def test_the_admin_shows_the_audit_read_only(audited):
    request = RequestFactory().get("/admin/")
    request.user = account("admin")
    for model in (AccessRecord, AuditNotice):
        model_admin = site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    assert AuditHead not in site._registry


def test_the_evidence_served_by_the_admin_is_recorded(directory, client):
    accounts_ensure()
    pungli = complaint_make("pungli")
    photo = evidence_add(pungli)
    client.force_login(account("admin"))
    response = client.get(f"/admin/complaints/complaint/bukti/{photo.pk}/full/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [record] = records()
    assert (record.user.username, record.action, record.detail) == (
        "admin",
        "evidence",
        str(photo.pk),
    )


def test_reading_complaints_in_the_admin_is_recorded(directory, client):
    accounts_ensure()
    pungli, delay = complaint_make("pungli"), complaint_make("delay")
    client.force_login(account("admin"))
    assert client.get("/admin/complaints/complaint/").status_code == 200
    assert client.get(f"/admin/complaints/complaint/{pungli.pk}/change/").status_code == 200
    rows = [(row.action, row.complaint) for row in records()]
    assert sorted(rows[:2], key=lambda row: row[1].reference) == sorted(
        [(LIST, pungli), (LIST, delay)], key=lambda row: row[1].reference
    )
    assert rows[2:] == [(VIEW, pungli)]
    assert {row.user.username for row in records()} == {"admin"}
