"""Every colour pair of the stylesheet is readable (WCAG 2.1: 4.5:1 for text, 3:1 for the parts
of the interface one must see), computed from app.css itself.

Two sources of pairs: each rule that sets both a text colour and a background (a tag, a status,
a button, an alert), found by parsing app.css with its custom properties resolved; and the pairs
that meet across rules (text on the page, links on cards, borders of inputs), declared below.
"""

import re
from pathlib import Path

import pytest

from frontend.identity import TEXT_CONTRAST, UI_CONTRAST, contrast, luminance, palette

CSS = Path(__file__).resolve().parents[1] / "frontend" / "static" / "frontend" / "css" / "app.css"
HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def stylesheet() -> str:
    return re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.DOTALL)


def custom_properties(css: str) -> dict[str, str]:
    """The ``:root`` custom properties, with ``var()`` references resolved."""
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    raw = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root))

    def resolve(value: str) -> str:
        reference = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
        return resolve(raw[reference.group(1)]) if reference else value.strip()

    return {name: resolve(value) for name, value in raw.items()}


TOKENS = custom_properties(stylesheet())


def colour(value: str) -> str | None:
    """A declaration's solid colour (``#hex``, ``#fff``, ``var(--x)``), or None."""
    value = value.strip()
    reference = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if reference:
        value = TOKENS.get(reference.group(1), "")
    found = HEX.fullmatch(value)
    return found.group(0) if found else None


def rules_with_text_and_background() -> list[tuple[str, str, str]]:
    pairs = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", stylesheet()):
        declarations = dict(
            (name.strip(), value) for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)
        )
        text = colour(declarations.get("color", ""))
        background = colour(
            declarations.get("background-color", declarations.get("background", ""))
        )
        if text and background:
            pairs.append((selector.strip(), text, background))
    return pairs


RULE_PAIRS = rules_with_text_and_background()

# Pairs that meet across rules: (what, foreground token or colour, background token or colour).
TEXT_PAIRS = [
    ("body text on the page", "--ink", "--bg"),
    ("body text on a card", "--ink", "--paper"),
    ("hints on the page", "--muted", "--bg"),
    ("hints on a card", "--muted", "--paper"),
    ("footer text", "--muted", "#e9eeeb"),
    ("links on the page", "--green", "--bg"),
    ("links on a card", "--green", "--paper"),
    ("links in the footer", "--green", "#e9eeeb"),
    ("white navigation on the city colour", "#ffffff", "--green"),
    ("current navigation item", "#ffffff", "--green-dark"),
    ("field errors", "--red", "--paper"),
    ("field errors on the page", "--red", "--bg"),
    ("amber warnings on a card", "--amber", "--paper"),
    ("text in a selected choice card", "--ink", "--green-soft"),
]
UI_PAIRS = [
    ("input borders", "#8a9690", "--paper"),
    ("focus ring on the page", "#1a73e8", "--bg"),
    ("focus ring in the navigation", "#ffffff", "--green"),
    ("the button outline", "--green", "--paper"),
    ("the overdue stripe", "--red", "--paper"),
]


def value_of(token: str) -> str:
    return TOKENS[token] if token.startswith("--") else token


def test_the_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert luminance("#ffffff") == pytest.approx(1)
    # The well-known threshold: #767676 is the lightest grey that passes on white, #777 fails.
    assert contrast("#767676", "#ffffff") >= 4.5 > contrast("#777777", "#ffffff")


def test_the_parser_finds_the_pairs_it_must():
    found = {selector for selector, _text, _background in RULE_PAIRS}
    assert ".tag.cat-delay" in found  # the delay tag that once was 4.37:1
    assert ".button.primary" in found
    assert len(RULE_PAIRS) >= 15


@pytest.mark.parametrize(("selector", "text", "background"), RULE_PAIRS)
def test_every_rule_with_text_on_a_background(selector, text, background):
    assert contrast(text, background) >= TEXT_CONTRAST, (selector, text, background)


@pytest.mark.parametrize(("what", "text", "background"), TEXT_PAIRS)
def test_text_across_rules(what, text, background):
    ratio = contrast(value_of(text), value_of(background))
    assert ratio >= TEXT_CONTRAST, (what, round(ratio, 2))


@pytest.mark.parametrize(("what", "part", "background"), UI_PAIRS)
def test_interface_parts(what, part, background):
    ratio = contrast(value_of(part), value_of(background))
    assert ratio >= UI_CONTRAST, (what, round(ratio, 2))


def test_the_stylesheet_defaults_are_the_default_citys_palette():
    default = palette("#0b5d3b", "#f2c230")
    assert TOKENS["--city-primary"] == default.primary
    assert TOKENS["--city-primary-dark"] == default.primary_dark
    assert TOKENS["--city-primary-soft"] == default.primary_soft
