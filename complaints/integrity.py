"""A history nobody can quietly rewrite: event chains and published checkpoints.

The format is documented in docs/integrity.md, well enough for an independent verifier; this
module is its reference implementation. In short:

- every event commits to its own fields and a hash of its text (``entry_digest``), and is
  chained to the event before it (``chain_next``); the first link commits to the complaint's
  reference (``chain_start``);
- a checkpoint is a Merkle tree (RFC 9162 §2.1, as in Certificate Transparency) over one leaf
  per complaint, ``reference\\nseq\\nhead``, in the order of the references; its root, day and
  size are published, nothing else;
- a proof gives a reporter their complaint's chain (the fields of what they can read, only the
  digest of the rest) and the audit path from its leaf to the published root.

The functions up to ``root_from_path`` are pure (``hashlib`` only); the rest read the database.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext_lazy as _

PROOF_FORMAT = "lapor-pungli-proof/1"
MSG_NO_CHECKPOINT = _(
    "No published checkpoint includes this complaint yet: checkpoints are published once a "
    "day. Try again tomorrow."
)
_CHAIN_PREFIX = "lapor-pungli/chain/v1\n"


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def at_text(at: datetime) -> str:
    """An event's time as it is hashed: UTC, ISO 8601, microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_digest(
    *, seq: int, kind: str, status: str, visibility: str, at: str, content: str
) -> str:
    """The digest of one event: its fields and its text's hash, as canonical JSON."""
    entry = {
        "at": at,
        "content": content,
        "kind": kind,
        "seq": seq,
        "status": status,
        "visibility": visibility,
    }
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_start(reference: str) -> str:
    return hashlib.sha256((_CHAIN_PREFIX + reference).encode()).hexdigest()


def chain_next(previous: str, digest: str) -> str:
    return _sha256(bytes.fromhex(previous) + bytes.fromhex(digest)).hex()


def leaf_data(reference: str, seq: int, head: str) -> bytes:
    return f"{reference}\n{seq}\n{head}".encode()


def leaf_hash(data: bytes) -> bytes:
    return _sha256(b"\x00" + data)


def _node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right)


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (RFC 9162 §2.1.1)."""
    k = 1
    while k * 2 < size:
        k *= 2
    return k


def merkle_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 over already hashed leaves."""
    if not leaves:
        return _sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def audit_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162: the sibling hashes from leaf ``index`` up to the root."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return audit_path(index, leaves[:k]) + [merkle_root(leaves[k:])]
    return audit_path(index - k, leaves[k:]) + [merkle_root(leaves[:k])]


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """The root that ``path`` proves for ``leaf`` (RFC 9162 §2.1.3.2), or None if malformed."""
    if index >= size:
        return None
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            node = _node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            node = _node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return node if sn == 0 else None


# --- The database side ------------------------------------------------------------------------


def event_seal(event, *, reference: str, previous: str | None) -> None:
    """Fill ``content_hash`` and ``chain_hash`` of a new event (before it is saved)."""
    event.content_hash = content_hash(event.text)
    digest = entry_digest(
        seq=event.seq,
        kind=event.kind,
        status=event.status,
        visibility=event.visibility,
        at=at_text(event.created_at),
        content=event.content_hash,
    )
    event.chain_hash = chain_next(previous or chain_start(reference), digest)


def event_digest(event) -> str:
    """The digest of a stored event, from its stored content hash."""
    return entry_digest(
        seq=event.seq,
        kind=event.kind,
        status=event.status,
        visibility=event.visibility,
        at=at_text(event.created_at),
        content=event.content_hash,
    )


@dataclass(frozen=True)
class Head:
    reference: str
    seq: int
    chain_hash: str
    event: int  # the event's id


def heads_at(last_event: int) -> list[Head]:
    """Each complaint's newest chain link among events up to ``last_event``, by reference."""
    from django.db.models import OuterRef, Subquery

    from complaints.models import Event

    newest = (
        Event.objects.filter(complaint=OuterRef("complaint"), pk__lte=last_event)
        .order_by("-seq")
        .values("seq")[:1]
    )
    rows = (
        Event.objects.filter(pk__lte=last_event, seq=Subquery(newest))
        .order_by("complaint__reference")
        .values_list("complaint__reference", "seq", "chain_hash", "pk")
    )
    return [Head(*row) for row in rows]


def leaves_of(heads: list[Head]) -> list[bytes]:
    return [leaf_hash(leaf_data(head.reference, head.seq, head.chain_hash)) for head in heads]


# --- Checkpoints ------------------------------------------------------------------------------

CHECKPOINT_SETTLE = timedelta(minutes=5)


