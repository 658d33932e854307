"""A history nobody can quietly rewrite: event chains and published checkpoints.

The format is documented in docs/integrity.md, well enough for an independent verifier; this
module is its reference implementation. In short:

- every event commits to its own fields and a hash of its text (``entry_digest``), and is
  chained to the event before it (``chain_next``); the first link commits to the complaint's
  reference (``chain_start``);
- the access audit (``complaints.audit``: who opened or acted on which complaint) is one more
  chain, of every access record in the order written (``access_digest``, ``audit_start``);
- a checkpoint is a Merkle tree (RFC 9162 §2.1, as in Certificate Transparency) over one leaf
  per complaint, ``reference\\nseq\\nhead``, in the order of the references, then one leaf for
  the audit chain, ``audit\\ncount\\nhead``; its root, day and size are published, nothing else;
- a proof gives a reporter their complaint's chain (the fields of what they can read, only the
  digest of the rest) and the audit path from its leaf to the published root.

A text removed under the retention rule or on the reporter's withdrawal leaves a *tombstone*: the
event keeps its ``content_hash`` (so the chain still recomputes) and a later ``purged`` event of
the same chain names it and the rule (``purge_text``); ``verify`` accepts a tombstone only so.

The functions up to ``root_from_path`` and the purge format are pure; the rest read the database.
"""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext_lazy as _

PROOF_FORMAT = "lapor-pungli-proof/1"
MSG_NO_CHECKPOINT = _(
    "No published checkpoint includes this complaint yet: checkpoints are published once a "
    "day. Try again tomorrow."
)
_CHAIN_PREFIX = "lapor-pungli/chain/v1\n"
_AUDIT_PREFIX = "lapor-pungli/audit/v1\n"


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


def access_digest(*, at: str, action: str, detail: str, complaint: str, user: str) -> str:
    """The digest of one access record: who (``user``, a username), what, on which complaint
    (its reference) and when, as canonical JSON."""
    entry = {"action": action, "at": at, "complaint": complaint, "detail": detail, "user": user}
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_start() -> str:
    return hashlib.sha256(_AUDIT_PREFIX.encode()).hexdigest()


def audit_leaf_data(count: int, head: str) -> bytes:
    """The audit chain's leaf: after every complaint's (no reference reads ``audit``)."""
    return f"audit\n{count}\n{head}".encode()


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


# --- Purge events: what was removed, and under which rule ----------------------------------------
# The text of a ``purged`` event, e.g. "Dihapus sesuai aturan retensi: uraian laporan; pesan
# pelapor #4, #7; 2 foto." (docs/integrity.md "Tombstones"). The verifier reads it back.

PURGE_RETENTION = "retention"
PURGE_WITHDRAWAL = "withdrawal"
_PURGE_RULES = {PURGE_RETENTION: "aturan retensi", PURGE_WITHDRAWAL: "penarikan oleh pelapor"}
_PURGE_TEXT = re.compile(r"Dihapus sesuai (?P<rule>[a-z ]+): (?P<items>.+)\.")
_PURGE_DESCRIPTION = "uraian laporan"
_PURGE_MESSAGES = re.compile(r"pesan pelapor (#[1-9][0-9]*(?:, #[1-9][0-9]*)*)")
_PURGE_PHOTOS = re.compile(r"([1-9][0-9]*) foto")


@dataclass(frozen=True)
class Purge:
    rule: str  # PURGE_RETENTION or PURGE_WITHDRAWAL
    description: bool = False  # the complaint's description (not an event)
    seqs: tuple[int, ...] = ()  # the reporter's messages, by seq
    photos: int = 0

    @property
    def texts(self) -> bool:
        return self.description or bool(self.seqs)


def purge_text(purge: Purge) -> str:
    items = [_PURGE_DESCRIPTION] if purge.description else []
    if purge.seqs:
        items.append("pesan pelapor " + ", ".join(f"#{seq}" for seq in purge.seqs))
    if purge.photos:
        items.append(f"{purge.photos} foto")
    return f"Dihapus sesuai {_PURGE_RULES[purge.rule]}: {'; '.join(items)}."


def purge_parse(text: str) -> Purge | None:
    """The purge a ``purged`` event's text states, or None if it does not follow the format."""
    matched = _PURGE_TEXT.fullmatch(text)
    if matched is None:
        return None
    rule = next((key for key, label in _PURGE_RULES.items() if label == matched["rule"]), None)
    if rule is None:
        return None
    description, seqs, photos = False, (), 0
    for item in matched["items"].split("; "):
        if item == _PURGE_DESCRIPTION and not description:
            description = True
        elif (messages := _PURGE_MESSAGES.fullmatch(item)) and not seqs:
            seqs = tuple(int(seq) for seq in messages[1].replace("#", "").split(", "))
        elif (count := _PURGE_PHOTOS.fullmatch(item)) and not photos:
            photos = int(count[1])
        else:
            return None
    purge = Purge(rule=rule, description=description, seqs=seqs, photos=photos)
    return purge if purge_text(purge) == text else None


