"""Complaints, their photo evidence and their append-only event history.

Nothing here identifies a reporter: there is no name, contact, account, address or device field,
and the receipt exists only as a keyed hash.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routing.models import Kecamatan, Kelurahan, Opd, Service


class Category(models.TextChoices):
    PUNGLI = "pungli", _("Illegal fee (pungli)")
    DELAY = "delay", _("Service delay")
    OTHER = "other", _("Other maladministration")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGE = "triage", _("Being verified")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_INFO = "needs_info", _("Needs information")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REFERRED = "referred", _("Referred")


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.REFERRED})
# The same, in a fixed order: partial indexes and the queries they serve must spell it alike.
FINAL_STATUS_LIST = sorted(FINAL_STATUSES)
UNRESOLVED_EXCLUDED = sorted(FINAL_STATUSES | {Status.RESOLVED})
OPEN_STATUSES = [status for status in Status.values if status not in FINAL_STATUSES]
# Limits of what people may type (the models, the inputs and the templates read these).
TEXT_MAX = 5000


class ComplaintQuerySet(models.QuerySet):
    """The domain's predicates on many complaints, worded as on one (``Complaint.is_*``)."""

    def open(self):
        return self.exclude(status__in=FINAL_STATUS_LIST)

    def unresolved(self):
        """Open and not waiting for the reporter's verdict: still in the office's hands."""
        return self.exclude(status__in=UNRESOLVED_EXCLUDED)

    def overdue(self, *, now=None):
        return self.filter(overdue_q(now))

    def not_overdue(self, *, now=None):
        return self.exclude(overdue_q(now))


def overdue_q(now=None) -> models.Q:
    """Past its current deadline and still open: the one definition of "overdue"."""
    return models.Q(due_at__lt=now or timezone.now()) & ~models.Q(status__in=FINAL_STATUS_LIST)


