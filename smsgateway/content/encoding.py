"""SMS encoding and segments (GSM-7 or UCS-2, counted as carriers do) and GSM-7 normalisation.

Every segment is paid for, so one stray character matters: a 150-character French reminder is
1 GSM-7 segment, but a single curly apostrophe or `ê` makes the whole message UCS-2, and 150
UCS-2 characters cost 3 segments. Before sending, text in a language written in GSM-7 is
therefore normalised (`normalize_for_gsm7`):

- typography that carries no meaning in an SMS is replaced by its ASCII form: curly and low-9
  quotes, primes, guillemets (with the narrow no-break spaces French puts inside them), dashes,
  unicode spaces, ellipsis, bullets; zero-width characters, byte-order marks, soft hyphens and
  direction marks are removed;
- French, Portuguese, Spanish and Wolof letters that GSM-7 lacks are folded through the explicit
  table `LETTER_FOLDING` (`ê` → `e`, `ç` → `c`, `ã` → `a`, `œ` → `oe`...). Letters GSM-7 has
  (`é è à ù ì ò ñ ä ö ü å æ ø ß Ç É Ä Ö Ñ Ü Å Æ Ø`) are kept. Folding is acceptable because
  readers understand unaccented French or Portuguese in an SMS (it is how many people type them)
  and one readable segment beats three.

Normalisation never applies to scripts that need UCS-2: `prepare_sms` keeps the normalised text
only when all of it is GSM-7 and otherwise sends the original text untouched as UCS-2, so Arabic
keeps its direction marks and a French text with one Chinese character keeps its accents.

Segments (3GPP TS 23.038 and TS 23.040): GSM-7 fits 160 septets in one segment, otherwise 153 per
segment because the concatenation header takes the rest; UCS-2 fits 70 UTF-16 code units, otherwise
67. A GSM-7 extension character (escape + character, 2 septets) and a UTF-16 surrogate pair (an
emoji, 2 units) are never split across segments, so segments are packed, not just divided.
Empty text counts as 1 segment: sending it still costs one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_SINGLE_SEPTETS = 160
GSM7_PART_SEPTETS = 153
UCS2_SINGLE_UNITS = 70
UCS2_PART_UNITS = 67

# The GSM 03.38 default alphabet in code order, 16 per row; 0x1B is the escape to the extension
# table, not a character, so it is left out below.
_GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_BASIC = _GSM7_TABLE.replace("\x1b", "")
# Reached through the escape, so each costs 2 septets; "\f" is the page break (0x0A).
GSM7_EXTENSION = "\f^{}\\[~]|€"

_GSM7_BASIC_SET = frozenset(GSM7_BASIC)
_GSM7_EXTENSION_SET = frozenset(GSM7_EXTENSION)
_GSM7_SET = _GSM7_BASIC_SET | _GSM7_EXTENSION_SET
# Text that is one UTF-16 unit per character (no emoji or other astral characters).
_BASIC_PLANE = re.compile("[\u0000-\uffff]*")

# Letters GSM-7 lacks, folded to the closest GSM-7 letter. Only these are folded: a letter missing
# here (Fula and Hausa hooked letters, Cyrillic...) keeps the text in UCS-2.
LETTER_FOLDING: dict[str, str] = {
    # French
    "â": "a", "ê": "e", "ë": "e", "î": "i", "ï": "i", "ô": "o", "û": "u", "ÿ": "y",
    "ç": "c",  # GSM-7 has only the capital Ç.
    "œ": "oe",
    "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O", "Ù": "U",
    "Û": "U", "Ÿ": "Y", "Œ": "OE",
    # Portuguese and Spanish
    "á": "a", "ã": "a", "í": "i", "ó": "o", "õ": "o", "ú": "u",
    "Á": "A", "Ã": "A", "Ì": "I", "Í": "I", "Ò": "O", "Ó": "O", "Õ": "O", "Ú": "U",
    "º": "o", "ª": "a",
    # Wolof: ŋ is commonly typed "ng" where the keyboard lacks it.
    "ŋ": "ng", "Ŋ": "Ng",
}  # fmt: skip

# Typography that means nothing more than its ASCII form in an SMS (named, since they look alike).
_APOSTROPHES = (
    "\N{LEFT SINGLE QUOTATION MARK}\N{RIGHT SINGLE QUOTATION MARK}"
    "\N{SINGLE LOW-9 QUOTATION MARK}\N{SINGLE HIGH-REVERSED-9 QUOTATION MARK}\N{PRIME}"
    "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK}\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
)
_QUOTES = (
    "\N{LEFT DOUBLE QUOTATION MARK}\N{RIGHT DOUBLE QUOTATION MARK}"
    "\N{DOUBLE LOW-9 QUOTATION MARK}\N{DOUBLE HIGH-REVERSED-9 QUOTATION MARK}\N{DOUBLE PRIME}"
)
_DASHES = (
    "\N{HYPHEN}\N{NON-BREAKING HYPHEN}\N{FIGURE DASH}\N{EN DASH}\N{EM DASH}"
    "\N{HORIZONTAL BAR}\N{MINUS SIGN}"
)
_BULLETS = "\N{BULLET}\N{TRIANGULAR BULLET}\N{WHITE BULLET}\N{HYPHEN BULLET}\N{BULLET OPERATOR}"
_SPACES = (
    "\t\N{NO-BREAK SPACE}\N{NARROW NO-BREAK SPACE}\N{FIGURE SPACE}\N{THIN SPACE}"
    "\N{HAIR SPACE}\N{EN QUAD}\N{EM QUAD}\N{EN SPACE}\N{EM SPACE}\N{THREE-PER-EM SPACE}"
    "\N{FOUR-PER-EM SPACE}\N{SIX-PER-EM SPACE}\N{PUNCTUATION SPACE}"
    "\N{MEDIUM MATHEMATICAL SPACE}\N{OGHAM SPACE MARK}\N{IDEOGRAPHIC SPACE}"
)
# Only ever kept when the whole text is GSM-7, where these carry no meaning.
_INVISIBLES = (
    "\N{ZERO WIDTH SPACE}\N{ZERO WIDTH NON-JOINER}\N{ZERO WIDTH JOINER}\N{WORD JOINER}"
    "\N{ZERO WIDTH NO-BREAK SPACE}\N{SOFT HYPHEN}"
    "\N{LEFT-TO-RIGHT MARK}\N{RIGHT-TO-LEFT MARK}"
)
PUNCTUATION_FOLDING: dict[str, str] = {
    **dict.fromkeys(_APOSTROPHES, "'"),
    **dict.fromkeys(_QUOTES, '"'),
    **dict.fromkeys(_DASHES + _BULLETS, "-"),
    **dict.fromkeys(_SPACES, " "),
    **dict.fromkeys(_INVISIBLES, ""),
    "\N{HORIZONTAL ELLIPSIS}": "...",
}

_GUILLEMET_SPACE = f"[ {_SPACES}]*"
_OPENING_GUILLEMET = re.compile("«" + _GUILLEMET_SPACE)
_CLOSING_GUILLEMET = re.compile(_GUILLEMET_SPACE + "»")
_FOLDING = {**PUNCTUATION_FOLDING, **LETTER_FOLDING}
# A regular expression finds the few characters to fold in C; `str.translate` with a dict looks
# up every character in Python and took most of the time of normalising a message.
_FOLDABLE = re.compile("[" + "".join(re.escape(char) for char in _FOLDING) + "]")
# Text that is all ASCII has nothing to compose and no guillemet: only these folds can apply.
_ASCII_FOLDABLE = re.compile(
    "[" + "".join(re.escape(char) for char in _FOLDING if char.isascii()) + "]"
)


@dataclass(frozen=True)
class SmsBudget:
    """What a text costs: encoding, segments, code points, and septets or UTF-16 units."""

    encoding: str
    segments: int
    chars: int
    units: int


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM 03.38 basic set or its extension table."""
    return _GSM7_SET.issuperset(text)


