"""Reads of the directory: lists for the public API and the engine's immutable inputs."""

from django.conf import settings
from django.db.models import QuerySet

from routing import engine
from routing.models import Kecamatan, Kelurahan, Opd, Service


def service_list_public() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("opd").order_by("name")


def opd_list_public() -> QuerySet[Opd]:
    return Opd.objects.filter(is_active=True).select_related("kecamatan").order_by("name")


def kecamatan_list_with_kelurahan() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.prefetch_related("kelurahan").order_by("name")


def routing_rules() -> engine.Rules:
    """The directory as the routing engine's read-only input."""
    opds = dict(Opd.objects.filter(is_active=True).values_list("code", "name"))
    services = {
        code: engine.ServiceRoute(code=code, name=name, opd=opd_code)
        for code, name, opd_code in Service.objects.filter(is_active=True).values_list(
            "code", "name", "opd__code"
        )
    }
    areas = {
        code: engine.Area(code=code, name=name, kecamatan=kecamatan)
        for code, name, kecamatan in Kelurahan.objects.values_list(
            "code", "name", "kecamatan__code"
        )
    }
    offices = dict(
        Opd.objects.filter(is_active=True, kind=Opd.Kind.KECAMATAN).values_list(
            "kecamatan__code", "code"
        )
    )
    return engine.Rules(
        opds=opds,
        services=services,
        areas=areas,
        kecamatan_offices=offices,
        inspektorat=settings.PORTAL_INSPEKTORAT_CODE,
    )
