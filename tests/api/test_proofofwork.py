"""Proof of work instead of refusal (issue 12, "Limits that fit shared addresses").

A mobile carrier puts many citizens behind one address; once that address has spent its
submission budget, the API answers 429 with ``Retry-After`` and an ALTCHA v2 ``challenge``. A
client that solves it (here with the ``altcha`` library's own solver, as any client may) and
sends the solution in ``X-Altcha`` is let through once: a replayed, forged, tampered or expired
solution is refused again, never with a 5xx. The difficulty grows with the number of
submissions admitted this way, portal-wide (``complaints.proofofwork``), and nothing in the
cache holds the client's address.
"""

import base64
import json
import re

import altcha
import pytest
from django.core.cache import cache

from complaints import proofofwork
from tests.api.client import PARKIR_STORY, complaint_post, photo

pytestmark = pytest.mark.usefixtures("directory")

CARRIER_IP = "203.0.113.77"


@pytest.fixture
def submit_limit_1_per_hour(settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "1/hour"}


def solved(challenge: dict, **solution_changes) -> str:
    """The ``X-Altcha`` value for ``challenge``, solved (then altered by ``solution_changes``)."""
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=60)
    answer = {**solution.to_dict(), **solution_changes}
    payload = {"challenge": challenge, "solution": answer}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def submit(api_client, proof: str | None = None, **extra):
    headers = {"HTTP_X_ALTCHA": proof} if proof is not None else {}
    return complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=CARRIER_IP, **headers, **extra)


def spent_budget_challenge(api_client) -> dict:
    assert submit(api_client).status_code == 201
    refused = submit(api_client, language="en")
    assert refused.status_code == 429
    return refused.json()["challenge"]


@pytest.mark.usefixtures("submit_limit_1_per_hour")
def test_a_spent_budget_answers_with_a_challenge_and_its_solution_files_the_report(api_client):
    assert submit(api_client).status_code == 201

    refused = submit(api_client, language="en")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    body = refused.json()
    assert re.fullmatch(r"Too many requests; please try again in \d+ minutes\.", body["message"])
    parameters = body["challenge"]["parameters"]
    assert parameters["algorithm"] == "SHA-256" and parameters["cost"] == 1
    assert re.fullmatch(r"[0-9a-f]{64}", body["challenge"]["signature"])

    filed = submit(api_client, solved(body["challenge"]))

    assert filed.status_code == 201
    assert re.fullmatch(r"\d{16}", filed.json()["receipt"])


@pytest.mark.usefixtures("submit_limit_1_per_hour")
def test_a_solution_admits_one_request_only(api_client):
    proof = solved(spent_budget_challenge(api_client))
    assert submit(api_client, proof).status_code == 201

    replayed = submit(api_client, proof)

    assert replayed.status_code == 429
    assert "challenge" in replayed.json()  # a fresh one, to solve again


def tampered(challenge: dict) -> str:
    """A solution for a challenge whose prefix the client chose itself (signature unchanged)."""
    forged = altcha.create_challenge("SHA-256", 1, counter=0)
    parameters = {**challenge["parameters"], "keyPrefix": forged.parameters.key_prefix}
    parameters.update(nonce=forged.parameters.nonce, salt=forged.parameters.salt)
    return solved({**challenge, "parameters": parameters})


def own_challenge(_challenge: dict) -> str:
    """A challenge the client made and signed with a key of its own."""
    forged = altcha.create_challenge("SHA-256", 1, counter=0, hmac_secret="attacker")
    return solved(forged.to_dict())


def wrong_counter(challenge: dict) -> str:
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge))
    return solved(challenge, counter=solution.counter + 1)


def expired(challenge: dict) -> str:
    proof = solved(challenge)
    payload = json.loads(base64.b64decode(proof))
    payload["challenge"]["parameters"]["expiresAt"] = 1_000_000_000
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.usefixtures("submit_limit_1_per_hour")
@pytest.mark.parametrize(
    "make_proof",
    [
        tampered,
        own_challenge,
        wrong_counter,
        expired,
        lambda challenge: "not base64 at all",
        lambda challenge: base64.b64encode(b"[1, 2]").decode(),
        lambda challenge: base64.b64encode(b'{"challenge": {}, "solution": 5}').decode(),
        lambda challenge: base64.b64encode(b"[" * 5000).decode()[:4000],
        lambda challenge: "A" * 100_000,
        lambda challenge: "",
    ],
    ids=[
        "tampered",
        "own-challenge",
        "wrong-counter",
        "expired",
        "garbage",
        "json-list",
        "wrong-shape",
        "deep-nesting",
        "huge",
        "empty",
    ],
)
def test_a_bad_solution_is_refused_with_a_new_challenge(api_client, make_proof):
    proof = make_proof(spent_budget_challenge(api_client))

    refused = submit(api_client, proof)

    assert refused.status_code == 429
    assert "challenge" in refused.json()