def measure_sms(text: str) -> SmsBudget:
    """Encoding, segments, characters and units of `text` as sent, GSM-7 when it fits."""
    return _measure(text, fits_gsm7=is_gsm7(text))


def _measure(text: str, *, fits_gsm7: bool) -> SmsBudget:
    if fits_gsm7:
        if _GSM7_EXTENSION_SET.isdisjoint(text):  # one septet each: nothing to pack
            segments = _count_even_segments(len(text), GSM7_SINGLE_SEPTETS, GSM7_PART_SEPTETS)
            return SmsBudget(GSM7, segments, len(text), len(text))
        costs = [2 if char in _GSM7_EXTENSION_SET else 1 for char in text]
        segments = _count_segments(costs, GSM7_SINGLE_SEPTETS, GSM7_PART_SEPTETS)
        return SmsBudget(GSM7, segments, len(text), sum(costs))
    if _BASIC_PLANE.fullmatch(text):  # one UTF-16 unit each: nothing to pack
        segments = _count_even_segments(len(text), UCS2_SINGLE_UNITS, UCS2_PART_UNITS)
        return SmsBudget(UCS2, segments, len(text), len(text))
    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    segments = _count_segments(costs, UCS2_SINGLE_UNITS, UCS2_PART_UNITS)
    return SmsBudget(UCS2, segments, len(text), sum(costs))


def _count_even_segments(units: int, single_limit: int, part_limit: int) -> int:
    """Segments for characters of one unit each, which split anywhere."""
    return 1 if units <= single_limit else -(-units // part_limit)


def _count_segments(costs: list[int], single_limit: int, part_limit: int) -> int:
    """Segments needed when no character is split between two concatenated segments."""
    if sum(costs) <= single_limit:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part_limit:
            segments, used = segments + 1, 0
        used += cost
    return segments


def normalize_for_gsm7(text: str) -> str:
    """Replace typography and fold letters (see the module docstring) so the text can be GSM-7."""
    if text.isascii():  # most notices in English, French or Wolof once folded: one scan in C
        return _ASCII_FOLDABLE.sub(_fold, text)
    text = unicodedata.normalize("NFC", text)
    text = _OPENING_GUILLEMET.sub('"', text)
    text = _CLOSING_GUILLEMET.sub('"', text)
    return _FOLDABLE.sub(_fold, text)


def _fold(match: re.Match[str]) -> str:
    return _FOLDING[match.group()]


def prepare_sms(text: str, *, allow_gsm7: bool) -> tuple[str, SmsBudget]:
    """The text to send and its budget: normalised GSM-7 if allowed and complete, else the original.

    The original is measured as it is, so a language sent as UCS-2 that renders only GSM-7
    characters (digits, a reference code) is counted as GSM-7, as the carrier will.
    """
    if allow_gsm7:
        normalized = normalize_for_gsm7(text)
        if is_gsm7(normalized):
            return normalized, _measure(normalized, fits_gsm7=True)
    return text, measure_sms(text)
