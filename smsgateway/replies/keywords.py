"""Reply and partner keywords, loaded from `locales/<code>/keywords.toml` (data, not code).

A language's keywords are combined with those of its fallback chain, which always ends in English;
the English file also holds what every language understands (carrier keywords, emoji). When two
languages of a chain give a phrase different meanings, the earlier language wins. The meaning of
each section is documented in `locales/KEYWORDS.md`.

An entry is a word, a phrase (consecutive words), a word with `*` for any letters (`"*n't"`),
a phrase with such words (`"bana son sako*"`), or a phrase with gaps: `"don't want ... messages"`
also matches "don't want your messages" and "don't want to receive these messages" (at most
`GAP_WORDS` words per gap).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from smsgateway.content.languages import fallback_chain, load_languages
from smsgateway.paths import locales_dir
from smsgateway.replies.normalize import (
    matching_tokens,
    normalize_text,
    squeeze,
    written_tokens,
)

KEYWORDS_FILE = "keywords.toml"
#: How many words a `...` gap in a keyword phrase may stand for.
GAP_WORDS = 3
_GAP = "..."


class Signal(StrEnum):
    """What a keyword says about a reply; sections of `[reply]` in the keyword files."""

    YES = "yes"
    ACK = "ack"
    PRAISE = "praise"
    NO = "no"
    CONFIRM = "confirm"
    DECLINE = "decline"
    RESCHEDULE = "reschedule"
    ATTENDED_YES = "attended_yes"
    ATTENDED_NO = "attended_no"
    NEGATION = "negation"
    HEDGE = "hedge"
    RESERVATION = "reservation"
    CONTRAST = "contrast"
    POSSIBLE = "possible"
    POLITENESS = "politeness"
    NEUTRAL = "neutral"
    TIME = "time"
    OPT_OUT = "opt_out"
    OPT_OUT_ALONE = "opt_out_alone"
    OPT_IN = "opt_in"
    OPT_IN_ALONE = "opt_in_alone"
    HELP = "help"
    LAUGHTER = "laughter"
    AGAIN = "again"
    MISTAKE = "mistake"
    MESSAGES = "messages"
    SEND = "send"
    UNWANTED = "unwanted"
    REMOVE = "remove"
    CONTACT = "contact"
    UNDERSTAND = "understand"
    RESPOND = "respond"
    PARTLY = "partly"  # "partly", "a little": the middle answer to the satisfaction question
    FEEDBACK = "feedback"  # FEEDBACK, AVIS, PLAINTE: leading a message, opens a complaint
    BETTER = "better"  # "better", "I prefer", "suits me": beside a day, a proposal
    OTHER = "other"  # "the next one", "another", "la suivante": after a refusal, a proposal
    HABITUAL = "habitual"  # "every day", "every morning": "I go" told as a habit is progress
    COME_BACK = "come_back"  # "come back", "revenir": told to come back later, nothing done yet
    GOING = "going"  # "I go" in the present: beside "every day", a habit (progress)
    REMOVE_ME = "remove_me"  # "take me off", "شيلوني": beside the messages or my number, opt-out
    #: "bus stop", "stop by", "I stopped working", "no paren": a stop word that stops nothing
    NOT_STOP = "not_stop"
    PLACE = "place"  # "the office": a day asked about beside it asks about a visit, not a date
    SO = "so"  # "so", "donc", "así que": a refusal after it concludes the message
    HELPED = "helped"  # "they helped me", "what I needed": to the satisfaction question, a yes
    WISH = "wish"  # "I want", "je veux recevoir", "بدي": beside the messages, an opt-in
    #: "put me back", "add me", "register me": beside the list or "again", an opt-in
    ADD_ME = "add_me"
    #: "my answer is", "I choose", "it's a", "numéro", "ቁጥር": words that frame an option number;
    #: beside nothing but a number and politeness they cost nothing, elsewhere they are unknown
    OPTION = "option"
    #: "tonight", "ce soir", "بالليل": hours the offices are closed. Read as days and times
    #: (`time`); beside a confirmation they name another meeting ("ok see you tonight").
    NIGHT = "night"
    #: "isso", Fula "ee" (folded like "e", with), Hausa "ya" (he): yes words that are also
    #: everyday words. Read as `yes` only where they open the message or a clause.
    YES_LEADING = "yes_leading"
    #: "الساعة", "ساعت", "karfe", "às", "საათზე": words for the hour, and for days, weeks and
    #: months ("dias", "weeks"). Beside a digit they make it a time of day or a count of days,
    #: not an option ("ممكن الساعة 3؟", "daqui a 15 dias"); alone they count as other words.
    HOUR = "hour"
    #: "they said to wait", "they will call me", "منتظر باش": told to wait after a visit. Read as
    #: "not yet" (`attended_no`); after "I went", the visit's outcome ("I went, they said wait").
    WAITING = "waiting"
    #: "I can't read", "je sais pas lire", "ማንበብ አልችልም": read as `help`; the help answer is
    #: text, so a caseworker is also asked to call (or to send the notices as voice calls).
    CANNOT_READ = "cannot_read"
    #: "I'm his brother", "c'est sa maman", "jam vëllai i tij", "it's my husband's phone": who
    #: writes when it is not the returnee. Read as `neutral`; beside a bare yes, no or "ok" it
    #: leaves the answer unclear ("yes, I'm his brother" says the number is right, not that he
    #: will come).
    PROXY = "proxy"
    #: "the wedding", "la fête", "العرس": events and places of everyday life. They answer
    #: nothing and count as other words; beside "I will come" or "I went", another meeting.
    EVENT = "event"
    #: "wrong number", "mauvais numéro", "I don't know this person": the number is not theirs
    WRONG_NUMBER = "wrong_number"
    #: "received", "bien reçu", "recebido", "na samu": the message arrived. It answers nothing
    #: and counts as another word: "ok received" acknowledges the notice, it does not confirm.
    RECEIVED = "received"
    #: "the address", "l'adresse", "العنوان", "አድራሻ", "the location", "the link": what a notice
    #: tells. "Send me the address again" asks for that, not for the messages: no opt-in.
    DETAILS = "details"
    #: "forget", "oubliez", "تنسوا", "ভুলবেন": a negation right beside one negates the forgetting
    #: ("don't forget to send me the address" asks for it), not a word for sending beyond it.
    FORGET = "forget"
    #: "didn't", "m'avez pas", "nuk ma", "ba ku ... ba", "পাঠান নাই", "can't you": a negation
    #: that tells what did not (or cannot) happen. Beside a word for sending or receiving it
    #: complains or asks ("you didn't send me the address", "I did not receive your messages");
    #: it forbids nothing, so it composes no opt-out.
    NOT_DONE = "not_done"
    #: "another app", "MTN", "the rain": another service or thing. A stop word in its clause is
    #: about that, not our messages ("I unsubscribed from another app", "enough of this rain").
    ELSEWHERE = "elsewhere"
    #: "before", "last time", "j'avais dit", "আগে", "ባለፈው": a STOP told as past. Followed by a
    #: wish for the messages, it tells why they are wanted again.
    EARLIER = "earlier"
    #: "you keep sending", "vous continuez", "siguen mandando", "una still dey", "هنوز": the
    #: messages go on. After a STOP told as past, a complaint that they still come, not a wish
    #: for them ("I told you stop before and you keep sending").
    STILL = "still"
    #: "you sent", "vous m'avez envoyé", "me mandaron", "kun turo", "ላካችሁልኝ", "فرستادید":
    #: sending told as done (or going on) by whoever receives it. Beside "again" and the
    #: messages, it reports or complains ("Today you sent the messages again"), it asks for
    #: nothing.
    SENT = "sent"
    #: "my son", "ma fille", "ابني", "sama doom", "not me": someone other than the writer, or a
    #: denial that the writer did it. In the clause of a STOP, before it, the STOP is told as
    #: typed by someone else; a request for the messages after it asks for them again.
    SOMEONE_ELSE = "someone_else"
    #: "please", "s'il vous plaît", "por favor", "لو سمحتوا", "abeg", "ju lutem": a request's
    #: politeness, not thanks. With an opt-in phrase or a request to be added back after a stop
    #: word typed by someone else, it asks for the messages ("..., lotfan mara dobara shamil
    #: kunin").
    PLEASE = "please"
    #: "if I want", "si je veux", "idan na so": a class of phrases beside their words' meaning; a
    #: stop word asked about with one in a question is no stop ("how do I stop these if I want to
    #: later?").
    HYPOTHETICAL = "hypothetical"
    #: "when", "what time", "quand", "متى", "yaushe": a class of question words beside their
    #: meaning (a reservation); a question with one after a confirmation asks when the
    #: appointment is, and keeps the confirmation in doubt.
    ASKS_WHEN = "asks_when"
    #: "how", "what do I type", "comment", "كيف", "چطور", "როგორ": a class of question words
    #: beside their meaning; a stop word after a clause of its own opened by a bare "if" is asked
    #: about with one, not said ("if I get a job and move away, how can I unsubscribe?").
    ASKS_HOW = "asks_how"
    #: "why", "pourquoi", "me yasa", "কেন": a class of question words beside their meaning; a
    #: stop word in a question they ask is asked about, not said ("why did the messages stop?",
    #: "pourquoi vous n'envoyez plus les rappels ?").
    ASKS_WHY = "asks_why"
    #: "old", "ancien", "viejo", "القديم" and "new", "nouveau", "nuevo", "الجديد": classes of
    #: words beside their meaning; an opt-out about one's old number in a message that gives a
    #: new one tells of a number changed ("borren mi número viejo, este es el nuevo").
    OLD = "old"
    NEW = "new"
    #: "list", "liste", "lista", "jerin", "სია": a class of words beside their meaning; an
    #: opt-out that takes the person off one day's list to put them on another asks for another
    #: date ("sáquenme de la lista del martes y pónganme el viernes").
    LIST = "list"
    #: "if", "si", "idan", "اگه": a class of words beside their meaning (a reservation); beside
    #: "we'll see" they set a condition, they do not ask what something is.
    CONDITION = "condition"
    #: "enough", "ça suffit", "basta", "mjaft", "block", "ፖሊስ እጠራለሁ": a class of words beside
    #: their meaning (`unwanted` and `remove` words mostly, bare threats); the whole message,
    #: they ask for the messages to stop.
    ENOUGH = "enough"
    #: "what does it mean", "ça veut dire quoi", "ምን ማለት ነው", "মানে কি": a class of question
    #: phrases beside their meaning (help mostly); right after a stop word, ending the message,
    #: they ask what the word means ("STOP ምን ማለት ነው?").
    MEANING = "meaning"


#: Sections that only name a class of words for the rules ("again", "by mistake", "messages",
#: "send", "don't want", "remove", "my number", "understand", "reply"): they answer nothing and
#: count as other words around an answer.
WORD_CLASSES = frozenset(
    {
        Signal.AGAIN,
        Signal.MISTAKE,
        Signal.MESSAGES,
        Signal.SEND,
        Signal.UNWANTED,
        Signal.REMOVE,
        Signal.CONTACT,
        Signal.UNDERSTAND,
        Signal.RESPOND,
        Signal.BETTER,
        Signal.OTHER,
        Signal.COME_BACK,
        Signal.GOING,
        Signal.REMOVE_ME,
        Signal.NOT_STOP,
        Signal.PLACE,
        Signal.SO,
        Signal.WISH,
        Signal.ADD_ME,
        Signal.EVENT,
        Signal.HOUR,
        Signal.RECEIVED,
        Signal.DETAILS,
    }
)

#: Partner command sections of `[partner]`; values are referral status names.
PARTNER_ACTIONS = ("enrolled", "ineligible", "no_show", "dropped_out", "attended")


#: Number words, the `[number]` table: "1" = ["one", "un", ...]; read as the digit they name.
NUMBER_WORDS = ("1", "2", "3")
_NUMBER_MEANING = "number:"


@dataclass(frozen=True)
class KeywordFile:
    """The raw keyword lists of one language file."""

    code: str
    reply: dict[Signal, tuple[str, ...]]
    partner: dict[str, tuple[str, ...]]
    numbers: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: `[spelling] fold`: (as typed, as read) pairs, e.g. Wolof's French-style "ou" for "u".
    spelling: tuple[tuple[str, str], ...] = ()
    #: `[spelling] distinct`: words that only their marks or doubled letters tell apart from
    #: their plain spelling (Wolof "kañ", when, is not "kan", who; Fula "habbii", waiting, not
    #: "haabii", fed up), as written (`written_tokens`).
    distinct: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    """One run of reply tokens: a keyword's signal, a number, or an unknown word.

    `number` is set for digits ("2") and number words ("two"); `signal` is None for both and for
    words no keyword knows.
    """

    start: int
    end: int
    signal: Signal | None
    text: str
    number: int | None = None
    is_number_word: bool = False
    #: A digit beside a word for the hour ("الساعة 3", "karfe 3"): a time of day, never an option.
    is_hour: bool = False

    @property
    def is_unknown(self) -> bool:
        """A word that gives no answer: no keyword, or only a word class that rules look for
        ("again", "messages"); it counts against the shape of an answer."""
        if self.signal in WORD_CLASSES:
            return True
        return self.signal is None and self.number is None and self.text != "?"

    @property
    def is_plain_unknown(self) -> bool:
        """A word no keyword knows at all."""
        return self.signal is None and self.number is None and self.text != "?"

    @property
    def is_phrase(self) -> bool:
        return self.end - self.start > 1

    @property
    def is_emoji(self) -> bool:
        """A symbol typed for a word (👍, ✅), not a word or a digit."""
        return self.number is None and not any(char.isalnum() for char in self.text)


#: One word of a patterned phrase: the exact word, or a pattern when it holds `*`.
_Word = str | re.Pattern[str]


@dataclass(frozen=True)
class _PatternedPhrase:
    """A phrase with gaps (`...`) between its pieces or `*` in its words."""

    pieces: tuple[tuple[_Word, ...], ...]
    meaning: str


@dataclass
class Lexicon:
    """Phrases (as token tuples), gapped phrases and single-token patterns with their meaning."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    #: Patterned phrases by their first word (None: it starts with a pattern).
    patterned: dict[str | None, list[_PatternedPhrase]] = field(default_factory=dict)
    longest: int = 1
    #: Spelling folds of the chain's first language, applied to keywords and replies alike.
    folds: tuple[tuple[str, str], ...] = ()
    #: Words of the chain's first language read as written (`KeywordFile.distinct`).
    distinct: frozenset[str] = frozenset()
    #: The phrases of section `night`, which are read as `time`.
    night: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `yes_leading`, which are read as `yes` where they open a clause.
    leading_yes: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `hour`, whatever meaning the chain gave them first.
    hours: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `waiting`, which are read as `attended_no`.
    waiting: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `cannot_read`, which are read as `help`.
    cannot_read: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `proxy`, which are read as `neutral`.
    proxy: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `earlier`, whatever meaning the chain gave them first.
    earlier: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `still`, whatever meaning the chain gave them first.
    still: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `sent`, whatever meaning the chain gave them first.
    sent: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `someone_else`, whatever meaning the chain gave them first.
    someone_else: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `please`, whatever meaning the chain gave them first.
    please: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `elsewhere`, whatever meaning the chain gave them first.
    elsewhere: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `hypothetical`, beside the meaning the chain gave their words.
    hypothetical: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `asks_when`, beside the meaning the chain gave their words.
    asks_when: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `asks_why`, beside the meaning the chain gave their words.
    asks_why: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `asks_how`, beside the meaning the chain gave their words.
    asks_how: set[tuple[str, ...]] = field(default_factory=set)
    #: The words of sections `old` and `new`, beside the meaning the chain gave them.
    old: set[tuple[str, ...]] = field(default_factory=set)
    #: The words of section `list`, beside the meaning the chain gave them.
    lists: set[tuple[str, ...]] = field(default_factory=set)
    new: set[tuple[str, ...]] = field(default_factory=set)
    #: The words of section `condition`, beside the meaning the chain gave them.
    condition: set[tuple[str, ...]] = field(default_factory=set)
    #: The words of section `enough`, beside the meaning the chain gave them.
    enough: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `meaning`, beside the meaning the chain gave them.
    meaning: set[tuple[str, ...]] = field(default_factory=set)
    #: The words of section `forget`, beside the meaning the chain gave them.
    forget: set[tuple[str, ...]] = field(default_factory=set)
    #: The phrases of section `not_done`, beside the meaning the chain gave their words.
    not_done: set[tuple[str, ...]] = field(default_factory=set)

    def words(self, text: str) -> list[str]:
        """The tokens of `text` as this lexicon compares them: normalised, folded, squeezed; a
        word of `distinct` written as listed stays as written ("kañ" stays "kañ", "kan" is
        "kan"; "habbii" stays "habbii", "haabii" is "habi")."""
        tokens = [self.fold(token) for token in matching_tokens(text)]
        if self.distinct:
            written = written_tokens(text)
            if len(written) == len(tokens):
                tokens = [
                    w if w in self.distinct else t for t, w in zip(tokens, written, strict=True)
                ]
        return tokens

    def keys(self, entry: str) -> list[tuple[str, ...]]:
        """The token tuples `entry` is looked up by: its words, and in Arabic script the forms
        with neighbouring words joined (`_joined_forms`)."""
        key = tuple(self.words(entry))
        return [key, *_joined_forms(key)] if key else []

    def fold(self, token: str) -> str:
        """`token` with the spelling folds applied ("douma" → "duma" for Wolof)."""
        if not self.folds:
            return token
        for typed, read in self.folds:
            token = token.replace(typed, read)
        return squeeze(token)

    def add(self, entry: str, meaning: str) -> None:
        """Add `entry` unless an earlier (higher-priority) language already gave it a meaning."""
        if _GAP in entry or ("*" in entry and len(entry.split()) > 1):
            pieces = tuple(self._pattern_words(piece) for piece in entry.split(_GAP))
            if all(pieces):
                first = pieces[0][0]
                start = first if isinstance(first, str) else None
                self.patterned.setdefault(start, []).append(_PatternedPhrase(pieces, meaning))
            return
        if "*" in entry:
            self.patterns.append((self._compile_pattern(entry), meaning))
            return
        key = tuple(self.words(entry))
        if key and key not in self.phrases:
            self.phrases[key] = meaning
            self.longest = max(self.longest, len(key))
        for joined in _joined_forms(key):
            # "سه‌شنبه" typed with a zero-width non-joiner reads "سهشنبه" (the joiner is dropped
            # as invisible): the keyword "سه شنبه" matches it too.
            self.phrases.setdefault(joined, meaning)

    def _pattern_words(self, piece: str) -> tuple[_Word, ...]:
        return tuple(
            self._compile_pattern(word) if "*" in word else self.words(word)[0]
            for word in piece.split()
            if self.words(word) or "*" in word
        )

    def _compile_pattern(self, entry: str) -> re.Pattern[str]:
        """`n'*` or `*n't`: a single-token pattern where `*` stands for any letters."""
        pieces = [self.fold(squeeze(normalize_text(piece.strip()))) for piece in entry.split("*")]
        return re.compile(".+".join(re.escape(piece) for piece in pieces))

    def lookup(self, tokens: list[str], start: int) -> tuple[int, str] | None:
        """The longest keyword starting at `tokens[start]`: (length, meaning), or None."""
        found = self.lookup_all(tokens, start)
        return found[0] if found else None

    def lookup_all(self, tokens: list[str], start: int) -> list[tuple[int, str]]:
        """Every keyword starting at `tokens[start]`, longest first: [(length, meaning)]."""
        found: dict[int, str] = {}
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            meaning = self.phrases.get(tuple(tokens[start : start + length]))
            if meaning is not None:
                found.setdefault(length, meaning)
        candidates = self.patterned.get(tokens[start], []) + self.patterned.get(None, [])
        for phrase in candidates:
            end = _match_patterned(phrase.pieces, tokens, start)
            if end is not None:
                found.setdefault(end - start, phrase.meaning)
        if 1 not in found:
            # The most specific pattern wins: "matb3at*" (opt-out) before "ma*ch" (negation).
            fitting = [(p, m) for p, m in self.patterns if p.fullmatch(tokens[start])]
            if fitting:
                found[1] = max(fitting, key=lambda pair: len(pair[0].pattern))[1]
        return sorted(found.items(), reverse=True)