# --- The database side ------------------------------------------------------------------------


def event_seal(event, *, reference: str, previous: str | None) -> None:
    """Fill ``content_hash`` and ``chain_hash`` of a new event (before it is saved)."""
    event.content_hash = content_hash(event.text)
    event.chain_hash = chain_next(previous or chain_start(reference), event_digest(event))


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


def leaves_of(heads: list[Head], audit: tuple[int, str] | None = None) -> list[bytes]:
    """The checkpoint's leaves: the complaints' heads, then the audit chain's ``(count, head)``
    if it had records by then."""
    leaves = [leaf_hash(leaf_data(head.reference, head.seq, head.chain_hash)) for head in heads]
    if audit is not None:
        leaves.append(leaf_hash(audit_leaf_data(*audit)))
    return leaves


def audit_at(last_access: int) -> tuple[int, str] | None:
    """The audit chain as of record ``last_access``: ``(count, head)``, or None if empty."""
    from complaints.models import AccessRecord

    if not last_access:
        return None
    head = AccessRecord.objects.filter(pk=last_access).values_list("chain_hash", flat=True).first()
    return AccessRecord.objects.filter(pk__lte=last_access).count(), head or ""


# --- Checkpoints ------------------------------------------------------------------------------

CHECKPOINT_SETTLE = timedelta(minutes=5)


