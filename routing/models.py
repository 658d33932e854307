"""The city directory: kecamatan and kelurahan, OPDs, and services with their standards."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from routing.text import analyze_pattern


class Region(models.Model):
    """The kabupaten/kota this portal serves (one row, written by region_init/region_import):
    its Kemendagri code, names and time zone. The portal's identity and local time read it."""

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
        WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
        WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    government = models.CharField(_("government"), max_length=150)
    province = models.CharField(_("province"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=32, choices=TimeZone.choices, default=TimeZone.WIB
    )
    format_version = models.PositiveSmallIntegerField(_("pack format version"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("region")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Kecamatan(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self):
        return f"{self.name}, {self.kecamatan.name}"


class Opd(models.Model):
    """A city department, agency or kecamatan office that answers complaints."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Department (dinas)")
        BADAN = "badan", _("Agency (badan)")
        SATUAN = "satuan", _("Unit (satuan)")
        SEKRETARIAT = "sekretariat", _("Secretariat")
        INSPEKTORAT = "inspektorat", _("Inspectorate")
        KECAMATAN = "kecamatan", _("Kecamatan office")
        RSUD = "rsud", _("City hospital")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    kecamatan = models.OneToOneField(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office",
        verbose_name=_("kecamatan served"),
        help_text=_("Only for kecamatan offices: the kecamatan whose local services they handle."),
    )
    notes = models.TextField(_("notes"), blank=True)
    role = models.CharField(
        _("nomenclature role"),
        max_length=32,
        blank=True,
        help_text=_(
            "The standard office this one is (e.g. DISHUB for the transport department): rules "
            "and national services of every region are written for these roles."
        ),
    )
    confirmed = models.BooleanField(
        _("confirmed by the admin"),
        default=True,
        help_text=_(
            "Offices made by region_init from the standard nomenclature stay unconfirmed until "
            "the admin checks their name and that the office exists."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPDs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="kecamatan", kecamatan__isnull=False)
                | (~models.Q(kind="kecamatan") & models.Q(kecamatan__isnull=True)),
                name="opd_kecamatan_office_has_kecamatan",
                violation_error_message=_("A kecamatan office needs its kecamatan, and only it."),
            )
        ]

    def __str__(self):
        return self.name


class Service(models.Model):
    """A public service with its published standard: official fee, time limit, legal basis."""

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "days", _("calendar days")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("responsible OPD"),
        help_text=_(
            "Leave empty for a local service handled by the kecamatan office of the place."
        ),
    )
    location_based = models.BooleanField(
        _("handled by the kecamatan office of the place"), default=False
    )
    fee_rupiah = models.PositiveBigIntegerField(
        _("official fee (Rp)"),
        null=True,
        blank=True,
        help_text=_("0 for a free service; empty when the official fee is not known."),
    )
    fee_confirmed = models.BooleanField(_("fee confirmed from a published source"), default=False)
    requires_karcis = models.BooleanField(
        _("a karcis or receipt must be given"),
        default=False,
        help_text=_("A retribution: paying without getting a karcis is itself a sign of pungli."),
    )
    fee_basis = models.TextField(
        _("basis of the fee"),
        blank=True,
        help_text=_("The rule that sets the fee (law, regulation, Perda, article), as written."),
    )
    legal_basis = models.TextField(
        _("legal basis"),
        blank=True,
        help_text=_("The rules behind the whole standard, in one line (fee and time limit)."),
    )
    time_limit = models.PositiveSmallIntegerField(
        _("time limit"),
        null=True,
        blank=True,
        help_text=_(
            "What the delay check uses; empty when no rule sets one (unknown, never guessed)."
        ),
    )
    time_unit = models.CharField(
        _("time unit"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    time_confirmed = models.BooleanField(
        _("time limit confirmed from a published source"), default=False
    )
    time_basis = models.TextField(
        _("basis of the time limit"),
        blank=True,
        help_text=_("The rule that sets the time limit (law, regulation, article), as written."),
    )
    time_as_written = models.CharField(
        _("time limit as written in the rule"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the rule counts in hours or minutes, its own words, e.g. “1 jam (paling lama "
            "24 jam bila ada gangguan)”; the time limit above is then the nearest whole day."
        ),
    )
    source_note = models.TextField(_("sources of the figures"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(location_based=True, opd__isnull=True)
                | models.Q(location_based=False, opd__isnull=False),
                name="service_has_opd_or_is_location_based",
                violation_error_message=_(
                    "Choose the responsible OPD, or mark the service as handled by the kecamatan "
                    "office of the place (not both)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit__isnull=True, time_unit="")
                | models.Q(time_limit__isnull=False) & ~models.Q(time_unit=""),
                name="service_time_limit_has_unit",
                violation_error_message=_("A time limit needs its unit, and a unit its limit."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def standard_confidence(self) -> str:
        """How far the published figures can be trusted, the weaker of fee and time limit:
        ``confirmed`` (read in the rule's own text), ``unconfirmed`` (a named rule not yet read),
        or ``unknown`` (neither figure is known)."""
        known = [
            confirmed
            for value, confirmed in (
                (self.fee_rupiah, self.fee_confirmed),
                (self.time_limit, self.time_confirmed),
            )
            if value is not None
        ]
        if not known:
            return "unknown"
        return "confirmed" if all(known) else "unconfirmed"


def _active_opd():
    return {"is_active": True}


class TextRule(models.Model):
    """Words in a description that point to where a complaint belongs."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("keyword (the word as written)")
        STEM = "stem", _("stem (any word with this root)")
        PHRASE = "phrase", _("phrase (these words in this order)")

    class Target(models.TextChoices):
        OPD = "opd", _("an OPD")
        SERVICE = "service", _("a service (routed as the service is)")
        LOCAL_OFFICE = "local_office", _("the kecamatan office of the place")
        OUTSIDE = "outside", _("not a matter for the city (province, national, private)")

    class Category(models.TextChoices):
        ANY = "", _("any type")
        PUNGLI = "pungli", _("pungli only")
        DELAY = "delay", _("delay only")
        OTHER = "other", _("other only")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.KEYWORD)
    pattern = models.CharField(_("word or phrase"), max_length=120)
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        help_text=_(
            "How strongly it points to the target: 0.5 a hint, 1 a clear sign, 3 decisive."
        ),
    )
    target = models.CharField(_("points to"), max_length=16, choices=Target.choices)
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="text_rules",
        limit_choices_to=_active_opd,
        verbose_name=_("OPD"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="text_rules",
        limit_choices_to={"is_active": True},
        verbose_name=_("service"),
    )
    category = models.CharField(
        _("only for"), max_length=8, choices=Category.choices, blank=True, default=""
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only in kecamatan"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("text rule")
        verbose_name_plural = _("text rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target="opd", opd__isnull=False, service__isnull=True)
                    | models.Q(target="service", opd__isnull=True, service__isnull=False)
                    | models.Q(
                        target__in=["local_office", "outside"],
                        opd__isnull=True,
                        service__isnull=True,
                    )
                ),
                name="text_rule_target_matches",
                violation_error_message=_(
                    "Choose the OPD when the rule points to an OPD, the service when it points to "
                    "a service, and neither otherwise."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(weight__lte=10),
                name="text_rule_weight_range",
                violation_error_message=_("The weight must be above 0 and at most 10."),
            ),
            models.UniqueConstraint(
                fields=["kind", "pattern", "target", "opd", "service", "category", "kecamatan"],
                name="text_rule_unique",
                violation_error_message=_("This rule exists already."),
            ),
        ]

    def __str__(self):
        return f"{self.pattern} → {self.opd or self.service or self.get_target_display()}"

    def clean(self):
        super().clean()
        if not analyze_pattern(self.kind, self.pattern):
            raise ValidationError(
                {"pattern": _("Nothing is left of this pattern after normalising; use real words.")}
            )
        for target in (self.opd, self.service and self.service.opd):
            if target is not None and not target.is_active:
                raise ValidationError(_("The target OPD is no longer active."))


class OversightRule(models.Model):
    """Who watches or takes over a complaint whatever the routing says (docs/product.md F4)."""

    class When(models.TextChoices):
        PUNGLI = "pungli", _("the complaint is about pungli")
        INVOLVES_HEAD = "involves_head", _("the complaint involves the head of an OPD")

    class Mode(models.TextChoices):
        COPY = "copy", _("receives an oversight copy")
        PRIMARY = "primary", _("handles it instead of the routed OPD")

    when = models.CharField(_("when"), max_length=16, choices=When.choices)
    mode = models.CharField(_("then"), max_length=8, choices=Mode.choices)
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        related_name="oversight_rules",
        limit_choices_to=_active_opd,
        verbose_name=_("OPD"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["when", "mode"]
        verbose_name = _("oversight rule")
        verbose_name_plural = _("oversight rules")
        constraints = [
            models.UniqueConstraint(fields=["when", "mode", "opd"], name="oversight_rule_unique")
        ]

    def __str__(self):
        return f"{self.get_when_display()}: {self.opd} {self.get_mode_display()}"

    def clean(self):
        super().clean()
        if self.opd_id and not self.opd.is_active:
            raise ValidationError(_("The OPD is no longer active."))


class RoutingFeedback(models.Model):
    """A human correction of a routing decision, with the facts it was made from.

    Written whenever staff reassign a complaint, so ``routing_eval`` can measure the current
    rules against what people decided. Holds a copy of the text facts, nothing about anyone.
    """

    class Source(models.TextChoices):
        REASSIGN = "reassign", _("reassigned by the coordinator or the Inspektorat")
        OPD_REQUEST = "opd_request", _("requested by the OPD (not its responsibility)")
        TRIAGE = "triage", _("routed from triage")

    category = models.CharField(max_length=16)
    description = models.TextField()
    kelurahan_code = models.CharField(max_length=20, blank=True)
    involves_head = models.BooleanField(default=False)
    old_opd = models.ForeignKey(
        Opd, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_opd = models.ForeignKey(Opd, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("routing correction")
        verbose_name_plural = _("routing corrections")

    def __str__(self):
        return f"{self.old_opd or '-'} → {self.new_opd}"
