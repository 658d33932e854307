"""Reads of the directory: lists for the public API and the engine's immutable inputs."""

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from routing import engine, learning
from routing.duties import duty_rules
from routing.models import Kecamatan, Kelurahan, Opd, OversightRule, Service, TextRule
from routing.text import Analysis, analyze, analyze_pattern, words_of


def service_list_public() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("opd").order_by("name")


def opd_list_public() -> QuerySet[Opd]:
    return Opd.objects.filter(is_active=True).select_related("kecamatan").order_by("name")


def kecamatan_list_with_kelurahan() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.prefetch_related("kelurahan").order_by("name")


# The engine's input, per process, with the fingerprint of the tables it was built from.
_built: dict = {}
_FINGERPRINTED = (Opd, Service, Kelurahan, Kecamatan, TextRule, OversightRule)


def routing_rules() -> engine.Rules:
    """The directory and the admin's rules as the routing engine's read-only input.

    Building it reads every rule and analyses its words, so it is kept per process and built
    again only when the tables change (one small query tells: counts, last ids, last edits).
    """
    fingerprint = (_rules_fingerprint(), settings.PORTAL_ROUTING_THRESHOLD, _model_stamp())
    cached = _built.get(connection.alias)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rules = _rules_build()
    _built[connection.alias] = (fingerprint, rules)
    return rules


def _model_stamp() -> float:
    """When the learned model was last written (``routing_train``), 0 when there is none."""
    try:
        return learning.MODEL.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _rules_fingerprint() -> tuple:
    columns = []
    for model in _FINGERPRINTED:
        table = connection.ops.quote_name(model._meta.db_table)
        columns += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX(id) FROM {table})"]
        field_names = {field.name for field in model._meta.fields}
        if "is_active" in field_names:
            columns.append(f"(SELECT COUNT(*) FROM {table} WHERE is_active)")
        if "updated_at" in field_names:
            columns.append(f"(SELECT MAX(updated_at) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return tuple(cursor.fetchone())


def _rules_build() -> engine.Rules:
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
    text_rules = [_text_rule(row) for row in _active_text_rules()]
    return engine.Rules(
        opds=opds,
        services=services,
        areas=areas,
        kecamatan_names=dict(Kecamatan.objects.values_list("code", "name")),
        kecamatan_offices=offices,
        text_rules=text_rules,
        duty_rules=duty_rules(tuple(text_rules), opds),
        oversight=[
            engine.OversightRule(when=when, mode=mode, opd=opd)
            for when, mode, opd in OversightRule.objects.filter(
                is_active=True, opd__is_active=True
            ).values_list("when", "mode", "opd__code")
        ],
        threshold=settings.PORTAL_ROUTING_THRESHOLD,
        model=learning.model_load(),
        read_name=words_of,
    )


def _active_text_rules():
    return (
        TextRule.objects.filter(is_active=True)
        .exclude(opd__is_active=False)
        .exclude(service__is_active=False)
        .values(
            "id",
            "kind",
            "pattern",
            "weight",
            "target",
            "opd__code",
            "service__code",
            "category",
            "kecamatan__code",
        )
    )


def _text_rule(row: dict) -> engine.TextRule:
    target = {
        TextRule.Target.OPD: row["opd__code"],
        TextRule.Target.SERVICE: f"service:{row['service__code']}",
        TextRule.Target.LOCAL_OFFICE: engine.LOCAL_OFFICE,
        TextRule.Target.OUTSIDE: engine.OUTSIDE,
    }[row["target"]]
    return engine.TextRule(
        id=row["id"],
        kind=row["kind"],
        terms=analyze_pattern(row["kind"], row["pattern"]),
        label=row["pattern"],
        weight=row["weight"],
        target=target,
        category=row["category"] or "",
        kecamatan=row["kecamatan__code"] or "",
    )


def routing_facts(
    *,
    category: str,
    description: str,
    service: str | None = None,
    opd: str | None = None,
    kelurahan: str | None = None,
    involves_head: bool = False,
) -> tuple[engine.Facts, Analysis]:
    """The engine's facts for a complaint, with the analysed description."""
    analysis = analyze(description)
    facts = engine.Facts(
        category=category,
        description=description,
        service=service,
        opd=opd,
        kelurahan=kelurahan,
        involves_head=involves_head,
        words=analysis.words,
        stems=analysis.stems,
        weights=analysis.weights,
        roles=analysis.roles,
    )
    return facts, analysis