_ARABIC_LETTERS = re.compile(r"^[\u0600-\u06ff]+$")


def _joined_forms(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The forms of a phrase in Arabic script with two neighbouring words written as one, as
    they read when typed with a zero-width non-joiner between them (Dari and Pashto "سه‌شنبه",
    "ثبت‌نام"), and with all its words as one."""
    if len(key) < 2 or not all(_ARABIC_LETTERS.match(word) for word in key):
        return []
    forms = [(*key[:i], key[i] + key[i + 1], *key[i + 2 :]) for i in range(len(key) - 1)]
    if len(key) > 2:
        forms.append(("".join(key),))
    return forms


def _match_words(words: tuple[_Word, ...], tokens: list[str], at: int) -> bool:
    if at + len(words) > len(tokens):
        return False
    return all(
        token == word if isinstance(word, str) else word.fullmatch(token) is not None
        for word, token in zip(words, tokens[at : at + len(words)], strict=True)
    )


def _match_patterned(
    pieces: tuple[tuple[_Word, ...], ...], tokens: list[str], start: int
) -> int | None:
    """Where a patterned phrase starting at `tokens[start]` ends (exclusive), or None."""
    first = pieces[0]
    if not _match_words(first, tokens, start):
        return None
    position = start + len(first)
    for piece in pieces[1:]:
        for skip in range(GAP_WORDS + 1):
            if _match_words(piece, tokens, position + skip):
                position += skip + len(piece)
                break
        else:
            return None
    return position


def keyword_path(code: str) -> str:
    """Where the keyword file of language `code` lives, relative to the locales folder."""
    return f"{code}/{KEYWORDS_FILE}"


@cache
def load_keyword_file(code: str) -> KeywordFile:
    """Read `locales/<code>/keywords.toml`; a missing file is an empty one."""
    path = locales_dir() / keyword_path(code)
    data: dict[str, dict[str, Any]] = {}
    if path.is_file():
        with path.open("rb") as f:
            data = tomllib.load(f)
    reply = data.get("reply", {})
    unknown = set(reply) - {signal.value for signal in Signal}
    if unknown:
        raise ValueError(f"{path}: unknown [reply] sections {sorted(unknown)}")
    partner = data.get("partner", {})
    if set(partner) - set(PARTNER_ACTIONS):
        raise ValueError(f"{path}: unknown [partner] sections {sorted(partner)}")
    numbers = data.get("number", {})
    if set(numbers) - set(NUMBER_WORDS):
        raise ValueError(f"{path}: [number] keys must be among {list(NUMBER_WORDS)}")
    folds: Any = data.get("spelling", {}).get("fold", [])
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in folds):
        raise ValueError(f"{path}: [spelling] fold must be a list of [typed, read] pairs")
    distinct: Any = data.get("spelling", {}).get("distinct", [])
    if not all(isinstance(word, str) for word in distinct):
        raise ValueError(f"{path}: [spelling] distinct must be a list of words")
    return KeywordFile(
        code=code,
        reply={Signal(name): tuple(words) for name, words in reply.items()},
        partner={name: tuple(words) for name, words in partner.items()},
        numbers={int(value): tuple(words) for value, words in numbers.items()},
        spelling=tuple(_fold_pair(typed, read) for typed, read in folds),
        distinct=frozenset(token for word in distinct for token in written_tokens(word)),
    )


def _fold_pair(typed: str, read: str) -> tuple[str, str]:
    return squeeze(normalize_text(typed)), squeeze(normalize_text(read))


def reply_chain(language: str | None) -> tuple[str, ...]:
    """The languages whose keywords serve `language`, most specific first, English last."""
    return tuple(fallback_chain(language))


#: Sections whose words are read under another section's meaning, and the lexicon's set that
#: keeps their keys: evening and night are days and times that mark chatter beside "I will
#: come"; told to wait is a "not yet" that, after "I went", tells what the visit gave; "I'm his
#: brother" says who writes, neutral beside anything but a bare answer; "I can't read" asks for
#: help a text cannot give by itself.
READ_AS: dict[Signal, tuple[Signal, str]] = {
    Signal.NIGHT: (Signal.TIME, "night"),
    Signal.WAITING: (Signal.ATTENDED_NO, "waiting"),
    Signal.PROXY: (Signal.NEUTRAL, "proxy"),
    Signal.CANNOT_READ: (Signal.HELP, "cannot_read"),
}
#: Sections that mark a class of words beside whatever meaning the chain gives them ("before",
#: "ባለፈው", "if I want": days and times, everyday events, "if" a reservation), and the lexicon's
#: set that keeps their keys.
CLASS_SECTIONS: dict[Signal, str] = {
    Signal.EARLIER: "earlier",
    Signal.STILL: "still",
    Signal.SENT: "sent",
    Signal.SOMEONE_ELSE: "someone_else",
    Signal.PLEASE: "please",
    Signal.ELSEWHERE: "elsewhere",
    Signal.HYPOTHETICAL: "hypothetical",
    Signal.ASKS_WHEN: "asks_when",
    Signal.ASKS_WHY: "asks_why",
    Signal.ASKS_HOW: "asks_how",
    Signal.OLD: "old",
    Signal.NEW: "new",
    Signal.LIST: "lists",
    Signal.CONDITION: "condition",
    Signal.ENOUGH: "enough",
    Signal.MEANING: "meaning",
    Signal.FORGET: "forget",
    Signal.NOT_DONE: "not_done",
}


@cache
def _reply_lexicon(chain: tuple[str, ...], framing: bool = False) -> Lexicon:
    first = load_keyword_file(chain[0]) if chain else None
    lexicon = Lexicon(
        folds=first.spelling if first else (), distinct=first.distinct if first else frozenset()
    )
    for code in chain:
        keywords = load_keyword_file(code)
        # Framing an option number, a language's option words come before its other words
        # ("answer" in "answer: 1" frames the option rather than asks about answering).
        sections = sorted(keywords.reply.items(), key=lambda item: item[0] is not Signal.OPTION)
        for signal, words in sections:
            if signal is Signal.OPTION and not framing:
                continue
            if signal is Signal.YES_LEADING:
                # A yes that is also an everyday word: `read_reply` keeps it where it leads.
                for word in words:
                    lexicon.add(word, Signal.YES.value)
                    for key in lexicon.keys(word):
                        if lexicon.phrases.get(key) == Signal.YES.value:
                            lexicon.leading_yes.add(key)
                continue
            if signal in READ_AS:
                meaning, kept_in = READ_AS[signal]
                kept: set[tuple[str, ...]] = getattr(lexicon, kept_in)
                for word in words:
                    lexicon.add(word, meaning.value)
                    kept.update(lexicon.keys(word))
                continue
            if signal in CLASS_SECTIONS:
                classes: set[tuple[str, ...]] = getattr(lexicon, CLASS_SECTIONS[signal])
                for word in words:
                    classes.update(lexicon.keys(word))
                continue
            if signal is Signal.HOUR:
                # A word for the hour makes a digit beside it a time (`read_reply`); a word keeps
                # its other meaning, a phrase ("a las", "në orën") is read as one.
                for word in words:
                    keys = lexicon.keys(word)
                    lexicon.hours.update(keys)
                    if keys and len(keys[0]) > 1:
                        lexicon.add(word, signal.value)
                continue
            for word in words:
                lexicon.add(word, signal.value)
        for value, words in keywords.numbers.items():
            for word in words:
                lexicon.add(word, f"{_NUMBER_MEANING}{value}")
    return lexicon


def reply_lexicon(language: str | None) -> Lexicon:
    """The combined reply keywords for `language` (unknown codes get English and universal ones),
    without the words that frame an option number (section `option`)."""
    return _reply_lexicon(reply_chain(language))


def folded_together(code: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Keywords of one language's file, written differently, that its spelling reads as one key
    with two meanings, by that key: Pashto "پیل کړئ" (start it) and "پیل کړی" (has started)
    are one key once "ئ" reads as "ی". The lexicon keeps the first meaning and never reads the
    other. Sections of classes (`CLASS_SECTIONS`), the words that frame an option and the words
    for the hour are left out: they keep a meaning beside theirs; so is a word written alike in
    two sections (the first is chosen on purpose)."""
    lexicon = _reply_lexicon((code,))
    found: dict[tuple[str, ...], dict[str, set[str]]] = {}
    for signal, words in load_keyword_file(code).reply.items():
        if signal in CLASS_SECTIONS or signal in (Signal.OPTION, Signal.HOUR):
            continue
        if signal in READ_AS:
            meaning = READ_AS[signal][0]
        else:  # a yes that leads is a yes (`_reply_lexicon`)
            meaning = Signal.YES if signal is Signal.YES_LEADING else signal
        for word in words:
            key = tuple(lexicon.words(word)) if "*" not in word and _GAP not in word else ()
            if key:
                found.setdefault(key, {}).setdefault(meaning.value, set()).add(word)
    return {
        " ".join(key): {meaning: tuple(sorted(words)) for meaning, words in meanings.items()}
        for key, meanings in found.items()
        if len(meanings) > 1 and not set.intersection(*meanings.values())
    }


def option_lexicon(language: str | None) -> Lexicon:
    """`reply_lexicon` with the words that frame an option number ("my answer is", "numéro"):
    what an answer-shaped number is read with."""
    return _reply_lexicon(reply_chain(language), framing=True)


@cache
def partner_lexicon() -> Lexicon:
    """Partner command words of every supported language: a partner may write in any of them."""
    lexicon = Lexicon()
    for code in ("en", *load_languages()):
        for action, words in load_keyword_file(code).partner.items():
            for word in words:
                lexicon.add(word, action)
    return lexicon


def find_everywhere(
    tokens: list[str], lexicon: Lexicon, signal: Signal, breaks: list[bool] | None = None
) -> list[Match]:
    """The keywords of `signal` that start at any position, whatever the cut of the reply.

    The cut `scan` chooses may hide a keyword inside another one; a meaning that must never be
    missed (opt-out) is looked for at every word. With `breaks`, a keyword must stand in one
    clause (`in_one_clause`).
    """
    found = []
    for position in range(len(tokens)):
        hit = lexicon.lookup(tokens, position)
        if hit is not None and hit[1] == signal.value and in_one_clause(position, hit[0], breaks):
            text = " ".join(tokens[position : position + hit[0]])
            found.append(Match(position, position + hit[0], signal, text))
    return found


def find_all_everywhere(
    tokens: list[str], lexicon: Lexicon, signal: Signal, breaks: list[bool] | None = None
) -> list[Match]:
    """Like `find_everywhere`, but also the shorter keywords of `signal` under a longer one of
    another meaning ("messages" inside "no more messages", "send" inside "send me")."""
    found = []
    for position in range(len(tokens)):
        for length, meaning in lexicon.lookup_all(tokens, position):
            if meaning == signal.value and in_one_clause(position, length, breaks):
                text = " ".join(tokens[position : position + length])
                found.append(Match(position, position + length, signal, text))
                break
    return found


def in_one_clause(start: int, length: int, breaks: list[bool] | None) -> bool:
    """Whether the words `tokens[start:start + length]` stand in one clause (no break among them;
    without `breaks`, always). A negation of several words is one: Hausa "ba zan" (I will not)
    is not the "ba" closing "ba zan zo ba," (I will not come) and the "zan" opening the next
    clause, "zan toshe ku" (I will block you)."""
    return breaks is None or not any(breaks[start + 1 : start + length])


def scan(tokens: list[str], lexicon: Lexicon, breaks: list[bool] | None = None) -> list[Match]:
    """Cut `tokens` into keyword matches, numbers and unknown single tokens.

    Of all the ways to cut a reply into keywords, the one that leaves the fewest unknown words
    wins, then the one with the fewest pieces, then the one with the longest keyword: "waaw
    dinaa fa nekk" is "waaw" + "dinaa fa nekk", not "waaw dinaa" + two unknown words.
    """
    count = len(tokens)
    # best[i]: (unknown words, pieces, -longest piece) of the best cut of tokens[i:], and its
    # first piece as (length, meaning or None).
    nothing: tuple[int, str | None] = (0, None)
    best = [((0, 0, 0), nothing)] * (count + 1)
    for start in range(count - 1, -1, -1):
        options: list[tuple[int, str | None]] = [
            (length, meaning)
            for length, meaning in lexicon.lookup_all(tokens, start)
            if meaning != Signal.NEGATION.value or in_one_clause(start, length, breaks)
        ]
        if (
            breaks is not None
            and (1, Signal.NO.value) in options
            # "no.1" is a number, not a "no".
            and not _is_digits(tokens[min(start + 1, count - 1)])
        ):
            # "نه، راځم", "não, vou" (no, I'm coming) are no "نه راځم", "não vou" (I'm not
            # coming): a phrase led by a word for "no" stands in one clause.
            options = [
                (length, meaning)
                for length, meaning in options
                if not any(breaks[start + 1 : start + length])
            ]
        options.append((1, None))
        choices = []
        for length, meaning in options:
            rest, _ = best[start + length]
            unknown = rest[0] + (meaning is None and not _is_digits(tokens[start]))
            cost = (unknown, rest[1] + 1, min(rest[2], -length))
            choices.append((cost, (length, meaning)))
        best[start] = min(choices, key=lambda choice: choice[0])
    matches: list[Match] = []
    position = 0
    while position < count:
        length, meaning = best[position][1]
        matches.append(_match(tokens, position, position + length, meaning))
        position += length
    return matches


def _is_digits(token: str) -> bool:
    return token.isascii() and token.isdigit()


#: A date written as an ordinal: "the 15th", "after the 20th", "le 3e", "el 4to".
_ORDINAL_DATE = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th|e|eme|er|to|vo|o|a|º|ª)")
#: A time of day written with its unit: "15h", "15h30", "3pm", "10am", "9hrs".
_CLOCK_TIME = re.compile(r"[0-9]{1,2}(?:h[0-9]{2}|h|hrs?|am|pm)")


def _match(tokens: list[str], start: int, end: int, meaning: str | None) -> Match:
    text = " ".join(tokens[start:end])
    if meaning is None and (_ORDINAL_DATE.fullmatch(text) or _CLOCK_TIME.fullmatch(text)):
        # A date costs nothing and marks a proposal, like a day.
        return Match(start, end, Signal.TIME, text)
    if meaning is None:
        number = int(text) if _is_digits(text) else None
        return Match(start, end, None, text, number)
    if meaning.startswith(_NUMBER_MEANING):
        value = int(meaning.removeprefix(_NUMBER_MEANING))
        return Match(start, end, None, text, value, is_number_word=True)
    return Match(start, end, Signal(meaning), text)