class Complaint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)

    # What the reporter told us (docs/product.md F1).
    category = models.CharField(_("type"), max_length=16, choices=Category.choices)
    description = models.TextField(_("what happened"), max_length=TEXT_MAX)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("service"),
    )
    reported_opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office named by the reporter"),
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("kelurahan"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("kecamatan"),
    )
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    amount_asked = models.PositiveBigIntegerField(_("amount asked (Rp)"), null=True, blank=True)
    amount_paid = models.PositiveBigIntegerField(_("amount paid (Rp)"), null=True, blank=True)
    karcis_given = models.BooleanField(_("karcis or receipt given"), null=True, blank=True)
    applied_date = models.DateField(_("date applied for the service"), null=True, blank=True)
    involves_head = models.BooleanField(_("involves the head of an OPD"), default=False)

    # Where it went and why (routing.engine.Decision).
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("responsible OPD"),
    )
    oversight = models.ManyToManyField(
        Opd, blank=True, related_name="oversight_complaints", verbose_name=_("oversight copies")
    )
    routing_rule = models.CharField(_("routing rule"), max_length=64, blank=True)
    routing_confidence = models.FloatField(_("routing confidence"), default=0.0)
    routing_reason = models.CharField(_("routing reason"), max_length=500, blank=True)

    # Checks, as computed at submission against the standard then in force.
    official_fee = models.PositiveBigIntegerField(
        _("official fee then (Rp)"), null=True, blank=True
    )
    fee_excess = models.PositiveBigIntegerField(
        _("excess over the official fee (Rp)"), null=True, blank=True
    )
    fee_karcis_missing = models.BooleanField(_("no karcis for a retribution"), default=False)
    fee_flagged = models.BooleanField(_("fee check flagged"), default=False)
    delay_working_days = models.PositiveIntegerField(
        _("days since application"), null=True, blank=True
    )
    delay_time_limit = models.PositiveSmallIntegerField(
        _("service time limit then"), null=True, blank=True
    )
    delay_time_unit = models.CharField(max_length=16, blank=True)
    delay_late_by = models.PositiveIntegerField(_("late by"), null=True, blank=True)
    delay_flagged = models.BooleanField(_("delay check flagged"), default=False)

    # Clocks (complaints.deadlines).
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_days = models.PositiveSmallIntegerField(
        _("working days to the first response"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    triage_due_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    auto_close_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True, db_index=True)

    # Escalation of the current deadline (complaints.clocks): 1 = the OPD head, 2 = Inspektorat.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_due_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    # Kept whole while the case is with law enforcement (set by the Inspektorat): no purge,
    # no withdrawal (complaints.retention).
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn by the reporter"), null=True, blank=True)
    # A summary staff wrote and approved for publication (exports, Open311): never the
    # reporter's own words unless a staff member put them here on purpose.
    public_summary = models.TextField(_("public summary"), max_length=TEXT_MAX, blank=True)
    # The summary the Open311 feed publishes, approved by someone outside the office the
    # complaint is about (complaints.access.may_publish_summary): the office's own draft above
    # never reaches the feed by itself (complaints.services.publication).
    published_summary = models.TextField(_("published summary"), max_length=TEXT_MAX, blank=True)
    published_summary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("summary approved by"),
    )
    published_summary_at = models.DateTimeField(_("summary approved at"), null=True, blank=True)
    # "Melibatkan pimpinan": the office whose head is involved sees nothing of the complaint.
    walled_opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office kept out (its head is involved)"),
    )

    last_seq = models.PositiveIntegerField(default=0, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["opd", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "auto_close_at"]),
            # "Overdue" counts of the dashboards read only open complaints.
            models.Index(
                fields=["due_at", "created_at", "opd"],
                condition=~models.Q(status__in=FINAL_STATUS_LIST),
                name="complaint_open_due",
            ),
            models.Index(
                fields=["resolve_due_at", "created_at", "opd"],
                condition=~models.Q(status__in=UNRESOLVED_EXCLUDED),
                name="complaint_unresolved_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="complaint_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="complaint_status_valid"
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def is_unresolved(self) -> bool:
        """Open and still in the office's hands (not waiting for the reporter's verdict)."""
        return self.is_open and self.status != Status.RESOLVED

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_at and self.due_at < timezone.now())

    @property
    def accepts_reporter_input(self) -> bool:
        """The reporter may still write and add photos (not once it is resolved or closed)."""
        return self.is_unresolved

    @property
    def awaits_reporter_decision(self) -> bool:
        """Resolved: the reporter may accept (closes) or dispute (reopens), and rate."""
        return self.status == Status.RESOLVED


def evidence_storage():
    return storages["evidence"]


def evidence_upload_to(instance, filename: str) -> str:
    # Never the reporter's file name: a random name, sharded to keep folders small.
    name = uuid.uuid4().hex
    return f"{name[:2]}/{name}.jpg"


class Evidence(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    image = models.FileField(storage=evidence_storage, upload_to=evidence_upload_to, max_length=100)
    thumbnail = models.FileField(
        storage=evidence_storage, upload_to=evidence_upload_to, max_length=100
    )
    sha256 = models.CharField(_("SHA-256 of the original file"), max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)  # files removed

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo evidence")
        verbose_name_plural = _("photo evidence")

    def __str__(self):
        return f"{self.complaint.reference} · {self.sha256[:12]}"


class Visibility(models.TextChoices):
    """Who may read an event or note, chosen when it is written (docs/product.md §3 "Walls")."""

    REPORTER = "reporter", _("Reporter and staff")
    OFFICE = "office", _("The writing office and oversight")
    OVERSIGHT = "oversight", _("Oversight only")


class Event(models.Model):
    """One line of a complaint's history. Append-only; ``seq`` counts 1, 2, 3... per complaint.

    Each event is chained to the one before (``complaints.integrity``): ``content_hash`` commits
    to its text and ``chain_hash`` to everything before it, so no row can be changed unseen.
    """

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        REASSIGNED = "reassigned", _("Reassigned")
        MESSAGE = "message", _("Message from the OPD")
        REPORTER_MESSAGE = "reporter_message", _("Message from the reporter")
        PHOTOS = "photos", _("Photos added")
        NOTE = "note", _("Internal note")
        ESCALATED = "escalated", _("Escalated")
        RATED = "rated", _("Rated")
        MERGED = "merged", _("Merged")
        WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")
        PURGED = "purged", _("Content removed (retention)")
        HOLD = "hold", _("Legal hold")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    text = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.REPORTER
    )
    # The office that wrote an office-level note (it, and oversight, read it).
    office = models.ForeignKey(
        Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set before saving, not by the database: the chain hash commits to it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, editable=False, default="")
    chain_hash = models.CharField(max_length=64, editable=False, default="")
    # Its text was removed under the retention rule or a withdrawal: a tombstone whose
    # ``content_hash`` still verifies (a later ``purged`` event of the chain names it).
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["complaint", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "seq"], name="event_seq_unique_per_complaint"
            )
        ]
        indexes = [models.Index(fields=["published_at", "created_at"])]

    def __str__(self):
        return f"{self.complaint_id}#{self.seq} {self.kind}"

    @property
    def public(self) -> bool:
        """Shown to the reporter."""
        return self.visibility == Visibility.REPORTER


