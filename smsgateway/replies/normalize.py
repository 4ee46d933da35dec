"""Text normalisation for reading replies: one canonical form for keywords and replies alike.

Both the keyword data and each reply go through the same functions, so a keyword written with
accents, Arabic diacritics or doubled letters still matches a reply typed without them.
"""

from __future__ import annotations

import re
import unicodedata

#: Apostrophe look-alikes typed on phones (Hausa writes "a'a" with U+02BC).
_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\uff07"
#: Question marks of other scripts (Arabic, Ethiopic, reversed, Adlam's initial one); a lone "?"
#: asks for help.
_QUESTION_MARKS = "\u061f\u1367\u2e2e\U0001e95f"
#: Joiners and direction marks that phones insert invisibly (Persian ZWNJ, RTL marks).
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufe0e\ufe0f\u061c"
#: Emoji skin-tone modifiers carry no meaning for a reply.
_SKIN_TONES = range(0x1F3FB, 0x1F400)
#: The keycap that turns "1" into 1️⃣ (after the invisible variation selector is dropped).
_KEYCAP = "\u20e3"

#: Letters of African Latin alphabets that phones often cannot type: ɓ ɗ ƴ ƙ are typed b d y k,
#: ŋ and ɲ as n, ɛ ɔ as e o (Fula, Hausa, Wolof). Keywords and replies meet in the plain form.
_HOOKED_LETTERS = str.maketrans(
    {"ɓ": "b", "ɗ": "d", "ƴ": "y", "ƙ": "k", "ŋ": "n", "ɲ": "n", "ɛ": "e", "ɔ": "o"}
)

#: Cyrillic letters that look like Latin ones ("ѕтор", typed to slip past a filter or by a
#: keyboard left in another layout): no shipped language is written in Cyrillic, so they are
#: read as the Latin letters they show (after casefolding).
_CYRILLIC_LOOKALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u0442\u043a\u043c\u043d\u0432"
    "\u0501\u04bb\u04cf",
    "aeopcyxsijtkmhbdhl",
)

# Fula in Adlam script (Unicode block 1E900), read as the Latin orthography it was made for, so
# one keyword list serves both scripts. Small letters (capitals are casefolded first) in
# alphabetical order of their code points; doubled letters need no care because matching
# squeezes repeats ("aa" = "a"). Marks: the alif lengthener is a long "a", the hamza is the
# apostrophe of "go'o"; lengthener, gemination, nukta and the nasalisation mark of "nd", "mb"
# (written after the nasal) add nothing to the plain spelling.
_ADLAM_SMALL_LETTERS = (
    "a", "d", "l", "m", "b", "s", "p", "b", "r", "e", "f", "i", "o", "d", "y", "w", "n", "k",
    "y", "u", "j", "c", "h", "q", "g", "n", "t", "n", "v", "x", "gb", "z", "kp", "sh",
)  # fmt: skip
_ADLAM = str.maketrans(
    {
        **{chr(0x1E922 + i): latin for i, latin in enumerate(_ADLAM_SMALL_LETTERS)},
        "\U0001e944": "a",
        "\U0001e945": None,
        "\U0001e946": None,
        "\U0001e947": "'",
        "\U0001e948": None,
        "\U0001e949": None,
        "\U0001e94a": None,
        "\U0001e94b": None,
    }
)

