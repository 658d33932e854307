"""The routing decision of a complaint, in words, for the staff pages.

The complaint keeps what routing decided (``routing_rule``, ``routing_confidence`` and the
engine's own one-line ``routing_reason``) and where it is now (its office, service, place and
oversight copies). This module says that as a sentence staff read at a glance ("Sent to Dinas
Perhubungan because of the service the reporter chose: …"), in the page's language. It reads
only what is stored: a rule it does not know is shown with the engine's own sentence, and
anything it needs but does not find is left out, never guessed.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The rule codes the routing engine and the reassignment services store (routing.engine,
# complaints.services.rerouting).
RULE_SERVICE = "service"
RULE_SERVICE_LOCATION = "service_location"
RULE_OPD = "opd"
RULE_TEXT = "text"
RULE_INVOLVES_HEAD = "involves_head"
RULE_NONE = "none"
RULE_MANUAL = "manual"
RULE_MODEL = "model"  # words weighed as staff corrections taught
_BY_WORDS = (RULE_TEXT, RULE_MODEL)

# Confidence in words: at or above each bound, that word (a chosen service or office is 1.0
# or 0.9; words of a report rarely reach 0.9).
_HIGH = 0.9
_MEDIUM = 0.6
# The engine quotes the words that counted: Kata 'ktp', 'dukcapil' → …
_QUOTED = re.compile(r"'([^']{1,60})'")
_WORDS_SHOWN = 4


@dataclass(frozen=True)
class RoutingReason:
    """What the page shows: the sentence, the oversight copies, and the raw decision."""

    text: str
    oversight: str
    raw: str


def confidence_words(confidence: float) -> str:
    if confidence >= _HIGH:
        return _("high confidence")
    if confidence >= _MEDIUM:
        return _("medium confidence")
    return _("low confidence")


def _quoted_words(reason: str) -> str:
    words = list(dict.fromkeys(_QUOTED.findall(reason or "")))[:_WORDS_SHOWN]
    return ", ".join(f"“{word}”" for word in words)


def _sentence(complaint, rule: str) -> str:
    opd = complaint.opd.name if complaint.opd_id else ""
    service = complaint.service.name if complaint.service_id else ""
    kelurahan = complaint.kelurahan.name if complaint.kelurahan_id else ""
    words = _quoted_words(complaint.routing_reason)
    if rule == RULE_MANUAL and opd:
        return _("Moved to %(opd)s by staff (the complaint desk, the Inspektorat or an admin).") % {
            "opd": opd
        }
    if not opd:
        # No office yet: the complaint waits in triage for the complaint desk.
        if rule in _BY_WORDS and words:
            return _(
                "Waiting for the complaint desk: the words of the report (%(words)s) did not "
                "point clearly enough to one office."
            ) % {"words": words}
        if rule in (RULE_NONE, *_BY_WORDS, ""):
            return _(
                "Waiting for the complaint desk: the report names no service or office, and "
                "its words point to none."
            )
        return ""
    if rule == RULE_SERVICE and service:
        return _("Sent to %(opd)s because of the service the reporter chose: %(service)s.") % {
            "opd": opd,
            "service": service,
        }
    if rule == RULE_SERVICE_LOCATION and service:
        place = kelurahan or _("the place reported")
        return _(
            "Sent to %(opd)s, the office of the place, because of the service the reporter "
            "chose: %(service)s in %(place)s."
        ) % {"opd": opd, "service": service, "place": place}
    if rule == RULE_OPD:
        return _("Sent to %(opd)s because the reporter chose this office.") % {"opd": opd}
    if rule == RULE_MODEL and words:
        return _(
            "Sent to %(opd)s because of words in the report, as staff corrections taught: "
            "%(words)s."
        ) % {"opd": opd, "words": words}
    if rule == RULE_TEXT and words:
        return _("Sent to %(opd)s because of words in the report: %(words)s.") % {
            "opd": opd,
            "words": words,
        }
    if rule == RULE_INVOLVES_HEAD:
        if complaint.walled_opd_id:
            return _(
                "Sent to %(opd)s because the report involves the head of %(walled)s, which "
                "does not see it."
            ) % {"opd": opd, "walled": complaint.walled_opd.name}
        return _("Sent to %(opd)s because the report involves the head of an office.") % {
            "opd": opd
        }
    return ""


def routing_reason(complaint, oversight=None) -> RoutingReason:
    """The routing of ``complaint`` in words. ``oversight``: its oversight offices, if the
    caller has them already (else they are read)."""
    rule = (complaint.routing_rule or "").strip()
    confidence = complaint.routing_confidence or 0.0
    text = _sentence(complaint, rule)
    if not text:
        # A rule this page does not know (or a record without what it needs): the engine's
        # own sentence, as stored.
        text = complaint.routing_reason or _("No routing recorded.")
    elif rule != RULE_MANUAL and complaint.opd_id:
        text = f"{text.rstrip('.')} ({confidence_words(confidence)})."
    offices = list(complaint.oversight.all()) if oversight is None else list(oversight)
    copies = ""
    if offices:
        names = ", ".join(office.name for office in offices)
        if complaint.category == "pungli":
            copies = _("Oversight copy to %(offices)s (suspected pungli).") % {"offices": names}
        else:
            copies = _("Oversight copy to %(offices)s.") % {"offices": names}
    raw = f"{rule or '—'} · {confidence:.2f}"
    if complaint.routing_reason:
        raw = f"{raw} · {complaint.routing_reason}"
    return RoutingReason(text=text, oversight=copies, raw=raw)