class RerouteRequest(models.Model):
    """An OPD's "bukan kewenangan kami": not ours, with a reason and the office it should go to.

    The complaint stays with the OPD (and open for the reporter) until the coordinator or the
    Inspektorat decides.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="reroute_requests"
    )
    from_opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    suggested_opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reroute request")
        verbose_name_plural = _("reroute requests")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(state="pending"),
                name="one_pending_reroute_request_per_complaint",
            )
        ]

    def __str__(self):
        return f"{self.complaint} → {self.suggested_opd} ({self.state})"


class RatingElement(models.TextChoices):
    """The SKM elements (Permenpan RB 14/2017) that fit a complaint, rated 1-4 at closure."""

    TIME = "waktu", _("Time taken (waktu penyelesaian)")
    FEE = "biaya", _("Cost / fee (biaya/tarif)")
    CONDUCT = "perilaku", _("Officers' conduct (perilaku pelaksana)")
    HANDLING = "penanganan", _("Complaint handling (penanganan pengaduan)")


class Rating(models.Model):
    """One element of the reporter's satisfaction rating, kept with the OPD and service rated."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="ratings")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, null=True, related_name="ratings")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, related_name="ratings"
    )
    element = models.CharField(max_length=16, choices=RatingElement.choices)
    value = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "element"], name="rating_once_per_element"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=4), name="rating_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.complaint} {self.element}={self.value}"


class DayOff(models.Model):
    """A city day off on top of national holidays and cuti bersama (e.g. a local holiday)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class StaffRole(models.TextChoices):
    """Staff roles, kept as auth groups of these names (docs/interface.md "Demo accounts")."""

    KOORDINATOR = "koordinator", _("Complaint coordinator")
    INSPEKTORAT = "inspektorat", _("Inspectorate (oversight)")
    WALIKOTA = "walikota", _("Mayor's office")
    OPD_STAFF = "opd", _("OPD head or officer")


class StaffProfile(models.Model):
    """Which OPD a staff account works for (a head or officer sees that OPD's complaints)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("OPD"),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} · {self.opd or '-'}"


# --- Rollups for the dashboards (complaints.rollups keeps them exact) -----------------------
# Keyed by codes ("" for none) so that every key is a plain unique tuple on every database.


class StatDaily(models.Model):
    """Complaints received on ``day`` (WIB) by one OPD in one category, and what became of them."""

    day = models.DateField()
    opd = models.CharField(max_length=32, blank=True)  # OPD code; "" while in triage
    category = models.CharField(max_length=16)
    received = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    fee_flagged = models.IntegerField(default=0)
    excess = models.BigIntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "opd", "category"], name="stat_daily_key")
        ]
        indexes = [models.Index(fields=["day", "opd"])]

    def __str__(self):
        return f"{self.day} {self.opd or '-'} {self.category}: {self.received}"


class StatResponse(models.Model):
    """How many complaints received on ``day`` got their first response after ``days``
    working days."""

    day = models.DateField()
    opd = models.CharField(max_length=32, blank=True)  # OPD code; "" while in triage
    days = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "opd", "days"], name="stat_response_key")
        ]

    def __str__(self):
        return f"{self.day} {self.opd or '-'} {self.days}d: {self.count}"