_ARABIC_LETTERS = str.maketrans(
    {
        # Alef with hamza above, below, madda, wasla: plain alef.
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        # Alef maqsura and Persian yeh: Arabic yeh (Dari and Pashto are typed on either keyboard).
        "\u0649": "\u064a",
        "\u06cc": "\u064a",
        # Pashto's yeh forms (ې ۍ), yeh with hamza (ئ) and Pashto gaf (ګ): typed
        # interchangeably with ی and گ on phones, read alike.
        "\u06d0": "\u064a",
        "\u06cd": "\u064a",
        "\u0626": "\u064a",
        "\u06ab": "\u06af",
        # Persian keheh: Arabic kaf, same reason.
        "\u06a9": "\u0643",
        # Ta marbuta and heh with yeh: heh.
        "\u0629": "\u0647",
        "\u06c0": "\u0647",
        # Tatweel (kashida) only stretches a word.
        "\u0640": None,
    }
)
# Ethiopic numerals one to nine have no decimal value in Unicode but are typed as option digits.
_ETHIOPIC_DIGITS = {chr(0x1369 + i): str(i + 1) for i in range(9)}

_REFERENCE = re.compile(r"(?<![0-9a-z])#?r[\s\-_.#/:]?([0-9]{4,7})(?![0-9])", re.IGNORECASE)
_SQUEEZE = re.compile(r"([^\W\d_])\1+")


def _is_harakah(char: str) -> bool:
    code = ord(char)
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


def _is_latin_base(char: str) -> bool:
    code = ord(char)
    return code < 0x0370 or 0x1E00 <= code <= 0x1EFF


def _to_ascii_digit(char: str) -> str:
    if char in _ETHIOPIC_DIGITS:
        return _ETHIOPIC_DIGITS[char]
    if char.isdecimal() and not char.isascii():
        return str(unicodedata.decimal(char))
    return char


def _strip_latin_accents(text: str) -> str:
    """Drop combining accents on Latin letters only; other scripts' marks are letters."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and _is_latin_base(kept[-1][0]):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def normalize_text(text: str, *, strip_accents: bool = True) -> str:
    """Return `text` in matching form: NFKC, casefolded, ASCII digits, unified Arabic letters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(_to_ascii_digit(char) for char in text)
    text = text.translate(_ADLAM).translate(_HOOKED_LETTERS).translate(_CYRILLIC_LOOKALIKES)
    text = text.translate(_ARABIC_LETTERS)
    text = "".join(char for char in text if not _is_harakah(char))
    for char in _INVISIBLE + _KEYCAP:
        text = text.replace(char, "")
    for char in _APOSTROPHES:
        text = text.replace(char, "'")
    for char in _QUESTION_MARKS:
        text = text.replace(char, "?")
    if strip_accents:
        text = _strip_latin_accents(text)
    return text


def is_emoji(char: str) -> bool:
    """Whether `char` is a pictograph that stands as a word of its own (👍, ✅, ❌)."""
    code = ord(char)
    return unicodedata.category(char) == "So" or 0x1F000 <= code <= 0x1FAFF


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


#: Punctuation that ends a clause ("no, stop", "bus stop. Stop"): commas, full stops, semicolons,
#: colons, exclamation marks and line breaks, in Latin, Arabic, Ethiopic and Bengali script, and
#: the reversed comma Adlam is written with.
_CLAUSE_BREAKS = frozenset(",.;:!\n\u060c\u061b\u1362\u1363\u1364\u0964\u2026\u00a1\u2e41")


#: A time of day written with a colon or a full stop ("10:30", "9.00"): one word, like "10h30",
#: so that neither its hour nor its minutes read as an option or its colon as a clause break.
_CLOCK = re.compile(r"(?<![0-9])([0-9]{1,2})[:.]([0-9]{2})(?![0-9])")


#: Punctuation that ends a sentence: full stops, exclamation marks, semicolons and line breaks,
#: in Latin, Arabic, Ethiopic and Bengali script (not commas or colons).
_SENTENCE_BREAKS = frozenset(".!;\n\u061b\u1362\u1364\u0964\u2026")


