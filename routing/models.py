"""The city directory: kecamatan and kelurahan, OPDs, and services with their published standards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    is_active = models.BooleanField(_("active"), default=True)

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
        help_text=_("Leave empty for a local service handled by the kecamatan office of the place."),
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
    fee_confirmed = models.BooleanField(
        _("fee confirmed from a published source"), default=False
    )
    requires_karcis = models.BooleanField(
        _("a karcis or receipt must be given"),
        default=False,
        help_text=_("A retribution: paying without getting a karcis is itself a sign of pungli."),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    time_limit = models.PositiveSmallIntegerField(_("time limit"), null=True, blank=True)
    time_unit = models.CharField(
        _("time unit"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    time_confirmed = models.BooleanField(
        _("time limit confirmed from a published source"), default=False
    )
    source_note = models.CharField(_("source of the figures"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

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
