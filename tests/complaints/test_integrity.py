"""Integrity: event chains, checkpoints, proofs, and ``integrity_verify`` against tampering.

The verifier at the bottom of this file knows nothing of ``complaints.integrity``: it follows
docs/integrity.md with ``hashlib`` and ``json`` only, as a reporter's own script would.
"""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from complaints import integrity
from complaints.integrity import merkle_root, root_from_path
from complaints.models import Checkpoint, Complaint, Event, StaffRole, Visibility
from complaints.services import complaint_staff_message, complaint_submit, staff_account_ensure
from routing.models import Opd, Service

pytestmark = pytest.mark.django_db

TRACK_PROOF = "/api/v1/track/proof/"
CHECKPOINTS = "/api/v1/integrity/checkpoints/"


@pytest.fixture
def history(directory):
    """Three complaints with replies and notes, and a published checkpoint."""
    officer = staff_account_ensure(
        username="kepala-dishub",
        password="x-secret-9",
        role=StaffRole.OPD_STAFF,
        opd=Opd.objects.get(code="DISHUB"),
    )
    filed = []
    for amount in (5000, 7000, 9000):
        complaint, receipt = complaint_submit(
            category="pungli",
            description=f"Jukir minta Rp{amount} tanpa karcis di depan pasar.",
            service=Service.objects.get(code="PARKIR-MOTOR"),
        )
        complaint_staff_message(user=officer, complaint=complaint, body="Kami cek ke lapangan.")
        complaint_staff_message(
            user=officer, complaint=complaint, body="Petugas X diduga.", visibility="office"
        )
        filed.append((complaint, receipt))
    integrity.checkpoint_publish(now=later())
    return filed


def later():
    """A moment when every event written so far has settled into a checkpoint."""
    return timezone.now() + integrity.CHECKPOINT_SETTLE


def divergence() -> str | None:
    found = integrity.verify()
    return None if found is None else str(found)


def test_an_untouched_history_verifies(history):
    assert divergence() is None
    call_command("integrity_verify")  # exit status 0: no CommandError


def test_every_event_is_chained_to_the_one_before(history):
    complaint, _ = history[0]
    previous = integrity.chain_start(complaint.reference)
    for event in complaint.events.order_by("seq"):
        assert event.content_hash == hashlib.sha256(event.text.encode()).hexdigest()
        previous = integrity.chain_next(previous, integrity.event_digest(event))
        assert event.chain_hash == previous


def test_an_update_of_an_events_text_is_detected(history):
    complaint, _ = history[1]
    Event.objects.filter(complaint=complaint, seq=3).update(text="Kami sudah selesaikan.")
    assert divergence() == f"{complaint.reference} #3: the text was changed"
    with pytest.raises(CommandError) as failed:
        call_command("integrity_verify")
    assert failed.value.returncode == 1
    assert f"{complaint.reference} #3" in str(failed.value)


def test_an_update_that_also_fixes_the_content_hash_breaks_the_chain(history):
    complaint, _ = history[1]
    text = "Kami sudah selesaikan."
    Event.objects.filter(complaint=complaint, seq=3).update(
        text=text, content_hash=integrity.content_hash(text)
    )
    assert divergence() == (
        f"{complaint.reference} #3: the event's fields or its place in the chain changed"
    )


def test_a_rewritten_chain_still_differs_from_the_checkpoint(history):
    """The attacker recomputes every hash of the complaint: only the checkpoint catches it."""
    complaint, _ = history[0]
    Event.objects.filter(complaint=complaint, seq=4).update(text="Tidak ada apa-apa.")
    rechain(complaint)
    assert divergence() == (
        f"checkpoint {Checkpoint.objects.get().day.isoformat()}: "
        "the history it covers was changed, or the checkpoint was"
    )


def test_a_deleted_event_is_detected(history):
    complaint, _ = history[2]
    Event.objects.filter(complaint=complaint, seq=2).delete()
    assert divergence() == f"{complaint.reference} #3: event #2 is missing or out of order"


def test_a_deleted_last_event_is_detected(history):
    complaint, _ = history[2]
    last = complaint.events.order_by("-seq").first()
    Event.objects.filter(pk=last.pk).delete()
    assert divergence() == (
        f"{complaint.reference} #{last.seq}: events at the end of the history were deleted"
    )