class StatHotspot(models.Model):
    """Pungli reports received on ``day`` about one service in one kelurahan, with their excess."""

    day = models.DateField()
    kelurahan = models.CharField(max_length=20, blank=True)  # kelurahan code or ""
    service = models.CharField(max_length=40, blank=True)  # service code or ""
    reports = models.IntegerField(default=0)
    excess = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kelurahan", "service"], name="stat_hotspot_key")
        ]

    def __str__(self):
        return f"{self.day} {self.kelurahan or '-'} {self.service or '-'}: {self.reports}"


class StatRating(models.Model):
    """The sum and number of ratings of one SKM element given on ``day`` to an OPD's service."""

    day = models.DateField()
    opd = models.CharField(max_length=32, blank=True)  # OPD code; "" while in triage
    service = models.CharField(max_length=40, blank=True)  # service code or ""
    element = models.CharField(max_length=16)
    total = models.IntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "opd", "service", "element"],
                name="stat_rating_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.opd or '-'} {self.element}: {self.total}/{self.count}"


class Checkpoint(models.Model):
    """A published commitment to every complaint's history (``complaints.integrity``).

    The Merkle root over the chain heads of all complaints as of event ``last_event``: hashes
    only, nothing about any complaint or reporter. Anyone may mirror the published roots.
    """

    day = models.DateField(unique=True)
    root = models.CharField(max_length=64)
    size = models.PositiveIntegerField()  # complaints (leaves) in the tree
    last_event = models.BigIntegerField()  # the newest event id the heads include
    # The newest access record the audit chain's leaf includes (0: none, no audit leaf).
    last_access = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("integrity checkpoint")
        verbose_name_plural = _("integrity checkpoints")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.root[:16]}… ({self.size})"


class AccessRecord(models.Model):
    """One staff read of, or action on, a complaint: who, what, when (``complaints.audit``).

    Staff are accountable, so their account is recorded; nothing about reporters is. Append-only
    and chained like the events (``chain_hash``), and covered by the integrity checkpoints.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Opened the complaint")
        EVIDENCE = "evidence", _("Opened a photo")
        LIST = "list", _("Listed it")
        EXPORT = "export", _("Exported it")
        ACT = "act", _("Acted on it")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="accesses")
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.CharField(max_length=64, blank=True)  # e.g. the action's name
    at = models.DateTimeField(default=timezone.now, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            models.Index(fields=["complaint", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.complaint_id} {self.at:%Y-%m-%d %H:%M}"


class AuditHead(models.Model):
    """The head of the access audit chain: one row, locked by every append so that appends
    take turns and two requests never chain onto the same record (``complaints.audit``).

    ``count`` and ``record`` also let ``integrity.verify`` notice records deleted at the end
    of the chain, as a complaint's ``last_seq`` does for its events.
    """

    count = models.PositiveBigIntegerField(default=0)  # records in the chain
    record = models.BigIntegerField(default=0)  # the id of the newest record
    chain_hash = models.CharField(max_length=64, default="")  # its chain hash

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.count} {self.chain_hash[:16]}…"


class AuditNotice(models.Model):
    """Unusual reading, raised for the Inspektorat (``complaints.audit``)."""

    class Kind(models.TextChoices):
        MANY_OUTSIDE_WORK = "many_outside_work", _("Many complaints opened outside usual work")
        OWN_HEAD = "own_head", _("Opened a complaint about their own office's head")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=255, blank=True)
    day = models.DateField()  # one notice of a kind per user (and complaint) a day
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit notice")
        verbose_name_plural = _("audit notices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "complaint", "day"], name="audit_notice_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.user_id} {self.kind}"


class StoredAnswer(models.Model):
    """The first answer to a retry-safe request (``complaints.idempotency``).

    Encrypted with a key derived from the client's idempotency key, which the server does not
    keep, so the row cannot be read at rest; found by a keyed hash of that key; deleted after 24
    hours. No link to any complaint.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("stored answer")
        verbose_name_plural = _("stored answers")

    def __str__(self):
        return f"{self.key_hash[:16]}… {self.created_at:%Y-%m-%d %H:%M}"