def checkpoint_publish(*, day=None, now=None):
    """Publish the checkpoint of ``day`` (today, WIB) if there is none yet; returns it."""
    from django.db import IntegrityError, transaction
    from django.db.models import Max
    from django.utils import timezone

    from complaints.models import Checkpoint, Event

    now = now or timezone.now()
    day = day or timezone.localdate(now)
    existing = Checkpoint.objects.filter(day=day).first()
    if existing is not None:
        return existing
    # Events settled for a while only: an id is drawn when a row is inserted, so a transaction
    # still open could commit an event with a lower id after this read (appends take far less).
    settled = now - CHECKPOINT_SETTLE
    last_event = Event.objects.filter(created_at__lt=settled).aggregate(last=Max("pk"))["last"]
    heads = heads_at(last_event or 0)
    try:
        with transaction.atomic():
            return Checkpoint.objects.create(
                day=day,
                root=merkle_root(leaves_of(heads)).hex(),
                size=len(heads),
                last_event=last_event or 0,
            )
    except IntegrityError:  # another run published today's first
        return Checkpoint.objects.get(day=day)


def checkpoint_latest():
    from complaints.models import Checkpoint

    return Checkpoint.objects.order_by("-day").first()


# --- Proofs for a reporter --------------------------------------------------------------------


def proof_for(complaint) -> dict | None:
    """A proof that ``complaint``'s history up to the latest checkpoint is included in it
    (docs/integrity.md "Proof"), or None while no checkpoint includes the complaint."""
    from complaints.models import Visibility

    checkpoint = checkpoint_latest()
    if checkpoint is None:
        return None
    heads = heads_at(checkpoint.last_event)
    index = next((i for i, head in enumerate(heads) if head.reference == complaint.reference), None)
    if index is None:
        return None
    head = heads[index]
    leaves = leaves_of(heads)
    chain = []
    for event in complaint.events.filter(seq__lte=head.seq).order_by("seq"):
        link = {"seq": event.seq, "digest": event_digest(event)}
        if event.visibility == Visibility.REPORTER:
            link["entry"] = {
                "seq": event.seq,
                "kind": event.kind,
                "status": event.status,
                "visibility": event.visibility,
                "at": at_text(event.created_at),
                "text": event.text,
            }
        chain.append(link)
    return {
        "format": PROOF_FORMAT,
        "reference": complaint.reference,
        "checkpoint": {
            "date": checkpoint.day.isoformat(),
            "root": checkpoint.root,
            "size": checkpoint.size,
        },
        "seq": head.seq,
        "head": head.chain_hash,
        "leaf_index": index,
        "audit_path": [node.hex() for node in audit_path(index, leaves)],
        "chain": chain,
        "later_events": complaint.last_seq - head.seq,
    }


# --- Verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    where: str  # "BKL-26-7Q4K2M #3", "checkpoint 2026-11-30"
    what: str

    def __str__(self):
        return f"{self.where}: {self.what}"


def verify(*, published: list[dict] | None = None) -> Divergence | None:
    """Recompute every chain and every checkpoint; the first divergence, or None.

    ``published``: checkpoints as mirrored elsewhere (``{"date", "root", "size"}``); a stored
    checkpoint that differs from its published copy was rewritten.
    """
    from complaints.models import Checkpoint, Complaint, Event

    recomputed: dict[int, str] = {}  # event pk -> chain hash as it should be
    for complaint in Complaint.objects.order_by("reference").iterator():
        previous = chain_start(complaint.reference)
        expected_seq = 1
        for event in Event.objects.filter(complaint=complaint).order_by("seq", "pk"):
            where = f"{complaint.reference} #{event.seq}"
            if event.seq != expected_seq:
                return Divergence(where, f"event #{expected_seq} is missing or out of order")
            if content_hash(event.text) != event.content_hash:
                return Divergence(where, "the text was changed")
            previous = chain_next(previous, event_digest(event))
            if previous != event.chain_hash:
                return Divergence(where, "the event's fields or its place in the chain changed")
            recomputed[event.pk] = previous
            expected_seq += 1
        if expected_seq - 1 != complaint.last_seq:
            where = f"{complaint.reference} #{expected_seq}"
            return Divergence(where, "events at the end of the history were deleted")
    mirrored = {item["date"]: item for item in published or ()}
    for checkpoint in Checkpoint.objects.order_by("day"):
        where = f"checkpoint {checkpoint.day.isoformat()}"
        heads = [
            Head(head.reference, head.seq, recomputed.get(head.event, ""), head.event)
            for head in heads_at(checkpoint.last_event)
        ]
        root = merkle_root(leaves_of(heads)).hex()
        if (root, len(heads)) != (checkpoint.root, checkpoint.size):
            return Divergence(where, "the history it covers was changed, or the checkpoint was")
        copy = mirrored.get(checkpoint.day.isoformat())
        if copy and (copy["root"], copy["size"]) != (checkpoint.root, checkpoint.size):
            return Divergence(where, "differs from the published checkpoint")
    return None