@pytest.mark.usefixtures("submit_limit_1_per_hour")
def test_reporter_messages_and_photos_take_the_same_proof(api_client):
    filed = submit(api_client)
    receipt = filed.json()["receipt"]

    def message(proof=None):
        headers = {"HTTP_X_ALTCHA": proof} if proof else {}
        return api_client.post(
            "/api/v1/track/messages/",
            {"receipt": receipt, "body": "Jukirnya memakai kaos merah."},
            format="json",
            REMOTE_ADDR=CARRIER_IP,
            **headers,
        )

    refused = message()
    assert refused.status_code == 429
    assert message(solved(refused.json()["challenge"])).status_code == 201

    photos_refused = api_client.post(
        "/api/v1/track/photos/",
        {"receipt": receipt, "photos": [photo()]},
        format="multipart",
        REMOTE_ADDR=CARRIER_IP,
    )
    assert photos_refused.status_code == 429
    proof = solved(photos_refused.json()["challenge"])
    photos_filed = api_client.post(
        "/api/v1/track/photos/",
        {"receipt": receipt, "photos": [photo()]},
        format="multipart",
        REMOTE_ADDR=CARRIER_IP,
        HTTP_X_ALTCHA=proof,
    )
    assert photos_filed.status_code == 201


def test_other_scopes_refuse_without_a_challenge(api_client, settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "track": "1/hour"}
    for _ in range(2):
        answer = api_client.post(
            "/api/v1/track/", {"receipt": "0" * 16}, format="json", REMOTE_ADDR=CARRIER_IP
        )

    assert answer.status_code == 429
    assert set(answer.json()) == {"message", "errors"}


@pytest.mark.usefixtures("submit_limit_1_per_hour")
def test_the_cache_holds_nothing_of_the_address(api_client):
    proof = solved(spent_budget_challenge(api_client))
    submit(api_client, proof)

    parts = CARRIER_IP.split(".")
    for key in [str(key) for key in cache._cache]:  # LocMemCache, as in the test settings
        assert CARRIER_IP not in key and "".join(parts) not in key, key
        assert CARRIER_IP not in repr(cache._cache[key])


# --- Difficulty grows with load ----------------------------------------------------------------


def test_the_difficulty_starts_at_the_base_doubles_with_load_and_stops_at_the_cap():
    bounds = [proofofwork.maxnumber_for(load) for load in range(0, 400, 5)]

    assert bounds[0] == proofofwork.MAXNUMBER_BASE
    assert bounds == sorted(bounds)  # never easier as load grows
    assert proofofwork.maxnumber_for(proofofwork.LOAD_STEP) == 2 * proofofwork.MAXNUMBER_BASE
    assert max(bounds) == proofofwork.MAXNUMBER_CAP
    assert proofofwork.maxnumber_for(10**9) == proofofwork.MAXNUMBER_CAP
    assert proofofwork.maxnumber_for(-5) == proofofwork.MAXNUMBER_BASE


@pytest.mark.usefixtures("submit_limit_1_per_hour")
def test_challenges_get_harder_as_more_submissions_come_in_by_proof(api_client, monkeypatch):
    """Each admission by proof counts portal-wide for ten minutes; the next challenge is made
    for a bound that grows with that count."""
    monkeypatch.setattr(proofofwork, "LOAD_STEP", 1)
    monkeypatch.setattr(proofofwork, "MAXNUMBER_BASE", 1_000)
    bounds = []
    bound_for = proofofwork.maxnumber_for
    monkeypatch.setattr(
        proofofwork, "maxnumber_for", lambda load: bounds.append(bound_for(load)) or bounds[-1]
    )

    challenge = spent_budget_challenge(api_client)
    for _ in range(3):
        assert submit(api_client, solved(challenge)).status_code == 201
        challenge = submit(api_client).json()["challenge"]

    assert proofofwork.load_now() == 3
    assert bounds == [1_000, 2_000, 4_000, 8_000]


def test_the_secret_counter_is_drawn_below_the_bound(monkeypatch):
    monkeypatch.setattr(proofofwork, "maxnumber_for", lambda load: 7)
    counters = {
        altcha.solve_challenge(
            altcha.Challenge.from_dict(proofofwork.challenge_new()), timeout=10
        ).counter
        for _ in range(40)
    }

    assert counters <= set(range(8))


# --- The schema documents the challenge ---------------------------------------------------------


def test_the_schema_documents_the_challenge_and_its_header():
    # (That the whole schema generates without warnings is tests/api/test_schema.py's.)
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    for path in ["/api/v1/complaints/", "/api/v1/track/messages/", "/api/v1/track/photos/"]:
        operation = schema["paths"][path]["post"]
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "X-Altcha" in headers, path
        refusal = operation["responses"]["429"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][refusal.rsplit("/", 1)[-1]]
        assert {"message", "errors", "challenge"} <= set(component["properties"]), path
