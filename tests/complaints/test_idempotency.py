"""``complaints.idempotency``: keys, the sealed answer, its 24 hours, and ``answer_once``.

The interfaces are replayed in ``tests/api/test_idempotency.py`` and
``tests/frontend/test_retry_safe_forms.py``; here each piece is checked alone, and the race of
two requests with one key is played out at the level of transactions on any database.
"""

from datetime import timedelta
from unittest import mock

import pytest
from cryptography.exceptions import InvalidTag
from django.utils import timezone

from complaints import idempotency
from complaints.clocks import clocks_run
from complaints.exceptions import InvalidInput
from complaints.idempotency import (
    ANSWER_LIFETIME,
    AnswerTaken,
    answer_decrypt,
    answer_encrypt,
    answer_once,
    answers_purge,
    key_clean,
    key_hash,
    key_new,
    recall,
    remember,
)
from complaints.models import Complaint, Evidence, StoredAnswer
from complaints.services import complaint_submit
from tests.api.client import photo
from tests.conftest import files_under
from tests.factories import PARKIR

KEY = "2f9c1e0a-7b4d-4c58-9a61-0d3e5f7a8b9c"
OTHER_KEY = "c2b1f0e9-8a7d-4c6b-9e5f-4d3c2b1a0f9e"
SCOPE = "api.complaints"
ANSWER = {"reference": "BKL-26-7Q4K2M", "receipt": "4821930567184302", "status": "assigned"}


# --- Keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [KEY, "a" * 16, "x" * 128, "!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"],
)
def test_a_well_formed_key_is_taken_as_sent(raw):
    assert key_clean(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "a" * 15,  # too short to be random enough
        "x" * 129,
        "with a space in the middle",
        "tab\tinside-the-key-here",
        "kunci-dengan-huruf-é-ini",  # not ASCII
        "line\nbreak-inside-the-key",
    ],
)
def test_a_malformed_key_is_invalid_input_on_its_field(raw):
    with pytest.raises(InvalidInput) as refused:
        key_clean(raw, field="retry_key")
    assert list(refused.value.errors) == ["retry_key"]
    assert "16" in refused.value.message and "128" in refused.value.message


def test_no_key_means_no_retry_safety():
    assert key_clean(None) is None


def test_fresh_keys_are_valid_and_never_repeat():
    keys = {key_new() for _ in range(50)}
    assert len(keys) == 50
    assert all(key_clean(key) == key for key in keys)


# --- The sealed answer --------------------------------------------------------------------------


def test_the_answer_comes_back_under_its_own_key_and_scope():
    sealed = answer_encrypt(ANSWER, key=KEY, scope=SCOPE)
    assert answer_decrypt(sealed, key=KEY, scope=SCOPE) == ANSWER


@pytest.mark.parametrize("key, scope", [(OTHER_KEY, SCOPE), (KEY, "page.report")])
def test_another_key_or_scope_cannot_open_it(key, scope):
    sealed = answer_encrypt(ANSWER, key=KEY, scope=SCOPE)
    with pytest.raises(InvalidTag):
        answer_decrypt(sealed, key=key, scope=scope)


def test_a_changed_byte_is_refused():
    sealed = bytearray(answer_encrypt(ANSWER, key=KEY, scope=SCOPE))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        answer_decrypt(bytes(sealed), key=KEY, scope=SCOPE)


def test_the_same_answer_is_sealed_differently_each_time():
    assert answer_encrypt(ANSWER, key=KEY, scope=SCOPE) != answer_encrypt(
        ANSWER, key=KEY, scope=SCOPE
    )


def test_the_lookup_hash_needs_the_server_secret(settings):
    first = key_hash(KEY, SCOPE)
    assert first == key_hash(KEY, SCOPE)
    assert first != key_hash(KEY, "page.report")
    assert KEY not in first
    settings.SECRET_KEY = "another-secret-key-" + "z" * 40
    assert key_hash(KEY, SCOPE) != first  # the database alone cannot test a guessed key


# --- Stored for 24 hours ------------------------------------------------------------------------


@pytest.mark.django_db
def test_remember_then_recall():
    remember(key=KEY, scope=SCOPE, answer=ANSWER)
    assert recall(key=KEY, scope=SCOPE) == ANSWER
    assert recall(key=OTHER_KEY, scope=SCOPE) is None
    assert recall(key=KEY, scope="page.report") is None


@pytest.mark.django_db
def test_the_row_holds_no_trace_of_the_answer():
    remember(key=KEY, scope=SCOPE, answer=ANSWER)
    row = StoredAnswer.objects.get()
    stored = bytes(row.ciphertext) + row.key_hash.encode() + str(row).encode()
    for secret in (ANSWER["receipt"], ANSWER["reference"], KEY):
        assert secret.encode() not in stored
    assert row.key_hash == key_hash(KEY, SCOPE)


@pytest.mark.django_db
def test_a_key_answers_once():
    remember(key=KEY, scope=SCOPE, answer=ANSWER)
    with pytest.raises(AnswerTaken):
        remember(key=KEY, scope=SCOPE, answer={"other": True})
    assert recall(key=KEY, scope=SCOPE) == ANSWER
    assert StoredAnswer.objects.count() == 1