def _split_with_breaks(
    text: str, ends: frozenset[str] = _CLAUSE_BREAKS
) -> tuple[list[str], list[bool]]:
    text = _CLOCK.sub(r"\1h\2", text)
    tokens: list[str] = []
    breaks: list[bool] = []
    word: list[str] = []
    pending_break = False

    def add(token: str) -> None:
        nonlocal pending_break
        if token:
            tokens.append(token)
            breaks.append(pending_break)
            pending_break = False

    def flush() -> None:
        if word:
            add("".join(word).strip("'"))
            word.clear()

    for char in text:
        if word and _digit_meets_letter(word[-1], char):
            flush()  # "ከ20" (from the 20th), "۲۰مې" (the 20th): the date is a word of its own
        if _is_word_char(char) or (char == "'" and word):
            word.append(char)
            continue
        flush()
        if char in ends:
            pending_break = True
        if ord(char) in _SKIN_TONES:
            continue
        if char == "?" or is_emoji(char):
            add(char)
    flush()
    return tokens, breaks


def _is_glued_script(char: str) -> bool:
    """Arabic-script and Ethiopic letters, which glue prepositions and suffixes to a number."""
    code = ord(char)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x1200 <= code <= 0x139F


def _digit_meets_letter(before: str, char: str) -> bool:
    """Whether a digit and an Arabic-script or Ethiopic letter meet (not Latin: "20th", "3ani")."""
    if before.isdigit() == char.isdigit():
        return False
    letter = char if before.isdigit() else before
    return _is_glued_script(letter) and not unicodedata.category(letter).startswith("M")


def _split(text: str) -> list[str]:
    return _split_with_breaks(text)[0]


def tokenize(text: str, *, strip_accents: bool = True) -> list[str]:
    """Split a reply into words, digits, "?" and emoji; other punctuation separates words."""
    return _split(normalize_text(text, strip_accents=strip_accents))


def clause_breaks(text: str) -> list[bool]:
    """For each token of `tokenize(text)`, whether punctuation that ends a clause stands right
    before it ("no, stop": the comma stands before "stop")."""
    return _split_with_breaks(normalize_text(text))[1]


def sentence_breaks(text: str) -> list[bool]:
    """For each token of `tokenize(text)`, whether punctuation that ends a sentence (not a comma)
    stands right before it ("I'll come. Where is it?": the full stop stands before "where")."""
    return _split_with_breaks(normalize_text(text), _SENTENCE_BREAKS)[1]


def squeeze(token: str) -> str:
    """Collapse repeated letters ("yesss", "ouiii", "okk") so misspellings meet their keyword."""
    return _SQUEEZE.sub(r"\1", token)


def written_tokens(text: str) -> list[str]:
    """The tokens of `text` with their marks and doubled letters, for words that only these tell
    apart (Wolof "gënal", better, and "génnal", take out; Fula "habbii", waiting, and "haabii",
    fed up)."""
    return tokenize(text, strip_accents=False)


def matching_tokens(text: str) -> list[str]:
    """The tokens of `text` in the form keywords are compared in: normalised and squeezed."""
    return [squeeze(token) for token in tokenize(text)]


def find_reference_codes(text: str) -> list[str]:
    """Referral references in `text` (`R1001`, `r-1001`, `#R1001`), upper-case, each once."""
    digits = unicodedata.normalize("NFKC", text)
    digits = "".join(_to_ascii_digit(char) for char in digits)
    found: list[str] = []
    for match in _REFERENCE.finditer(digits):
        code = "R" + match.group(1)
        if code not in found:
            found.append(code)
    return found


def remove_reference_codes(text: str) -> str:
    """`text` with every referral reference replaced by a space, so its digits are not options."""
    digits = unicodedata.normalize("NFKC", text)
    digits = "".join(_to_ascii_digit(char) for char in digits)
    return _REFERENCE.sub(" ", digits)


def canonicalize_reference_codes(text: str) -> str:
    """`text` with every referral reference written as one word `R1001` ("r-1001" → "R1001")."""
    digits = unicodedata.normalize("NFKC", text)
    digits = "".join(_to_ascii_digit(char) for char in digits)
    return _REFERENCE.sub(lambda match: f" R{match.group(1)} ", digits)