def checkpoint_publish(*, day=None, now=None):
    """Publish the checkpoint of ``day`` (today, WIB) if there is none yet; returns it."""
    from django.db import IntegrityError, transaction
    from django.db.models import Max
    from django.utils import timezone

    from complaints.models import AccessRecord, Checkpoint, Event

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
    # The audit chain likewise (its appends take turns and settle as fast).
    last_access = AccessRecord.objects.filter(at__lt=settled).aggregate(last=Max("pk"))["last"]
    leaves = leaves_of(heads, audit_at(last_access or 0))
    try:
        with transaction.atomic():
            return Checkpoint.objects.create(
                day=day,
                root=merkle_root(leaves).hex(),
                size=len(leaves),
                last_event=last_event or 0,
                last_access=last_access or 0,
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
    leaves = leaves_of(heads, audit_at(checkpoint.last_access))
    chain = []
    for event in complaint.events.filter(seq__lte=head.seq).order_by("seq"):
        link = {"seq": event.seq, "digest": event_digest(event)}
        if event.purged_at is not None:
            link["purged"] = True  # a tombstone: its text is gone, its digest still chains
        elif event.visibility == Visibility.REPORTER:
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
    where: str  # "BKL-26-7Q4K2M #3", "audit #42", "checkpoint 2026-11-30"
    what: str

    def __str__(self):
        return f"{self.where}: {self.what}"


class _Tombstones:
    """One chain read in order, for its removed texts: each must be named by a later ``purged``
    event whose rule held when it was written (docs/integrity.md "Tombstones")."""

    def __init__(self):
        self.pending: dict[int, str] = {}  # seq -> kind: removed, not named by a purge yet
        self.accepted: Counter = Counter()  # rule -> tombstones named by a valid purge event
        self.final_since: datetime | None = None  # closed (or rejected, referred) since then
        self.withdrawn = False

    def follow(self, event) -> str:
        """Take in the next event (its hashes checked); what is wrong with it, or ""."""
        from django.conf import settings

        from complaints.models import FINAL_STATUSES, Event

        if event.purged_at is not None:
            if event.text:
                return "marked as purged, but its text is still there"
            self.pending[event.seq] = event.kind
        final = event.status in FINAL_STATUSES
        self.final_since = (self.final_since or event.created_at) if final else None
        self.withdrawn = self.withdrawn or event.kind == Event.Kind.WITHDRAWN
        if event.kind != Event.Kind.PURGED:
            return ""
        purge = purge_parse(event.text)
        if purge is None:
            return "a purge event that does not say what it removed under which rule"
        for seq in purge.seqs:
            if seq not in self.pending:
                return f"the purge names #{seq}, whose text was not removed before it"
            if self.pending[seq] != Event.Kind.REPORTER_MESSAGE:
                return f"the purge names #{seq}, which is not a text of the reporter"
        if purge.rule == PURGE_WITHDRAWAL and not self.withdrawn:
            return "purged on withdrawal, but the reporter did not withdraw the complaint"
        if purge.rule == PURGE_RETENTION:
            if self.final_since is None:
                return "purged under the retention rule while the complaint was open"
            days = max(
                settings.PORTAL_RETENTION_TEXT_DAYS if purge.texts else 0,
                settings.PORTAL_RETENTION_PHOTOS_DAYS if purge.photos else 0,
            )
            if event.created_at < self.final_since + timedelta(days=days):
                return "purged before the retention period after closure had passed"
        for seq in purge.seqs:
            del self.pending[seq]
        self.accepted[purge.rule] += len(purge.seqs)
        return ""


def verify(
    *, published: list[dict] | None = None, tombstones: Counter | None = None
) -> Divergence | None:
    """Recompute every chain (the complaints', then the audit's) and every checkpoint; the
    first divergence, or None.

    ``published``: checkpoints as mirrored elsewhere (``{"date", "root", "size"}``); a stored
    checkpoint that differs from its published copy was rewritten. ``tombstones``: counts, by
    rule (``PURGE_RETENTION``, ``PURGE_WITHDRAWAL``), the removed texts accepted on the way.
    """
    from complaints.models import Checkpoint, Complaint, Event

    recomputed: dict[int, str] = {}  # event pk -> chain hash as it should be
    for complaint in Complaint.objects.order_by("reference").iterator():
        previous = chain_start(complaint.reference)
        expected_seq = 1
        removed = _Tombstones()
        for event in Event.objects.filter(complaint=complaint).order_by("seq", "pk"):
            where = f"{complaint.reference} #{event.seq}"
            if event.seq != expected_seq:
                return Divergence(where, f"event #{expected_seq} is missing or out of order")
            if event.purged_at is None and content_hash(event.text) != event.content_hash:
                return Divergence(where, "the text was changed")
            previous = chain_next(previous, event_digest(event))
            if previous != event.chain_hash:
                return Divergence(where, "the event's fields or its place in the chain changed")
            problem = removed.follow(event)
            if problem:
                return Divergence(where, problem)
            recomputed[event.pk] = previous
            expected_seq += 1
        if removed.pending:
            where = f"{complaint.reference} #{min(removed.pending)}"
            return Divergence(where, "the text was removed, and no purge event names it")
        if tombstones is not None:
            tombstones.update(removed.accepted)
        if expected_seq - 1 != complaint.last_seq:
            where = f"{complaint.reference} #{expected_seq}"
            return Divergence(where, "events at the end of the history were deleted")
    audit: dict[int, tuple[int, str]] = {}  # record pk -> (count up to it, chain hash)
    divergence = _audit_verify(audit)
    if divergence is not None:
        return divergence
    mirrored = {item["date"]: item for item in published or ()}
    for checkpoint in Checkpoint.objects.order_by("day"):
        where = f"checkpoint {checkpoint.day.isoformat()}"
        heads = [
            Head(head.reference, head.seq, recomputed.get(head.event, ""), head.event)
            for head in heads_at(checkpoint.last_event)
        ]
        chain = audit.get(checkpoint.last_access, (0, "")) if checkpoint.last_access else None
        leaves = leaves_of(heads, chain)
        root = merkle_root(leaves).hex()
        if (root, len(leaves)) != (checkpoint.root, checkpoint.size):
            return Divergence(where, "the history it covers was changed, or the checkpoint was")
        copy = mirrored.get(checkpoint.day.isoformat())
        if copy and (copy["root"], copy["size"]) != (checkpoint.root, checkpoint.size):
            return Divergence(where, "differs from the published checkpoint")
    return None


def _audit_verify(recomputed: dict[int, tuple[int, str]]) -> Divergence | None:
    """Recompute the audit chain up to its head (``AuditHead``: read first, so that records
    appended meanwhile are left for the next run), filling ``recomputed``."""
    from complaints.models import AccessRecord, AuditHead

    head = AuditHead.objects.first()
    rows = AccessRecord.objects.all()
    if head is None:  # no append ever locked it, or it was removed: then every record counts
        head = AuditHead(record=rows.order_by("-pk").values_list("pk", flat=True).first() or 0)
    rows = (
        rows.filter(pk__lte=head.record)
        .order_by("pk")
        .values_list(
            "pk", "at", "action", "detail", "complaint__reference", "user__username", "chain_hash"
        )
    )
    previous, count = audit_start(), 0
    for pk, at, action, detail, reference, username, stored in rows.iterator():
        digest = access_digest(
            at=at_text(at), action=action, detail=detail, complaint=reference, user=username
        )
        previous, count = chain_next(previous, digest), count + 1
        if previous != stored:
            what = "the record's fields or its place in the chain changed"
            return Divergence(f"audit #{pk}", what)
        recomputed[pk] = (count, previous)
    if count < head.count:
        return Divergence(f"audit #{head.record}", "records at the end of the chain were deleted")
    if (count, previous) != (head.count, head.chain_hash or audit_start()):
        return Divergence(f"audit #{head.record}", "the chain's head does not match its records")
    return None