@pytest.mark.django_db
def test_after_24_hours_the_answer_is_gone_and_the_key_free_again():
    start = timezone.now()
    remember(key=KEY, scope=SCOPE, answer=ANSWER, now=start)
    assert recall(key=KEY, scope=SCOPE, now=start + ANSWER_LIFETIME - timedelta(minutes=1))
    later = start + ANSWER_LIFETIME + timedelta(minutes=1)
    assert recall(key=KEY, scope=SCOPE, now=later) is None
    remember(key=KEY, scope=SCOPE, answer={"second": True}, now=later)  # not purged yet: no clash
    assert recall(key=KEY, scope=SCOPE, now=later) == {"second": True}


@pytest.mark.django_db
def test_the_purge_deletes_only_what_is_past_its_24_hours():
    start = timezone.now()
    remember(key=KEY, scope=SCOPE, answer=ANSWER, now=start)
    remember(key=OTHER_KEY, scope=SCOPE, answer=ANSWER, now=start + timedelta(hours=12))
    assert answers_purge(now=start + timedelta(hours=23)) == 0
    assert answers_purge(now=start + ANSWER_LIFETIME + timedelta(minutes=1)) == 1
    assert recall(key=OTHER_KEY, scope=SCOPE, now=start + timedelta(hours=25)) == ANSWER
    assert StoredAnswer.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_the_clocks_run_the_purge():
    start = timezone.now()
    remember(key=KEY, scope=SCOPE, answer=ANSWER, now=start)
    assert clocks_run(now=start + timedelta(hours=1)).answers_purged == 0
    assert clocks_run(now=start + ANSWER_LIFETIME + timedelta(minutes=5)).answers_purged == 1
    assert not StoredAnswer.objects.exists()


# --- answer_once --------------------------------------------------------------------------------


def _submit(retry):
    return complaint_submit(category="pungli", description=PARKIR, retry=retry)


def _render(complaint, receipt):
    return {"reference": complaint.reference, "receipt": receipt}


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_the_same_key_performs_once_and_answers_the_same():
    first = answer_once(key=KEY, scope=SCOPE, perform=_submit, render=_render)
    perform = mock.Mock(side_effect=_submit)
    second = answer_once(key=KEY, scope=SCOPE, perform=perform, render=_render)

    assert (first.replayed, second.replayed) == (False, True)
    assert second.data == first.data
    perform.assert_not_called()
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_without_a_key_every_call_performs_and_nothing_is_stored():
    first = answer_once(key=None, scope=SCOPE, perform=_submit, render=_render)
    second = answer_once(key=None, scope=SCOPE, perform=_submit, render=_render)
    assert first.data["receipt"] != second.data["receipt"]
    assert Complaint.objects.count() == 2
    assert not StoredAnswer.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_a_refused_call_keeps_nothing_and_the_key_stays_usable():
    def refused(retry):
        return complaint_submit(category="pungli", description=PARKIR, photos=[1] * 9, retry=retry)

    with pytest.raises(InvalidInput):
        answer_once(key=KEY, scope=SCOPE, perform=refused, render=_render)
    assert not StoredAnswer.objects.exists()
    assert answer_once(key=KEY, scope=SCOPE, perform=_submit, render=_render).replayed is False
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_the_answer_is_written_in_the_complaints_transaction():
    """A failure right after the answer is written, still inside the transaction, leaves
    neither the complaint nor the answer."""
    kept = []
    real_keep = idempotency.Retry.keep

    def keep_then_fail(retry, *result):
        real_keep(retry, *result)
        kept.append(StoredAnswer.objects.count())
        raise RuntimeError("the worker died after the answer was written")

    with (
        mock.patch.object(idempotency.Retry, "keep", keep_then_fail),
        pytest.raises(RuntimeError, match="worker died"),
    ):
        answer_once(key=KEY, scope=SCOPE, perform=_submit, render=_render)
    assert kept == [1]  # it was written, in the transaction that then rolled back
    assert not Complaint.objects.exists()
    assert not StoredAnswer.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("directory")
def test_the_loser_of_a_race_rolls_back_and_answers_with_the_winners_answer(evidence_dir):
    """Two requests with one key, both past the lookup before either committed: the second to
    store its answer fails on the key's unique hash; its complaint, events and photo files roll
    back, and it answers with the first one's answer (the real threads are in the API tests)."""
    winner = answer_once(key=KEY, scope=SCOPE, perform=_submit, render=_render)
    files_before = set(files_under(evidence_dir))

    def late_submit(retry):  # the loser sent a photo too
        return complaint_submit(
            category="pungli", description=PARKIR, photos=[photo()], retry=retry
        )

    real_recall = idempotency.recall
    looked = []

    def recall_before_the_winner_committed(**kwargs):
        looked.append(kwargs["key"])
        return None if len(looked) == 1 else real_recall(**kwargs)

    with mock.patch.object(idempotency, "recall", recall_before_the_winner_committed):
        loser = answer_once(key=KEY, scope=SCOPE, perform=late_submit, render=_render)

    assert loser == idempotency.Answer(winner.data, replayed=True)
    assert looked == [KEY, KEY]
    assert Complaint.objects.count() == 1
    assert not Evidence.objects.exists()
    assert set(files_under(evidence_dir)) == files_before
    assert StoredAnswer.objects.count() == 1
