"""The strict readers of ``complaints.inputs``: whole numbers, dates, JSON nesting, visible text.

Pure functions, no database; the API and page tests (tests/api/test_strict_parsing.py,
tests/frontend/test_strict_forms.py) replay the same inputs through HTTP.
"""

import json
import sys
from datetime import date

import pytest

from complaints.inputs import (
    JSON_MAX_DEPTH,
    ascii_date,
    ascii_int,
    has_visible,
    json_depth_ok,
    json_loads_strict,
)

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

# --- ascii_int ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0), ("7", 7), (" 10000 ", 10000), ("007", 7), ("9" * 18, 10**18 - 1)]
)
def test_ascii_int_reads_plain_digits(text, value):
    assert ascii_int(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "²",
        "٣",
        "３",
        "1_000",
        "+1",
        "-1",
        "1.0",
        "1e3",
        "10.000",
        "1 000",
        "9" * 19,
        None,
        5,
    ],
)
def test_ascii_int_refuses_everything_else(text):
    with pytest.raises(ValueError):
        ascii_int(text)


def test_ascii_int_bounds_the_length_before_reading():
    assert ascii_int("1234", max_digits=4) == 1234
    with pytest.raises(ValueError):
        ascii_int("12345", max_digits=4)
    with pytest.raises(ValueError):
        ascii_int("9" * 100_000)  # Python's int() would refuse past 4,300 digits, differently


# --- ascii_date --------------------------------------------------------------------------------


def test_ascii_date_reads_yyyy_mm_dd():
    assert ascii_date("2026-04-01") == date(2026, 4, 1)
    assert ascii_date(" 2026-04-01 ") == date(2026, 4, 1)


@pytest.mark.parametrize(
    "text", ["20260401", "2026-W14-1", "٢٠٢٦-04-01", "2026-4-1", "2026-02-30", "", None]
)
def test_ascii_date_refuses_other_forms(text):
    with pytest.raises(ValueError):
        ascii_date(text)


# --- json_depth_ok and json_loads_strict -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("{}", True),
        ("[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH, True),
        ("[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1), False),
        ('{"a": {"b": [1, 2, {"c": []}]}}', True),
        ('{"a": "' + "[" * 500 + '"}', True),  # brackets in a string are text
        ('{"a": "\\"' + "[" * 500 + '"}', True),  # an escaped quote does not end the string
        ('{"a": "\\\\", "b": ' + "[" * 500 + "]" * 500 + "}", False),  # an escaped backslash does
        ("]" * 50 + "[" * 50, False),  # a bracket closing nothing
        ("[" * 100_000, False),
        ('"' + "[" * 100_000, False),  # an unterminated string: its brackets count, it is bad JSON
    ],
)
def test_json_depth_ok(text, ok):
    assert json_depth_ok(text) is ok


def test_json_depth_ok_runs_without_recursion_on_any_depth():
    limit = sys.getrecursionlimit()
    assert not json_depth_ok("[" * (limit * 100))
    assert not json_depth_ok('{"a":' * (limit * 100))


def test_json_loads_strict_reads_ordinary_json():
    data = {"category": "pungli", "amount_paid": 10000, "ratings": {"waktu": 4}, "x": [1.5, None]}
    assert json_loads_strict(json.dumps(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        "1" + "0" * 5000,
        "1" + "0" * 41,
        "1e999",
        "-1e999",
        "NaN",
        "[Infinity]",
        "-Infinity",
        '{"a": 1',
        "",
    ],
)
def test_json_loads_strict_refuses_with_value_error(text):
    with pytest.raises(ValueError):
        json_loads_strict(text)


# --- has_visible -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n\r",
        "\u200b",  # zero-width space
        "\u200c\u200d",  # zero-width non-joiner, joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\u00a0\u2002\u2003\u3000\u202f",  # no-break, en, em, ideographic, narrow spaces
        "\u2028\u2029",  # line and paragraph separators
        "\u200e\u200f\u202a\u202e",  # direction marks and embeddings
        "\u3164\u115f\uffa0",  # Hangul fillers
        "\u2800",  # Braille blank
        "\ufe0f\U000e0101",  # variation selectors
        "\u034f",  # combining grapheme joiner
        "\U000e0041",  # a tag character
        "\x00\x07",
    ],
)
def test_nothing_visible(text):
    assert not has_visible(text)
    assert not has_visible(text * 100)


@pytest.mark.parametrize("text", ["a", ".", "\u200bRp10.000", "😀", "👨\u200d👩\u200d👧", "١", "ا"])
def test_something_visible(text):
    assert has_visible(text)