def test_reordered_events_are_detected(history):
    complaint, _ = history[0]
    first, second = complaint.events.filter(seq__in=(3, 4)).order_by("seq")
    Event.objects.filter(pk=first.pk).update(seq=99)
    Event.objects.filter(pk=second.pk).update(seq=3)
    Event.objects.filter(pk=first.pk).update(seq=4)
    assert divergence() == (
        f"{complaint.reference} #3: the event's fields or its place in the chain changed"
    )


def test_a_forged_checkpoint_is_detected(history):
    checkpoint = Checkpoint.objects.get()
    Checkpoint.objects.filter(pk=checkpoint.pk).update(root="0" * 64)
    assert divergence() == (
        f"checkpoint {checkpoint.day.isoformat()}: "
        "the history it covers was changed, or the checkpoint was"
    )


def test_a_rewritten_history_with_a_rewritten_checkpoint_differs_from_the_mirror(
    history, api_client, tmp_path
):
    mirror = tmp_path / "mirror.json"
    mirror.write_text(json.dumps(api_client.get(CHECKPOINTS).json()))
    complaint, _ = history[0]
    Event.objects.filter(complaint=complaint, seq=4).update(text="Tidak ada apa-apa.")
    rechain(complaint)
    checkpoint = Checkpoint.objects.get()
    heads = integrity.heads_at(checkpoint.last_event)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(
        root=merkle_root(integrity.leaves_of(heads)).hex()
    )
    assert divergence() is None  # consistent inside the database…
    with pytest.raises(CommandError) as failed:
        call_command("integrity_verify", published=mirror)
    assert "differs from the published checkpoint" in str(failed.value)  # …but not outside


def rechain(complaint: Complaint) -> None:
    previous = integrity.chain_start(complaint.reference)
    for event in complaint.events.order_by("seq"):
        event.content_hash = integrity.content_hash(event.text)
        previous = integrity.chain_next(previous, integrity.event_digest(event))
        Event.objects.filter(pk=event.pk).update(
            content_hash=event.content_hash, chain_hash=previous
        )


def test_a_checkpoint_a_day(history):
    assert integrity.checkpoint_publish(now=later()) == Checkpoint.objects.get()
    assert Checkpoint.objects.count() == 1


def test_the_published_checkpoints_carry_hashes_only(history, api_client):
    answer = api_client.get(CHECKPOINTS)
    assert answer.status_code == 200
    [published] = answer.json()["results"]
    checkpoint = Checkpoint.objects.get()
    assert published == {
        "date": checkpoint.day.isoformat(),
        "root": checkpoint.root,
        "size": 3,
    }


# --- The merkle tree against RFC 9162 ---------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 13])
def test_every_leaf_has_a_path_to_the_root(size):
    leaves = [integrity.leaf_hash(bytes([n])) for n in range(size)]
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        path = integrity.audit_path(index, leaves)
        assert root_from_path(index, size, leaf, path) == root
        if size > 1:  # another leaf at this place does not prove the same root
            assert root_from_path(index, size, leaves[(index + 1) % size], path) != root


def test_the_tree_of_three_leaves_by_hand():
    a, b, c = (integrity.leaf_hash(x) for x in (b"a", b"b", b"c"))

    def node(left, right):
        return hashlib.sha256(b"\x01" + left + right).digest()

    assert merkle_root([a, b, c]) == node(node(a, b), c)
    assert integrity.audit_path(2, [a, b, c]) == [node(a, b)]
    assert integrity.audit_path(0, [a, b, c]) == [b, c]


# --- A reporter's proof, checked by an independent verifier -----------------------------------


def test_a_reporters_proof_verifies_against_the_published_root(history, api_client):
    complaint, receipt = history[1]
    answer = api_client.post(TRACK_PROOF, {"receipt": receipt}, format="json")
    assert answer.status_code == 200
    proof = answer.json()
    published = api_client.get(CHECKPOINTS).json()["results"][0]
    assert proof["reference"] == complaint.reference
    assert independent_verify(proof, published["root"])
    # The office's note is only a digest: its text never reaches the reporter.
    assert "Petugas X diduga." not in answer.content.decode()
    assert [link["seq"] for link in proof["chain"] if "entry" not in link] == [4]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda proof: proof["chain"][2]["entry"].update(text="Sudah dibayar kembali."),
        lambda proof: proof["chain"].pop(3),
        lambda proof: proof.update(leaf_index=(proof["leaf_index"] + 1) % 3),
        lambda proof: proof["audit_path"].__setitem__(0, "0" * 64),
        lambda proof: proof.update(head="0" * 64),
    ],
    ids=["entry-text", "dropped-link", "leaf-index", "audit-path", "head"],
)
def test_a_tampered_proof_is_rejected(history, api_client, tamper):
    _, receipt = history[1]
    proof = api_client.post(TRACK_PROOF, {"receipt": receipt}, format="json").json()
    root = api_client.get(CHECKPOINTS).json()["results"][0]["root"]
    tamper(proof)
    assert not independent_verify(proof, root)


def test_a_wrong_receipt_gets_the_same_404_as_everywhere(history, api_client):
    wrong = api_client.post(TRACK_PROOF, {"receipt": "1234567812345678"}, format="json")
    track = api_client.post("/api/v1/track/", {"receipt": "1234567812345678"}, format="json")
    assert wrong.status_code == track.status_code == 404
    assert wrong.json() == track.json()


def test_before_any_checkpoint_the_proof_says_so(directory, api_client):
    _, receipt = complaint_submit(category="other", description="Antrean tidak tertib sekali.")
    answer = api_client.post(TRACK_PROOF, {"receipt": receipt}, format="json")
    assert answer.status_code == 404
    assert "checkpoint" in answer.json()["message"]


def test_events_after_the_checkpoint_are_counted_not_proven(history, api_client):
    complaint, receipt = history[0]
    officer = complaint.opd.staff.get().user
    complaint_staff_message(
        user=officer, complaint=complaint, body="Update.", visibility=Visibility.OFFICE
    )
    proof = api_client.post(TRACK_PROOF, {"receipt": receipt}, format="json").json()
    assert proof["later_events"] == 1
    root = api_client.get(CHECKPOINTS).json()["results"][0]["root"]
    assert independent_verify(proof, root)


def independent_verify(proof: dict, published_root: str) -> bool:
    """docs/integrity.md "Proof", with hashlib and json only."""

    def sha(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    try:
        head = sha(("lapor-pungli/chain/v1\n" + proof["reference"]).encode()).hex()
        for expected_seq, link in enumerate(proof["chain"], 1):
            if link["seq"] != expected_seq:
                return False
            if "entry" in link:
                entry = dict(link["entry"])
                entry["content"] = hashlib.sha256(entry.pop("text").encode()).hexdigest()
                canonical = json.dumps(
                    entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
                if hashlib.sha256(canonical.encode()).hexdigest() != link["digest"]:
                    return False
            head = sha(bytes.fromhex(head) + bytes.fromhex(link["digest"])).hex()
        if head != proof["head"] or len(proof["chain"]) != proof["seq"]:
            return False
        leaf = f"{proof['reference']}\n{proof['seq']}\n{head}".encode()
        node = sha(b"\x00" + leaf)
        fn, sn = proof["leaf_index"], proof["checkpoint"]["size"] - 1
        if fn > sn:
            return False
        for sibling in (bytes.fromhex(item) for item in proof["audit_path"]):
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                node = sha(b"\x01" + sibling + node)
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
            else:
                node = sha(b"\x01" + node + sibling)
            fn, sn = fn >> 1, sn >> 1
        return sn == 0 and node.hex() == published_root
    except (KeyError, ValueError, TypeError):
        return False


def test_the_database_holds_no_content_in_checkpoints(history):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Checkpoint._meta.db_table}")
        rows = cursor.fetchall()
    text = repr(rows)
    for complaint, receipt in history:
        assert complaint.reference not in text and receipt not in text


def test_the_tracking_page_downloads_the_same_proof(history, client, api_client):
    _, receipt = history[2]
    page = client.post("/pantau/bukti/", {"receipt": receipt})
    assert page.status_code == 200
    assert page["Content-Disposition"].startswith('attachment; filename="bukti-')
    assert receipt not in page["Content-Disposition"]
    api = api_client.post(TRACK_PROOF, {"receipt": receipt}, format="json").json()
    assert json.loads(page.content) == api
    tracking = client.post("/pantau/", {"receipt": receipt}).content.decode()
    assert 'action="/pantau/bukti/"' in tracking


def test_the_page_answers_a_wrong_receipt_like_the_tracking_page(history, client):
    answer = client.post("/pantau/bukti/", {"receipt": "1234567812345678"})
    assert answer.status_code == 404
    assert "attachment" not in answer.get("Content-Disposition", "")
