"""A reply read into keyword matches: what the classifier's rules look at.

Reading is the same for every question: normalise, cut into keyword matches (longest first), numbers
and unknown words, then turn negated positive words negative. The rules that decide what the
reading means live in `classify`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from smsgateway.replies.keywords import (
    Lexicon,
    Match,
    Signal,
    find_all_everywhere,
    find_everywhere,
    option_lexicon,
    reply_lexicon,
    scan,
)
from smsgateway.replies.normalize import (
    clause_breaks,
    remove_reference_codes,
    sentence_breaks,
)

#: "but", "mais", "pero": before a negated word for removing, the clause still asks to stay.
_BUT = frozenset({Signal.CONTRAST})
#: How far (in matches) a negation reaches a positive word: "not ok", "je (ne) viens pas".
NEGATION_REACH = 2

#: The question marks a reply asks with: Latin, Arabic and Ethiopic ("፧").
QUESTION_MARKS = "?\u061f\u1367"

#: Words that carry no answer and never count against a message's shape.
FILLER = frozenset({Signal.POLITENESS, Signal.NEUTRAL, Signal.TIME, Signal.HABITUAL})

POSITIVE_FLIP = {
    Signal.YES: Signal.NO,
    Signal.ACK: Signal.NO,
    Signal.PRAISE: Signal.NO,
    Signal.CONFIRM: Signal.DECLINE,
    Signal.ATTENDED_YES: Signal.ATTENDED_NO,
    Signal.HELPED: Signal.NO,
}
STATEMENTS = frozenset(
    {
        Signal.CONFIRM,
        Signal.DECLINE,
        Signal.RESCHEDULE,
        Signal.ATTENDED_YES,
        Signal.ATTENDED_NO,
        Signal.HELPED,
    }
)
_REFUSALS = frozenset({Signal.DECLINE, Signal.ATTENDED_NO})


@dataclass(frozen=True)
class Reading:
    """The matches of one reply, in order: keywords, numbers, unknown words and "?"."""

    matches: tuple[Match, ...]
    #: Opt-out keywords starting at any word, whatever the cut of the reply into matches.
    opt_outs: tuple[Match, ...] = ()
    #: Opt-out keywords said to be a mistake ("I sent STOP by mistake").
    mistaken_opt_outs: tuple[Match, ...] = ()
    #: A word for understanding, negated: "I don't understand", "je comprends rien".
    not_understood: tuple[Match, ...] = ()
    #: Indexes of the matches that open a clause after a comma, full stop or line break.
    clause_starts: frozenset[int] = frozenset()
    #: Days and times of the evening or night (section `night`): "tonight", "ce soir".
    night: tuple[Match, ...] = ()
    #: Events and places of everyday life (section `event`): "the wedding", "la fête".
    events: tuple[Match, ...] = ()
    #: Words for help right beside a negation or a "no": "they didn't help me", "dem no help
    #: me", "ما ساعدوني" (to the satisfaction question: not helped).
    help_not_given: tuple[Match, ...] = ()
    #: Days and dates told from a word for "since" (section `habitual`) that the time section
    #: reads as one phrase: "desde el lunes", "depuis lundi", "من نهار الاثنين".
    since: tuple[Match, ...] = ()
    #: "Not yet" phrases of section `waiting`: told to wait or to expect a call ("they said
    #: wait", "do më marrin në telefon").
    waiting: tuple[Match, ...] = ()
    #: Negated stop words of section `not_stop` ("don't stop the reminders", "مه بندوئ"): a wish
    #: that the messages go on.
    go_on: tuple[Match, ...] = ()
    #: Stop words and phrases right after a negation, in one clause ("don't stop", "n'arrêtez
    #: pas", "don't cancel"; "dont stop the messages pls" by its opening stop word, "dont delete
    #: my number" by the phrase): mostly a wish that the messages go on (`read_reply` decides
    #: which still stop: "if you don't stop the messages" does).
    negated_stops: tuple[Match, ...] = ()
    #: Stop words asked about with a phrase of section `hypothetical` ("how do I stop these if I
    #: want to?"): a question about how to stop, not a stop.
    how_to_stop: tuple[Match, ...] = ()
    #: The phrases of section `hypothetical` ("if I want", "si je veux").
    hypotheticals: tuple[Match, ...] = ()
    #: The question words of section `asks_when` ("when", "what time", "quand").
    asks_when: tuple[Match, ...] = ()
    #: Indexes of the matches that open a sentence after a full stop, "!" or line break.
    sentence_starts: frozenset[int] = frozenset()
    #: The words of section `condition` ("if", "si", "idan").
    conditions: tuple[Match, ...] = ()
    #: Stop words and phrases asked about with a word of section `asks_why`, in a question that
    #: ends their clause: "why did the messages stop?", "pourquoi vous n'envoyez plus les
    #: rappels ?", "আপনারা মেসেজ পাঠানো বন্ধ করলেন কেন?". A complaint or a worry, not a stop.
    asked_why: tuple[Match, ...] = ()
    #: The question words of section `asks_why` ("why", "pourquoi", "ለምን").
    whys: tuple[Match, ...] = ()
    #: Opt-outs about one's old number in a message that gives a new one ("borren mi número
    #: viejo, este es el nuevo"): a number changed, for a caseworker, not a stop.
    number_changed: tuple[Match, ...] = ()
    #: Requests not to forget something: a negation (or a "no") right before a word for
    #: forgetting, one word before it, or right after it ("don't forget", "wota on yejjit", "مه
    #: هېروئ", "oubliez pas"), in one clause; each span covers both.
    dont_forget: tuple[Match, ...] = ()
    #: Words for the messages inside phrases that answer nothing ("my phone was off, I didn't
    #: get your messages"): the reply still speaks of the messages.
    messages_in_asides: tuple[Match, ...] = ()
    #: Phrases of section `cannot_read` ("I can't read", "je sais pas lire"), read as help.
    cannot_read: tuple[Match, ...] = ()
    #: How many words a heading before a colon opening the message holds ("Sunrise Clinic: the
    #: client registered", "Structure partenaire : ..."): who writes, 0 when there is none.
    heading: int = 0
    #: Opt-outs that take the person off one day's list to put them on another ("remove me from
    #: Tuesday's list and put me on Friday"): another date asked for, not a stop.
    moved_day: tuple[Match, ...] = ()
    #: Phrases of section `proxy` ("I'm his brother", "c'est sa maman"): someone other than the
    #: returnee writes.
    proxies: tuple[Match, ...] = ()
    #: Phrases of sections `still` and `sent` ("you keep sending", "vous m'envoyez encore",
    #: "you sent", "kun turo"): the messages told as going on or sent, by whoever receives them.
    told_sending: tuple[Match, ...] = ()
    #: Phrases of section `please` ("please", "s'il vous plaît", "ju lutem"): a request's
    #: politeness.
    please: tuple[Match, ...] = ()
    #: Phrases of section `enough` ("enough", "ça suffit", "mjaft", "block").
    enough: tuple[Match, ...] = ()

    @property
    def words(self) -> int:
        """How many words (tokens) the reply has."""
        return sum(match.end - match.start for match in self.matches)

    @property
    def unknown(self) -> list[Match]:
        """Words no keyword knows (numbers and "?" are not among them)."""
        return [match for match in self.matches if match.is_unknown]

    @property
    def numbers(self) -> list[Match]:
        return [match for match in self.matches if match.number is not None]

    @property
    def options(self) -> list[Match]:
        """The numbers that may be options: not times of day or counts of days ("at 3", "in 15
        days")."""
        return [match for match in self.numbers if not match.is_hour]

    def has(self, *signals: Signal) -> bool:
        return any(match.signal in signals for match in self.matches)

    def texts(self, signal: Signal) -> tuple[str, ...]:
        """The words of every match of `signal`."""
        return tuple(match.text for match in self.matches if match.signal is signal)

    def first(self, *signals: Signal) -> Match | None:
        return next((match for match in self.matches if match.signal in signals), None)

    def only(self, signal: Signal, *, numbers_allowed: bool = False) -> bool:
        """Whether `signal` is present and everything else is politeness, "?" (or numbers)."""
        if not self.has(signal):
            return False
        for match in self.matches:
            if match.signal in FILLER or match.signal is signal or match.text == "?":
                continue
            if numbers_allowed and match.number is not None:
                continue
            return False
        return True

    def clause_start(self, index: int) -> int:
        """The index of the match that opens the clause holding match `index`."""
        return clause_start(index, self.clause_starts)

    def clause_end(self, index: int) -> int:
        """The index after the last match of the clause holding match `index`."""
        return min((s for s in self.clause_starts if s > index), default=len(self.matches))

    @property
    def clauses(self) -> list[tuple[Match, ...]]:
        """The matches of each clause, in order."""
        starts = sorted({0, *self.clause_starts})
        return [self.matches[start : self.clause_end(start)] for start in starts]

    @property
    def asks(self) -> bool:
        """Whether the reply holds a "?"."""
        return any(match.text == "?" for match in self.matches)

    @property
    def plain_unknown(self) -> int:
        """How many words no keyword knows at all (word classes aside)."""
        return sum(1 for match in self.matches if match.is_plain_unknown)

    @property
    def only_question_marks(self) -> bool:
        return bool(self.matches) and all(match.text == "?" for match in self.matches)

    def after(self, index: int) -> Reading:
        """The reading of the matches from `index` on, as if the reply began there: its clauses
        and sentences counted from there, the phrases it found before there forgotten."""
        first = self.matches[index].start

        def kept(value: Any) -> Any:
            if isinstance(value, frozenset):  # indexes of matches
                return frozenset(i - index for i in value if i > index)
            if isinstance(value, tuple):  # matches
                return tuple(m for m in value if m.start >= first)
            raise TypeError(f"Reading.after does not know how to cut {value!r}")

        cut = {f.name: kept(getattr(self, f.name)) for f in fields(self) if f.name != "heading"}
        return replace(self, **cut, heading=0)


def clause_start(index: int, clause_starts: frozenset[int]) -> int:
    """The index of the match that opens the clause holding match `index` (`clause_starts`:
    the indexes of the matches that open a clause)."""
    return max((start for start in clause_starts if start <= index), default=0)


def read_reply(text: str, language: str | None) -> Reading:
    """Read `text`, written in `language`, into matches.

    Number words ("one", "deux", "ɗiɗi") count as numbers only beside nothing but politeness,
    yes, no and "ok": "two", "ok two" and "option two" answer; "the two of us", "nice one" and
    "un rendez-vous" do not.
    """
    lexicon = reply_lexicon(language)
    plain = remove_reference_codes(text)
    tokens, breaks = _split_conjunctions(lexicon.words(plain), lexicon, clause_breaks(plain))
    # Sentences matter only to a question (`asked_after_confirming`): read them only then.
    asks = any(mark in plain for mark in QUESTION_MARKS)
    ends = (
        _split_conjunctions(lexicon.words(plain), lexicon, sentence_breaks(plain))[1]
        if asks
        else []
    )
    matches = _scan_numbers(tokens, lexicon, breaks)
    # "my answer is 1", "je choisis le deux", "it's a one": a number framed by words of section
    # `option` and nothing else is read with them; any other reply without them.
    framed = _scan_numbers(tokens, option_lexicon(language), breaks)
    if any(m.signal is Signal.OPTION for m in framed) and _is_answer_shaped_number(framed):
        matches = framed
    # "ممكن الساعة 3؟", "karfe 3 zai yiwu?", "pode ser às 3?": a digit beside a word for the
    # hour is a time of day, not an option.
    matches = _hours_of_day(matches, tokens, lexicon, breaks)
    forgetting = _phrases_of(tokens, lexicon.forget)
    matches = _dont_forget(matches, forgetting, tokens, breaks)
    matches = _everyday_yes_words(matches, tokens, lexicon, breaks)
    # "Don't stop the reminders", "n'arrêtez pas", "kada ku daina": a lone stop word right
    # after a negation asks for the messages to go on.
    negations = find_all_everywhere(tokens, lexicon, Signal.NEGATION, breaks)
    # "bus stop", "I stopped working", "no paren los recordatorios": a stop word that stops
    # nothing, within one clause.
    not_stops = not_stop_words(tokens, lexicon, breaks)
    matches = _merge_not_stops(matches, not_stops, tokens)
    # "don't stop the reminders", "مه بندوئ": a negated stop word, a wish that the messages go on.
    refusing_words = negations + find_all_everywhere(tokens, lexicon, Signal.NO)
    go_on = tuple(
        m for m in not_stops if any(m.start <= n.start and n.end <= m.end for n in refusing_words)
    )
    requests = [m for m in matches if m.signal is Signal.OPT_IN]
    elsewhere = _phrases_of(tokens, lexicon.elsewhere)

    # "parar? não, continuem mandando": a listed phrase read across a clause break is none.
    listed_stops = [
        found
        for found in find_all_everywhere(tokens, lexicon, Signal.OPT_OUT)
        if not any(breaks[i] for i in range(found.start + 1, found.end))
    ]
    leading_words = {found: _leading_stop_word(found, tokens, lexicon) for found in listed_stops}
    # "don't stop", "n'arrêtez pas", "don't cancel", "dont delete my number": a stop word, the
    # stop word opening a listed phrase, or the phrase, right after a negation in its clause.
    alone_words = find_all_everywhere(tokens, lexicon, Signal.OPT_OUT_ALONE)
    # "STOP არ მინდა, ისევ მომწერეთ" (I don't want STOP, write to me again), "vazhdoni te me
    # dergoni, mos beni STOP": a lone STOP refused beside it, and the messages asked for.
    mistakes = [m for m in matches if m.signal is Signal.MISTAKE]
    someone_else = _phrases_of(tokens, lexicon.someone_else)
    refused_beside = (
        _stop_refused_beside_a_request(
            listed_stops[0],
            [*refusing_words, *find_all_everywhere(tokens, lexicon, Signal.UNWANTED)],
            matches,
            breaks,
        )
        if len(listed_stops) == 1
        and not any(m.text == "?" for m in matches)
        # "ana ktabt STOP men ghir ma nqsed", "STOP no be me": a STOP said by mistake or
        # disowned is read by the rules of mistakes below.
        and not mistakes
        and not someone_else
        else []
    )
    negated_stops = tuple(
        dict.fromkeys(
            [
                *(
                    word
                    for word in [*leading_words.values(), *alone_words]
                    if _right_after_negation(word, negations, breaks)
                ),
                *refused_beside,
            ]
        )
    )

    def stops_nothing(found: Match) -> bool:
        leading = leading_words[found]
        if _asked_then_refused(found, tokens, matches):
            return True
        if within(found, not_stops) or within(leading, go_on):
            # "mos i ndaloni mesazhet" (don't stop the messages): its stop word is negated
            # ("stop worrying me" still stops, though "stop worrying" stops nothing).
            return True
        if (
            leading in negated_stops
            and leading.end - leading.start == 1
            and (
                leading is found
                or any(
                    n.end == leading.start
                    and _opens_its_clause(n.start, matches, breaks, after=_BUT)
                    for n in negations
                )
            )
        ):
            # "don't stop", "dont stop the messages pls"; "if you don't stop the messages" and
            # "you don't stop the messages, I will report you" still stop.
            return True
        return _about_elsewhere(found, elsewhere, matches, breaks)

    stop_words = [found for found in listed_stops if not stops_nothing(found)]
    stop_phrases = composed_opt_outs(tokens, lexicon, not_stops, breaks, forgetting, alone_words)
    # Words for removing are looked for only where there is an opt-out for them to negate.
    removals = (
        find_all_everywhere(tokens, lexicon, Signal.REMOVE)
        + find_all_everywhere(tokens, lexicon, Signal.REMOVE_ME)
        if stop_words or stop_phrases
        else []
    )

    # One's number or name, where the verb comes last: "ჩემი ნომერი არ წაშალოთ" (my number don't
    # delete).
    contacts = find_all_everywhere(tokens, lexicon, Signal.CONTACT) if removals else []

    def removal_negated(found: Match) -> bool:
        # "please don't remove my number", "my number, don't delete it": a negated word for
        # removing, opening its clause, asks to stay ("if you don't delete my number" does not
        # open it; "no, remove my number" and "no borren mi número" are no negation); so does
        # one right after one's number ("ჩემი ნომერი არ წაშალოთ", my number don't delete).
        return any(
            found.start <= r.start
            and r.end <= found.end
            and not breaks[r.start]
            and any(
                n.end == r.start
                and (
                    # "2, I can't come, but please don't remove my number"
                    _opens_its_clause(n.start, matches, breaks, after=_BUT)
                    or any(c.end == n.start for c in contacts)
                )
                for n in negations
            )
            for r in removals
        )

    # "How do I stop these if I want to later?", "ደው ከብሎ እንተደልየ እንታይ እየ ዝጽሕፍ?": a stop word
    # in a question that says "if I want" asks how to stop.
    hypotheticals = _phrases_of(tokens, lexicon.hypothetical)

    # "If I get a job and move away, how can I unsubscribe?": a bare "if" (section `condition`)
    # in the clause right before the stop word's, which asks the message's question with "how"
    # (section `asks_how`). An "if" inside "please" ("لو سمحت") sets no condition.
    please = _phrases_of(tokens, lexicon.please)
    conditions = _phrases_of(tokens, lexicon.condition)
    bare_ifs = [c for c in conditions if not any(overlaps(c, p) for p in please)]
    hows = _phrases_of(tokens, lexicon.asks_how)

    def hypothetical(found: Match) -> bool:
        return any(_asked_if_wanted(found, h, tokens, breaks) for h in hypotheticals) or any(
            _asked_under_condition(found, c, hows, tokens, breaks) for c in bare_ifs
        )

    listed = [found for found in stop_words if not removal_negated(found)]
    how_to_stop = [found for found in listed if hypothetical(found)]
    listed = [found for found in listed if found not in how_to_stop]
    # A composed opt-out counts where no listed one already stands ("no send me ... again").
    composed = [
        found
        for found in stop_phrases
        if not any(overlaps(found, other) for other in listed)
        # "na toshe lambar wani dan damfara" (I blocked a scammer's number).
        and not _about_elsewhere(found, elsewhere, matches, breaks)
        and not removal_negated(found)
    ]
    how_to_stop += [found for found in composed if hypothetical(found)]
    composed = [found for found in composed if found not in how_to_stop]
    whys = _phrases_of(tokens, lexicon.asks_why)
    # "why don't you stop?", "why can't you stop?": a negation, a "no", a one-word "can't".
    why_refusals = [
        *refusing_words,
        *(m for m in matches if m.signal in _REFUSALS and m.end - m.start == 1),
    ]
    asked_why = [
        found
        for found in [*listed, *composed]
        if any(
            _asked_why(
                found,
                why,
                tokens,
                breaks,
                matches,
                why_refusals,
                is_composed=found in composed,
            )
            for why in whys
        )
    ]
    # "STOP ምን ማለት ነው?", "STOP মানে কি?" (STOP means what?): a stop word right before a
    # question about its meaning that ends the message asks what it means.
    meanings = _phrases_of(tokens, lexicon.meaning) if listed else []
    asked_why += [
        found
        for found in listed
        if found.end - found.start == 1
        and found not in asked_why
        and _asked_what_it_means(found, meanings, tokens, ends or breaks)
    ]
    listed = [found for found in listed if found not in asked_why]
    composed = [found for found in composed if found not in asked_why]
    # "borren mi número viejo, este es el nuevo": the old number is to go, the person stays.
    olds = _phrases_of(tokens, lexicon.old) if listed or composed else []
    news = _phrases_of(tokens, lexicon.new) if olds else []
    number_changed = [
        found
        for found in [*listed, *composed]
        if news and any(_same_clause(found, old, breaks) for old in olds)
    ]
    listed = [found for found in listed if found not in number_changed]
    composed = [found for found in composed if found not in number_changed]
    # "remove me from Tuesday's list and put me on Friday", "sáquenme de la lista del martes y
    # pónganme el viernes": a removal from one day's list, then another day, moves the person.
    moved = _moved_to_another_day([*listed, *composed], matches, tokens, lexicon, breaks)
    listed = [found for found in listed if found not in moved]
    composed = [found for found in composed if found not in moved]
    opt_outs = [
        *(
            found
            for found in listed
            # "I said stop by mistake" is an opt-in phrase, and its "stop" no opt-out; read
            # across a comma it must end its clause ("STOP, by mistake I gave you my number"
            # stops).
            if not any(
                r.start <= found.start
                and found.end <= r.end
                and not _cut_short(r, matches, breaks, len(tokens))
                for r in requests
            )
        ),
        # A composed opt-out stands even inside an opt-in phrase: "بدي تشيلوني من الرسائل" (I
        # want you to remove me from the messages) is no "I want the messages".
        *composed,
    ]
    mistaken = [o for o in opt_outs if _said_by_mistake(o, mistakes, matches, breaks)]
    # "আমি আগে STOP লিখেছিলাম, এখন আবার মেসেজ চাই" (I wrote STOP before, now I want the messages
    # again): a STOP told as past, then a wish for the messages, asks for them like a STOP said
    # by mistake.
    earlier = _phrases_of(tokens, lexicon.earlier)
    still = _phrases_of(tokens, lexicon.still)
    # "mandei stop antes e voltei a receber os lembretes": sending told as done complains too.
    told_sending = sorted([*still, *_phrases_of(tokens, lexicon.sent)], key=lambda m: m.start)
    mistaken += [
        o
        for o in opt_outs
        if o not in mistaken and _told_as_past(o, earlier, told_sending, whys, matches, breaks)
    ]
    # "START again pls, my brother sent stop from my phone": a STOP right after a word for
    # typing or sending it is quoted, and beside a START it asks for the messages again.
    mistaken += [o for o in opt_outs if o not in mistaken and _quoted_beside_a_start(o, matches)]
    # "Restart my messages pls, the stop was my husband not me": a request for the messages that
    # opens the reply, then a lone stop word in a later clause, tells of the STOP.
    mistaken += [
        o for o in opt_outs if o not in mistaken and _told_after_a_request(o, matches, breaks)
    ]
    clause_starts = frozenset(
        index for index, match in enumerate(matches) if index and breaks[match.start]
    )
    exclaims = any(mark in plain for mark in "!\u00a1")
    # "Un amigo me pidió el celu y escribió Stop, no fui yo. START": a STOP told as typed, and
    # a plain request of its own closing or opening the message, asks for the messages again.
    # "Sama mag moo bind STOP. Ndax mën ngeen ma dugalaat ci liste bi?" (my brother wrote STOP,
    # can you put me back on the list?): the request may be asked, as the message's last words.
    unasked = plain.rstrip(" " + QUESTION_MARKS)
    asked_last = unasked != plain.rstrip() and not any(mark in unasked for mark in QUESTION_MARKS)
    if not whys and not told_sending and not exclaims and "\u00bf" not in plain:
        mistaken += [
            o
            for o in opt_outs
            if o not in mistaken
            and (asked_last or not any(mark in plain for mark in QUESTION_MARKS))
            and _quoted_beside_a_request(o, matches, breaks, clause_starts, asked=asked_last)
        ]
    # "bachem stop ra zada bud, lotfan mara dobara shamil kunin" (my child pressed stop, please
    # add me again): a STOP typed by someone else, then a plain request for the messages again.
    told = _ToldBySomeoneElse(
        others=someone_else,
        please=please,
        whys=whys,
        conditions=conditions,
        still=still,
        asks=asks,
        exclaims=exclaims,
    )
    mistaken += [
        o for o in listed if o not in mistaken and _typed_by_someone_else(o, told, matches, breaks)
    ]
    # "3afak 3awdo sifto lia les messages, ghlat w sifet stop" (please send me the messages
    # again, I sent stop by mistake): a lone stop word, a word for a mistake anywhere and a
    # request for the messages, and nothing else that stops, refuses or asks.
    if len(opt_outs) == 1 and not whys and not still:
        mistaken += [
            o
            for o in opt_outs
            if o not in mistaken and _mistaken_beside_a_request(o, matches, breaks)
        ]
    kept = [o for o in opt_outs if o not in mistaken]
    # "puse baja sin querer, vuelvan a activarme" (I put BAJA by mistake, activate me again): a
    # stop word of section `opt_out_alone` said by mistake asks for the messages too.
    alone_by_mistake = [
        m
        for m in matches
        if m.signal is Signal.OPT_OUT_ALONE
        and _said_by_mistake(m, mistakes, matches, breaks)
        # ... when the messages are asked for: "i typed quit by mistake" asks for nothing.
        and any(
            x.signal in (Signal.OPT_IN, Signal.AGAIN, Signal.ADD_ME) and x.start >= m.end
            for x in matches
        )
    ]
    # "ভুল করে বন্ধ লিখেছিলাম, আবার মেসেজ পাঠান" (I wrote STOP by mistake, send the messages
    # again): a stop phrase that opens with that stop word is said by mistake with it.
    opening = [o for o in kept if any(a.start == o.start for a in alone_by_mistake)]
    kept = [o for o in kept if o not in opening]
    mistaken += [*alone_by_mistake, *opening]
    negators = _negators(tokens, lexicon)
    # "na pohedam" (I don't understand) asks for help; "os pohedam, sta na manana" (now I
    # understand, thank you) does not: a negation across a clause break negates something else.
    not_understood = [
        word
        for word in find_all_everywhere(tokens, lexicon, Signal.UNDERSTAND)
        if any(
            _near(word, negator, NO_GAP) and _same_clause(word, negator, breaks)
            for negator in negators
        )
    ]
    night = tuple(
        m
        for m in matches
        if m.signal is Signal.TIME and tuple(tokens[m.start : m.end]) in lexicon.night
    )
    events = tuple(m for m in matches if m.signal is Signal.EVENT)
    waiting = tuple(
        m
        for m in matches
        if m.signal is Signal.ATTENDED_NO and tuple(tokens[m.start : m.end]) in lexicon.waiting
    )
    times = [m for m in matches if m.signal is Signal.TIME]
    habitual = find_all_everywhere(tokens, lexicon, Signal.HABITUAL) if times else []
    since = tuple(m for m in times if any(h.start == m.start and h.end <= m.end for h in habitual))
    refusals = [
        *refusing_words,
        # "didn't", "never": a one-word "not yet" is a negation too.
        *(m for m in matches if m.signal in _REFUSALS and m.end - m.start == 1),
    ]
    # "ki korte hobe bujhi nai" (what to do, I didn't understand): a negation of understanding
    # says nothing about the help.
    refusals = [n for n in refusals if not any(_near(n, u, 0) for u in not_understood)]
    help_not_given = tuple(
        m
        for m in matches
        if m.signal is Signal.HELP
        # "مرسته یې ونه کړه" (help they did not do): a pronoun may stand before the negation;
        # "me ndihmoni pak, nuk di si..." (help me a little, I don't know how...): a negation
        # after a comma negates something else.
        # "ba su taimaka min" (not they help me): a pronoun, a word no keyword knows, may stand
        # between the negation and the help ("no pls help me" still asks for it).
        and any(
            (
                n.end == m.start
                or (n.end == m.start - 1 and _unknown_word_at(matches, n.end))
                or m.end <= n.start <= m.end + 1
            )
            and _same_clause(m, n, breaks)
            for n in refusals
        )
        and not within(m, not_understood)
    )
    return Reading(
        tuple(matches),
        tuple(kept),
        tuple(mistaken),
        tuple(not_understood),
        clause_starts,
        night,
        events,
        help_not_given,
        since,
        waiting,
        go_on,
        negated_stops,
        tuple(how_to_stop),
        tuple(hypotheticals),
        tuple(_phrases_of(tokens, lexicon.asks_when)),
        frozenset(i for i, match in enumerate(matches) if i and ends and ends[match.start]),
        tuple(conditions),
        tuple(asked_why),
        tuple(whys),
        tuple(number_changed),
        _requests_not_to_forget(refusing_words, forgetting, breaks),
        _messages_within(tokens, lexicon, [m for m in matches if m.signal is Signal.NEUTRAL]),
        tuple(
            m
            for m in matches
            if m.signal is Signal.HELP and tuple(tokens[m.start : m.end]) in lexicon.cannot_read
        ),
        _heading(plain, lexicon),
        tuple(moved),
        tuple(
            m
            for m in matches
            if m.signal is Signal.NEUTRAL and tuple(tokens[m.start : m.end]) in lexicon.proxy
        ),
        tuple(told_sending),
        tuple(told.please),
        tuple(_phrases_of(tokens, lexicon.enough)),
    )


#: The most words a heading before a colon may hold ("Clínica San Rafael:", "Partner:").
HEADING_WORDS = 5
_HEADING_COLON = re.compile(r"(?<=[^\W\d])\s*:\s")


def _heading(text: str, lexicon: Lexicon) -> int:
    """How many words stand before a colon that ends a heading near the start of the message
    ("Sunrise Clinic: the client registered but has not come"), or 0: a colon after a digit is
    a time ("10:30"), and a heading leads something."""
    found = _HEADING_COLON.search(text)
    if found is None or not text[found.end() :].strip():
        return 0
    words = len(lexicon.words(text[: found.start()]))
    return words if 0 < words <= HEADING_WORDS else 0


def _messages_within(
    tokens: list[str], lexicon: Lexicon, phrases: list[Match]
) -> tuple[Match, ...]:
    """The words for the messages inside `phrases` (none looked for when there are none)."""
    if not phrases:
        return ()
    words = find_all_everywhere(tokens, lexicon, Signal.MESSAGES)
    return tuple(word for word in words if within(word, phrases))


def _requests_not_to_forget(
    negations: list[Match], forgetting: list[Match], breaks: list[bool]
) -> tuple[Match, ...]:
    """The spans of "don't forget" requests: a negation (or a "no": "لا تنسوا") before a word for
    forgetting, at most one word between them ("wota on yejjit", don't you forget), or right
    after it ("oubliez pas"), in one clause."""
    return tuple(
        Match(min(n.start, f.start), max(n.end, f.end), None, "")
        for f in forgetting
        for n in negations
        # "oubliez pas d'envoyer l'adresse": the negation may follow the word for forgetting.
        if (overlaps(n, f) or 0 <= f.start - n.end <= 1 or n.start == f.end)
        and _same_clause(n, f, breaks)
    )


#: How many words may stand between the two halves of a composed opt-out or help request:
#: a negation and the verb it negates ("kar ku sake turo", "don't you send"), a "no" and the verb
#: ("no me manden"), "remove" and "my number"; between "don't want" / "enough" and the messages.
NEGATION_GAP = 2
NO_GAP = 1
#: "remove my number", "dindi ma ci liste" (remove me from the list), "ittu kam e liste", "ee
#: shomara ra az whatsapp tan pak konin" (this number from your WhatsApp remove).
REMOVE_GAP = 3
#: "amar number ke dilo apnader? delete koren" (who gave you my number? delete it): a question
#: about one's number, then a word for removing opening the next clause. How many words may
#: stand between the number and the question mark, and between the mark and the verb.
ASKED_ABOUT_NUMBER_GAP = 5
REMOVE_AFTER_QUESTION_GAP = 1
UNWANTED_GAP = 3


#: How many words may stand between a "no" that negates a stop word and the messages it names:
#: "no paren los recordatorios", "abeg no stop the reminders".
NOT_STOP_MESSAGES_GAP = 2


def not_stop_words(tokens: list[str], lexicon: Lexicon, breaks: list[bool]) -> list[Match]:
    """The phrases of `not_stop` that hold: a stop word in another sense ("bus stop", "stop by",
    "j'ai arrêté de travailler") or negated by a language's "no" ("no paren", "não parem",
    "لا توقفوا"), with no clause break inside ("no, paren" stays an opt-out). A phrase led by a
    word for "no" holds only when the messages follow it ("no paren los recordatorios"): a "no
    stop" alone may be "no. stop"."""
    # The messages, or a word for sending them: "abeg no stop to dey remind me".
    messages = find_all_everywhere(tokens, lexicon, Signal.MESSAGES) + find_all_everywhere(
        tokens, lexicon, Signal.SEND
    )
    # "stop by mistake", "j'ai arrêté par erreur": a STOP said by mistake, not "stop by" the
    # office or "I stopped working".
    requests = find_all_everywhere(tokens, lexicon, Signal.OPT_IN)
    mistakes = find_all_everywhere(tokens, lexicon, Signal.MISTAKE)
    held: list[Match] = []
    for found in find_all_everywhere(tokens, lexicon, Signal.NOT_STOP):
        if any(breaks[index] for index in range(found.start + 1, found.end)):
            continue
        if any(overlaps(m, found) for m in requests + mistakes):
            continue
        if any(_near(found, m, 1) for m in mistakes):
            continue
        first = lexicon.lookup(tokens[found.start : found.start + 1], 0)
        if (
            first is not None
            and first[1] == Signal.NO.value
            and not any(
                (
                    0 <= m.start - found.end <= NOT_STOP_MESSAGES_GAP
                    and _same_clause(found, m, breaks)
                )
                # "no cancelen los mensajes": the messages inside the phrase itself.
                or (found.start < m.start and m.end <= found.end)
                for m in messages
            )
        ):
            continue
        held.append(found)
    return held


def _dont_forget(
    matches: list[Match], forgetting: list[Match], tokens: list[str], breaks: list[bool]
) -> list[Match]:
    """`matches` with each "no" right beside a word for forgetting made one negation with it:
    "لا تنسوا", "no se olviden", "não esqueçam", "no forget" are a "don't forget", like the
    English one: no answer "no" ("لا تنسوا ترسلولي العنوان" declines nothing), and beside a yes
    a negation whose scope is unclear, as before."""
    merged = list(matches)
    for f in forgetting:
        for m in merged:
            if m.signal is not Signal.NO:
                continue
            if not (overlaps(m, f) or m.end == f.start or f.end == m.start):
                continue
            if not _same_clause(m, f, breaks):
                continue
            span = Match(min(m.start, f.start), max(m.end, f.end), None, "")
            merged = _merged(merged, span, Signal.NEGATION, tokens)
            break
    return merged


def _merge_not_stops(
    matches: list[Match], not_stops: list[Match], tokens: list[str]
) -> list[Match]:
    """`matches` with each phrase of `not_stops` and the matches it overlaps made one `not_stop`
    match, so that no rule reads its words apart ("abeg no" + "stop" is no "no")."""
    merged = list(matches)
    for phrase in not_stops:
        merged = _merged(merged, phrase, Signal.NOT_STOP, tokens)
    return merged


def _merged(matches: list[Match], span: Match, signal: Signal, tokens: list[str]) -> list[Match]:
    """`matches` with the ones that overlap `span` made one match of `signal` that covers them
    all (`matches` itself when none does)."""
    inside = [m for m in matches if overlaps(m, span)]
    if not inside:
        return matches
    start = min(span.start, *(m.start for m in inside))
    end = max(span.end, *(m.end for m in inside))
    first = matches.index(inside[0])
    one = Match(start, end, signal, " ".join(tokens[start:end]))
    return [*matches[:first], one, *matches[first + len(inside) :]]


def within(match: Match, others: Sequence[Match]) -> bool:
    """Whether `match` lies inside one of `others`."""
    return any(o.start <= match.start and match.end <= o.end for o in others)


def composed_opt_outs(
    tokens: list[str],
    lexicon: Lexicon,
    not_stops: list[Match] | None = None,
    breaks: list[bool] | None = None,
    forgetting: list[Match] | None = None,
    alone: list[Match] | None = None,
) -> list[Match]:
    """Opt-outs composed from classes of words rather than listed as phrases, in any order:

    - a word for sending with a negation or a "no" beside it: "don't send", "ne m'envoyez plus",
      "no me manden", "পাঠাবেন না", "ნუ მიგზავნით"; a negation right before a word for the
      messages ("don't message me", "dont sms");
    - a "don't want / no more / enough" word, or a word that stops only when alone ("cancel",
      "daina", "bondho"), near a word for the messages or for sending: "I don't want your
      messages", "payam namikhaym", "بكفي رسايل", "mesaasji mi yiɗaa", "cancel the texts";
    - a word for removing beside a word for one's number or name: "remove my number",
      "আমার নাম্বার মুছে ফেলুন", "hiqeni numrin tim", "dindi ma ci liste"; CANCEL or END right
      before it ("end my subscription"), or a "don't want" word right beside it ("ya no necesito
      este servicio");
    - a "don't want / enough" word opening the clause after the one that names the messages and
      ending its own ("messages every day, enough now"); "remove me" beside a "don't want" word
      or opening the clause after it ("I no dey interested again, remove me");
    - a request to remove the sender ("take me off", "شيلوني", "আমাকে বাদ দিন") near a word for
      the messages: "take me off these messages", "شيلوني من الرسايل", "ከነዚህ መልእክቶች
      አውጡኝ"; a mere word for deleting is not enough there ("I deleted your message");
    - a wish (section `wish`) with a negation or a "no" beside it, near a word for the messages:
      "I do not wish to receive messages", "je ne veux recevoir aucun message".

    A negation composes only within its clause: "ban gane sakon ba, me zan rubuta?" (I don't
    understand the message, what should I write?) stops nothing.

    `alone`: the words that stop only when alone, when the caller found them already.
    """

    def find(signal: Signal) -> list[Match]:
        return find_all_everywhere(tokens, lexicon, signal)

    sending = find(Signal.SEND)
    messages = find(Signal.MESSAGES)
    unwanted = find(Signal.UNWANTED)
    if alone is None:
        alone = find(Signal.OPT_OUT_ALONE)
    remove_me = find(Signal.REMOVE_ME)
    removing = find(Signal.REMOVE) + remove_me
    wishes = find(Signal.WISH)
    # One's number, name or the list; "wrong number" names the number too ("wrong number,
    # delete it", "رقم غلط، احذفوه": the verb removes the number that is not the sender's).
    numbers = find(Signal.CONTACT) + find(Signal.WRONG_NUMBER)
    understood = find_everywhere(tokens, lexicon, Signal.UNDERSTAND)
    # "dert stop bla ma nqsed" (I did stop without meaning to), "te bëgguma ko woon" (and I
    # did not mean it): a negation or "don't want" inside a phrase for "by mistake" composes
    # nothing.
    mistakes = find(Signal.MISTAKE)
    # "ban fahimci sakon ba" (I don't understand the message): a negation of understanding
    # negates no wish and no word for sending.
    negations = [
        n
        for n in find_everywhere(tokens, lexicon, Signal.NEGATION, breaks)
        if not within(n, mistakes) and not any(_near(n, u, 0) for u in understood)
    ]
    noes = [n for n in find_everywhere(tokens, lexicon, Signal.NO) if not within(n, mistakes)]
    # "you didn't send me the address", "vous ne m'avez pas envoyé le rappel", "ba ku turo min
    # adireshin ba", "I did not receive your messages": a negation that tells what did not happen
    # forbids no sending; only the others negate a word for sending, the messages or a wish.
    told = _phrases_of(tokens, lexicon.not_done)
    forbidding = [n for n in negations if not within(n, told)]
    forbidding_noes = [n for n in noes if not within(n, told)]
    # "Don't stop sending", "bul noppi yónnee", "hoto accu rappel": a negated stop word asks for
    # the messages to go on; it composes no opt-out.
    # The stop word opening a listed phrase counts too: "don't stop sending me the reminders"
    # ("stop sending" is listed) is no "don't" + "sending".
    negated_stops = [
        word
        for word in (_leading_stop_word(w, tokens, lexicon) for w in alone + find(Signal.OPT_OUT))
        if _negated_stop_word(word, negations)
    ]

    def negated_stop_between(one: Match, other: Match) -> bool:
        start, end = min(one.start, other.start), max(one.end, other.end)
        return any(start <= word.start and word.end <= end for word in negated_stops)

    def one_clause(one: Match, other: Match) -> bool:
        # "ban gane sakon ba, me zan rubuta?" (I don't understand the message, what should I
        # write?): the negation closes the clause before; it negates no word for sending after
        # the comma.
        return breaks is None or _same_clause(one, other, breaks)

    answers = [m for signal in STATEMENTS for m in find(signal)]

    def closes_its_clause(word: Match) -> bool:
        # "..., I don't want them anymore", "..., I don't need it any more": a second "no more"
        # phrase right after closes the clause for it; the pronoun is in the phrase ("them
        # anymore"), so "I don't want Monday anymore" judges the day, not the messages.
        return _ends_its_clause(tokens, word, breaks) or any(
            other.start == word.end
            and one_clause(word, other)
            and _ends_its_clause(tokens, other, breaks)
            for other in unwanted
        )

    def answered_between(one: Match, other: Match) -> bool:
        start, end = min(one.end, other.end), max(one.start, other.start)
        return any(start <= a.start and a.end <= end for a in answers)

    def asked_between(one: Match, other: Match) -> bool:
        # "¿me pueden reenviar los avisos? No quiero perder otra cita": a "?" closes the
        # question that names the messages; a "don't want" after it judges something else
        # unless it ends its clause ("los mensajes? no quiero").
        start, end = min(one.end, other.end), max(one.start, other.start)
        return "?" in tokens[start:end]

    # "¿Quién me escribe? No tengo ninguna cita": a word for sending inside a help phrase (who
    # writes, what to send) is no sending a "no" after it could forbid.
    help_phrases = find(Signal.HELP)

    def beside(one: Match, other: Match, gap: int) -> bool:
        return _near(one, other, gap) and one_clause(one, other)

    if forgetting is None:  # the words for forgetting, unless the caller found them already
        forgetting = _phrases_of(tokens, lexicon.forget)

    def forgetting_negated(negation: Match, word: Match) -> bool:
        # "don't forget to send me the address", "لا تنسوا ترسلولي العنوان", "পাঠাতে ভুলবেন না",
        # "n'oubliez pas de m'envoyer", "አትርሱ": a negation right beside (or inside) a word for
        # forgetting negates the forgetting, not a word for sending or a wish in its clause;
        # "don't send me anything, forget my number" still stops (the verb stands between).
        def beyond(f: Match) -> bool:
            return (negation.end <= word.start and word.end <= f.start) or (
                f.end <= word.start and word.end <= negation.start
            )

        return any(
            (overlaps(f, negation) or f.start == negation.end or f.end == negation.start)
            and not overlaps(f, word)
            and not beyond(f)
            and one_clause(f, negation)
            for f in forgetting
        )

    def negates(word: Match, negation: Match, gap: int) -> bool:
        return beside(word, negation, gap) and not forgetting_negated(negation, word)

    def answers_a_question_before(no: Match, word: Match) -> bool:
        # "stop sending? no, I will come": a "no" right after a "?", then words that keep the
        # messages or answer as one who keeps them, answers the question; it forbids no word
        # for sending or wish before it ("send more? no" and "stop sending? no, don't" still
        # stop).
        if not (no.start > 0 and tokens[no.start - 1] == "?" and word.end < no.start):
            return False
        words = [m for signal in (*_GOING_ON, *_REFUSING_MORE) for m in find(signal)]
        return _keeps_the_messages([m for m in words if m.start > no.start])

    pairs: list[tuple[Match, Match]] = [
        *((s, n) for s in sending for n in forbidding if negates(s, n, NEGATION_GAP)),
        # "2... a'a ku rubuta 1" (2... no, write 1): a "no" before a word for writing the
        # option that ends the clause after it corrects the answer, it forbids nothing ("no
        # send 2 me", to me, still stops).
        *(
            (s, n)
            for s in sending
            for n in forbidding_noes
            if negates(s, n, NO_GAP)
            and not _option_closes(tokens, s.end, breaks)
            and not answers_a_question_before(n, s)
            and not within(s, help_phrases)
        ),
        *((m, n) for m in messages for n in forbidding if m.start == n.end),
        *(
            (m, u)
            for m in sending + messages
            for u in unwanted + alone
            # Across a comma only when the word ends its clause ("cdo dite mesazhe... boll ma, u
            # lodha"); "renvoyez les messages svp, je veux plus rater les rdv" (I don't want to
            # miss the appointments any more) says what is not wanted after it.
            if _near(m, u, UNWANTED_GAP)
            and (
                (one_clause(m, u) and not asked_between(m, u))
                # ... and no answer stands between: "recibí el mensaje, no puedo ir, cancela"
                # cancels the appointment it declined.
                or (closes_its_clause(u) and not answered_between(m, u))
            )
        ),
        *((c, r) for c in numbers for r in removing if _near(c, r, REMOVE_GAP)),
        # "ya no necesito este servicio", "I don't want this service any more": a "don't want /
        # no more" word beside the service, one's subscription or one's number.
        *((c, u) for c in numbers for u in unwanted if beside(c, u, NO_GAP)),
        # "end my subscription", "cancel my registration": a word that stops only when alone
        # (CANCEL, END) right before one's number, name, list or subscription.
        *((c, a) for c in numbers for a in alone if 0 <= c.start - a.end <= 1 and one_clause(a, c)),
        # ... or right after it, where the verb comes last: "ای خدمات ره بند کنین", "دا خدمت بند
        # کړئ", "এই সার্ভিস বাতিল করেন" (this service cancel).
        *((c, a) for c in numbers for a in alone if a.start == c.end and one_clause(a, c)),
        # "Who gave you my number? delete it", "chemi nomeri vin mogcat? washalet": the verb
        # removes the number the question was about, wherever that question puts it.
        *(
            (c, r)
            for c in numbers
            for r in removing
            if _removes_the_number_asked_about(tokens, c, r)
            or _opens_the_clause_after(c, r, breaks, one_clause_between=True)
        ),
        # "messages every day every day, enough now", "كل يوم رسائل، خلاص تعبت": a "no more /
        # enough" word opening the clause right after the one that names the messages.
        *(
            (m, u)
            for m in messages
            for u in unwanted + alone
            if _opens_the_clause_after(m, u, breaks) and closes_its_clause(u)
        ),
        # "I no dey interested again, remove me", "nuk jam ma i interesuem, hiqmëni": "remove me"
        # beside a "don't want / no more" word, or opening the clause after it.
        *(
            (u, r)
            for u in unwanted
            for r in remove_me
            if _near(u, r, UNWANTED_GAP) or _opens_the_clause_after(u, r, breaks)
        ),
        # "Remove me" (not "I deleted the message") near the messages.
        *((m, r) for m in messages for r in remove_me if _near(m, r, UNWANTED_GAP)),
        # A negated wish near the messages: "I do not wish to receive messages", "ne veux
        # recevoir aucun message", "نمیخواهم پیام دریافت کنم".
        *(
            (m, w)
            for m in messages
            for w in wishes
            if _near(m, w, UNWANTED_GAP)
            # "I don't get this message": a word for understanding, not for receiving.
            and not within(w, understood)
            and (
                any(negates(w, n, NEGATION_GAP) for n in forbidding)
                or any(
                    negates(w, n, NO_GAP) and not answers_a_question_before(n, w)
                    for n in forbidding_noes
                )
            )
        ),
    ]
    found: list[Match] = []
    for one, other in pairs:
        if negated_stop_between(one, other):
            continue
        if within(one, mistakes) or within(other, mistakes):
            continue
        gap_start, gap_end = min(one.end, other.end), max(one.start, other.start)
        if any(gap_start <= m.start and m.end <= gap_end for m in mistakes):
            # "puse baja x error sigan mandando" (I put BAJA by mistake, keep sending): the
            # mistake between them judges the stop word.
            continue
        if not_stops and (within(one, not_stops) or within(other, not_stops)):
            # "রিমাইন্ডার বন্ধ করবেন না", "kada ku daina sako": the stop word is negated.
            continue
        start, end = min(one.start, other.start), max(one.end, other.end)
        found.append(Match(start, end, Signal.OPT_OUT, " ".join(tokens[start:end])))
    return found


#: How many words may stand between a stop word and the "if I want" it is asked with.
HYPOTHETICAL_GAP = 6


def _asked_if_wanted(found: Match, wanted: Match, tokens: list[str], breaks: list[bool]) -> bool:
    """Whether the stop word `found` is asked about with "if I want" (`wanted`): both near each
    other in one clause, and the message ends with a question, the first of which that clause or
    the next one asks ("how do I stop these if I want to later?", "nëse shkruaj STOP, a humbas
    takimin?": if I write STOP, do I lose the appointment?). "STOP if I want them again I'll text
    START" asks nothing and stops; in "if i send stop will it work? STOP" the STOP after the "?"
    stops. A condition may also make the clause before the stop word's: "Y si un día ya no
    quiero los avisos, ¿cómo hago para que paren?" (and if one day I don't want the notices any
    more, how do I make them stop?)."""
    if _same_clause(found, wanted, breaks):
        if not (_near(found, wanted, HYPOTHETICAL_GAP) or overlaps(found, wanted)):
            return False
    elif not (wanted.end <= found.start and _breaks_between(wanted.end, found.start, breaks) == 1):
        return False
    if tokens[-1] != "?":
        return False
    start = max(found.end, wanted.end)
    asked = tokens.index("?", start)
    return sum(breaks[start : asked + 1]) <= 1


def _asked_under_condition(
    found: Match, condition: Match, hows: list[Match], tokens: list[str], breaks: list[bool]
) -> bool:
    """Whether the stop word `found` is asked about under a condition: a bare "if" (section
    `condition`) in the clause right before the stop word's, and the stop word's own clause asks
    the message's last question with a word of section `asks_how` ("if i get a job and move
    away, how can i unsubscribe?", "إذا لم أعد بحاجة إليها يوماً ما، كيف أوقف الرسائل؟"). "If
    possible, can you stop the messages?" asks for it now and stops; so does "If you text again
    I'll report you. STOP"."""
    if tokens[-1] != "?" or condition.end > found.start:
        return False
    if _breaks_between(condition.end, found.start, breaks) != 1:
        return False
    asked = tokens.index("?", found.end)
    if any(breaks[found.end : asked]):
        return False
    return any(
        _same_clause(how, found, breaks) and condition.end <= how.start < asked for how in hows
    )


def _asked_then_refused(found: Match, tokens: list[str], matches: list[Match]) -> bool:
    """ "stop? no, keep sending", "parar? não, continuem mandando", "ndalo? jo": a stop word
    asked back as a question, then a bare no right after the question mark; "STOP? no more
    messages!" (an opt-out phrase after it) still stops. Words for the messages, or words no
    keyword knows, may stand between the stop word and its "?" ("arrêter les messages ? non, je
    viendrai", "stop texting me? no, I'll come")."""
    asked = found.end
    while asked < len(tokens) and tokens[asked] != "?" and asked - found.end < _ASKED_BACK_GAP:
        asked += 1
    if asked >= len(tokens) or tokens[asked] != "?":
        return False
    if any(
        found.end <= m.start < asked and m.signal not in (None, Signal.MESSAGES) for m in matches
    ):
        return False
    no = next((m for m in matches if m.start == asked + 1 and m.signal is Signal.NO), None)
    if no is None:
        return False
    # What follows the no must ask for the messages ("keep sending", "continuez à envoyer"),
    # not refuse them ("stop? no, i dont want them", "stop? no thanks").
    return _keeps_the_messages([m for m in matches if m.start >= no.end])


def _keeps_the_messages(after: list[Match]) -> bool:
    """What follows "stop? no" asks for the messages or answers as one who keeps them, and
    refuses nothing."""
    return any(m.signal in _GOING_ON for m in after) and not any(
        m.signal in _REFUSING_MORE for m in after
    )


#: How many words may stand between a stop word and the "?" that asks it back.
_ASKED_BACK_GAP = 2
#: Words that ask for the messages to go on after "stop? no", or answer as someone who
#: keeps them ("stop the messages? no, I will come", "stop? no, I went on Monday").
_GOING_ON = frozenset(
    {Signal.SEND, Signal.AGAIN, Signal.OPT_IN, Signal.CONFIRM, Signal.ATTENDED_YES}
)
#: Words that refuse the messages after "stop? no".
_REFUSING_MORE = frozenset(
    {
        Signal.NO,
        Signal.NEGATION,
        Signal.UNWANTED,
        Signal.REMOVE,
        Signal.REMOVE_ME,
        Signal.OPT_OUT,
        Signal.OPT_OUT_ALONE,
    }
)


def _asked_why(
    found: Match,
    why: Match,
    tokens: list[str],
    breaks: list[bool],
    matches: list[Match],
    refusals: list[Match],
    *,
    is_composed: bool,
) -> bool:
    """Whether the stop word (or phrase) `found` is asked about with the question word `why`,
    in one question: both in one clause, no question mark between them, and one ending that
    clause after both ("why did the messages stop?", "pse nuk më dërgoni më mesazhe?",
    "আপনারা মেসেজ পাঠানো বন্ধ করলেন কেন?").

    A "why" before the stop must open its clause ("that's why I want you to stop?" stops), and
    no negation may stand before a listed stop word ("why don't you just stop sending me
    messages?", "why can't you stop?" ask for it) or right before a composed one ("why you no
    remove my number?"); further before a composed one it tells what does not happen ("why am
    I not getting the messages anymore?"). A "why" after the stop must end the question, and
    the stop must not open its clause: "আপনারা ... বন্ধ করলেন কেন?" asks, while "stop texting
    me why do you have my number?", "stop why?" and "ku daina turo min sako me yasa?" give an
    order and complain. Across a question mark ("why do you text me? stop texting me?") or a
    clause break, or without a question mark, the stop stands."""
    if overlaps(found, why) or not _same_clause(found, why, breaks):
        return False
    first, second = (why, found) if why.end <= found.start else (found, why)
    if "?" in tokens[first.end : second.start]:
        return False
    if "?" not in tokens[second.end :]:
        return False
    asked = tokens.index("?", second.end)
    if any(breaks[second.end : asked + 1]):
        return False
    if first is why:
        if not _opens_its_clause(why.start, matches, breaks):
            return False
        between = [n for n in refusals if why.end <= n.start and n.end <= found.start]
        if is_composed:
            between = [n for n in between if found.start - n.end <= NO_GAP]
        return not between
    # The "why" ends the question; the stop is told, not ordered.
    return asked == why.end and not _opens_its_clause(found.start, matches, breaks)


#: What may follow an opt-in phrase read across a comma in its clause: thanks, apologies and
#: the wish that the messages go on ("stop, by mistake sorry", "stop, par erreur merci de
#: continuer").
_AFTER_A_MISTAKE = frozenset(
    {*FILLER, Signal.OPT_IN, Signal.AGAIN, Signal.SEND, Signal.MESSAGES, Signal.MISTAKE}
)


def _cut_short(phrase: Match, matches: list[Match], breaks: list[bool], length: int) -> bool:
    """Whether `phrase` runs across a clause break and its clause goes on after it with
    something of its own: "STOP, by mistake I gave you my number" holds "stop by mistake" in no
    clause of its own; "stop, by mistake sorry", "stop, by mistake please ignore" do (one word
    no keyword knows may stand there)."""
    if not any(breaks[i] for i in range(phrase.start + 1, phrase.end) if i < len(breaks)):
        return False
    end = next((i for i in range(phrase.end, length) if i < len(breaks) and breaks[i]), length)
    rest = [m for m in matches if phrase.end <= m.start < end]
    unknown = [m for m in rest if m.is_plain_unknown]
    return len(unknown) > 1 or any(
        m.signal not in _AFTER_A_MISTAKE for m in rest if not m.is_plain_unknown and m.text != "?"
    )


def _asked_what_it_means(
    found: Match, meanings: list[Match], tokens: list[str], breaks: list[bool]
) -> bool:
    """Whether a question about the meaning of a word (section `meaning`) follows the stop word
    `found` right after it, in its sentence (`breaks`: sentence breaks in a question, clause
    breaks otherwise), and ends the message: "STOP ምን ማለት ነው?", "STOP, ça veut dire quoi ?";
    "STOP! What does it mean?" orders, then asks; "STOP what does it mean? I didn't ask for
    this" (a review) and "STOP what does it mean to you, stop texting me" go on, and stop."""
    return any(
        m.start == found.end
        and not (m.start < len(breaks) and breaks[m.start])
        and tokens[m.end :] in ([], ["?"])
        for m in meanings
    )


def overlaps(one: Match, other: Match) -> bool:
    """Whether two runs of words share a word."""
    return one.start < other.end and other.start < one.end


def _removes_the_number_asked_about(tokens: list[str], number: Match, remove: Match) -> bool:
    """Whether `remove` opens the clause right after a question that holds `number`: "zama
    number chata darkaray? pak ye kai" (who gave you my number? delete it)."""
    marks = [
        index
        for index in range(number.end, remove.start)
        if tokens[index] == "?"
        and index - number.end <= ASKED_ABOUT_NUMBER_GAP
        and remove.start - index - 1 <= REMOVE_AFTER_QUESTION_GAP
    ]
    return bool(marks) and "?" not in tokens[number.end : marks[-1]]


#: Words that may follow "enough" in its clause: "enough now", "خلاص تعبت" (enough, I'm tired).
ENOUGH_TAIL_WORDS = 1


def _ends_its_clause(tokens: list[str], word: Match, breaks: list[bool] | None) -> bool:
    """Whether at most one word follows `word` before the next clause break or the end: "enough
    now" judges what came before; "je veux plus rater les rdv" (I don't want to miss any more
    appointments) says what is not wanted after it."""
    end = len(tokens)
    if breaks is not None:
        end = next((i for i in range(word.end, len(tokens)) if i < len(breaks) and breaks[i]), end)
    return end - word.end <= ENOUGH_TAIL_WORDS


#: The words a clause between one's number and the word that removes it may have, and the
#: words (politeness: "washalet gtxovt") that may follow that word.
BETWEEN_CLAUSE_WORDS = 8
AFTER_LAST_VERB_WORDS = 1


def _opens_the_clause_after(
    number: Match, remove: Match, breaks: list[bool] | None, *, one_clause_between: bool = False
) -> bool:
    """Whether `remove` opens the clause right after the clause that names `number` (or the
    messages): "ای نمبر از مه نیس، پاکش کنین" (this number is not mine, delete it), "ezi number
    nateye aykonen, ketsefuwo": the verb removes the number that clause was about; "messages
    every day, enough now": the word for "enough" judges the messages that clause named. With
    `one_clause_between` (one's number and a word for removing), one short clause may stand
    between them when the verb ends the message: "es chemi dzmis nomeria, is ukve aq ar
    cxovrobs, washalet" (this is my brother's number, he doesn't live here any more, delete it)."""
    if breaks is None or remove.start < number.end:
        return False
    cuts = [i for i in range(number.end, remove.start + 1) if breaks[i]]
    if len(cuts) == 2:
        ends_the_message = len(breaks) - remove.end <= AFTER_LAST_VERB_WORDS and not any(
            breaks[remove.end :]
        )
        if not (
            one_clause_between and ends_the_message and cuts[1] - cuts[0] <= BETWEEN_CLAUSE_WORDS
        ):
            return False
    elif len(cuts) != 1:
        return False
    return (
        cuts[0] - number.end <= ASKED_ABOUT_NUMBER_GAP
        and remove.start - cuts[-1] <= REMOVE_AFTER_QUESTION_GAP
    )


def _negated_stop_word(
    opt_out: Match, negations: list[Match], breaks: list[bool] | None = None
) -> bool:
    """A one-word opt-out ("stop", "arrêtez") with a negation right before it: "don't stop".

    Only right before, in the same clause: "not interested, stop" and "እኔ አይደለሁም፣ አቁሙ" (I am
    not the one, stop) stay opt-outs.
    """
    return opt_out.end - opt_out.start == 1 and _right_after_negation(opt_out, negations, breaks)


#: How far a refusal may stand from a lone STOP it refuses: one word before ("mos beni STOP",
#: don't do STOP), two after ("STOP করবেন না", STOP do not).
REFUSED_STOP_BEFORE = 1
REFUSED_STOP_AFTER = 2


def _stop_refused_beside_a_request(
    stop: Match, refusals: list[Match], matches: list[Match], breaks: list[bool]
) -> list[Match]:
    """A one-word stop keyword with a negation, a "no" or a "don't want" close beside it in its
    clause ("STOP არ მინდა", "STOP مه کوئ", "mos beni STOP"), and a request for the messages
    elsewhere in the reply: an opt-in phrase ("ისევ მომწერეთ", write to me again), or a wish
    beside the messages. The STOP is refused, not said: the reply wishes the messages to go on.
    Another stop word or phrase keeps it an opt-out (the caller reads only a lone one)."""
    if stop.end - stop.start != 1:
        return []
    refused = [
        r
        for r in refusals
        if not overlaps(r, stop)
        and _same_clause(r, stop, breaks)
        and (
            0 <= stop.start - r.end <= REFUSED_STOP_BEFORE
            or 0 <= r.start - stop.end <= REFUSED_STOP_AFTER
        )
    ]
    if not refused:
        return []
    span_start = min(stop.start, *(r.start for r in refused))
    span_end = max(stop.end, *(r.end for r in refused))
    outside = [m for m in matches if m.end <= span_start or m.start >= span_end]
    if any(m.signal in _STILL_STOPPING for m in outside):
        return []
    asked = any(m.signal is Signal.OPT_IN for m in outside) or any(
        m.signal is Signal.WISH
        and any(x.signal is Signal.MESSAGES and _same_clause(x, m, breaks) for x in outside)
        for m in outside
    )
    return [stop] if asked else []


def _right_after_negation(
    word: Match, negations: list[Match], breaks: list[bool] | None = None
) -> bool:
    """A negation ends right where `word` starts, and no clause break stands between them."""
    if breaks is not None and word.start < len(breaks) and breaks[word.start]:
        return False
    return any(n.end == word.start for n in negations)


def _phrases_of(tokens: list[str], phrases: set[tuple[str, ...]]) -> list[Match]:
    """Every run of `tokens` that is one of `phrases` (a class of words beside their meaning)."""
    longest = max((len(p) for p in phrases), default=0)
    return [
        Match(start, start + length, None, " ".join(tokens[start : start + length]))
        for start in range(len(tokens))
        for length in range(1, min(longest, len(tokens) - start) + 1)
        if tuple(tokens[start : start + length]) in phrases
    ]


#: Words between a word for "before" and the STOP it dates ("ባለፈው ተናድጄ STOP ብዬ ነበር").
EARLIER_GAP = 2
#: What keeps a STOP told as past a stop: a refusal, a removal or another stop word after it.
_STILL_STOPPING = frozenset(
    {
        Signal.NEGATION,
        Signal.NO,
        Signal.UNWANTED,
        Signal.REMOVE,
        Signal.REMOVE_ME,
        Signal.OPT_OUT,
        Signal.OPT_OUT_ALONE,
    }
)


def _told_as_past(
    opt_out: Match,
    earlier: list[Match],
    still: list[Match],
    whys: list[Match],
    matches: list[Match],
    breaks: list[bool],
) -> bool:
    """A STOP dated before in its clause (a word for "before" at most two words before it or
    right after it: "I had said stop", "আগে STOP লিখেছিলাম", "I sent stop before"), then a
    request for the messages: START, or a wish beside the messages or "again" ("... now I want
    the messages again"), with no refusal, removal or other stop word after the STOP and no
    question ("I said stop before, why do you still write?", "I sent stop before, now I want to
    quit" stay opt-outs). The request may also come first, in a clause or question of its own:
    START, or a word for adding back or wanting beside the messages ("vous pouvez me remettre les
    sms ? j'avais fait stop"), with no question word, refusal or other stop word ("why do you
    still send me messages? I said stop before" complains, and stops them). Words that say the
    messages go on (section `still`) complain too, unless a wish or a request that is no part of
    them follows the STOP ("I told you stop before and you keep sending" stops them; "I said
    stop before but I still want the reminders", "... jam ende ne program, START" ask for them)."""
    if any(m.text == "?" and m.start >= opt_out.end for m in matches):
        return False
    dated = any(
        (0 <= opt_out.start - e.end <= EARLIER_GAP or 0 <= e.start - opt_out.end <= 1)
        and _same_clause(e, opt_out, breaks)
        for e in earlier
    )
    if not dated:
        return False
    after = [m for m in matches if m.start >= opt_out.end]
    if any(m.signal in _STILL_STOPPING for m in after):
        return False
    if any(why.start >= opt_out.end for why in whys):
        # "I had said stop earlier please, why send messages again": "why" (section `asks_why`)
        # after the STOP complains that they come, with or without the mark.
        return False
    signals = {m.signal for m in after}
    if any(not overlaps(s, opt_out) for s in still) and not any(
        m.signal in (Signal.WISH, Signal.OPT_IN) and not any(overlaps(m, s) for s in still)
        for m in after
    ):
        # "I told you stop before and you keep sending": "keep sending" is the complaint's.
        return False
    if Signal.OPT_IN in signals or (
        Signal.WISH in signals and bool(signals & {Signal.MESSAGES, Signal.AGAIN})
    ):
        return True
    # "vous pouvez me remettre les sms ? j'avais fait stop": the request may come first, in a
    # clause of its own, with the STOP told after it as the reason.
    marks = [m.start for m in matches if m.text == "?" and m.end <= opt_out.start]
    before = [
        m
        for m in matches
        if m.end <= opt_out.start
        and (not _same_clause(m, opt_out, breaks) or any(m.end <= q for q in marks))
    ]
    if any(m.signal in _STILL_STOPPING or m.signal in _ASKING_WHY for m in before):
        return False
    asked = {m.signal for m in before}
    return Signal.OPT_IN in asked or (
        bool(asked & {Signal.ADD_ME, Signal.WISH}) and Signal.MESSAGES in asked
    )


def _quoted_beside_a_start(opt_out: Match, matches: list[Match]) -> bool:
    """A one-word STOP right after a word for typing or pressing it ("na my pikin press stop",
    "ko biyam winndi stop"), in a message opened by START itself ("START again", "START kadi"),
    with no negation, "no" or question word anywhere and nothing after the STOP that still
    stops or asks: the STOP is told, not said. Another word of section `opt_in` ("continue",
    "subscribe") opens no such message: "I texted STOP and you continue" stops the messages."""
    if opt_out.end - opt_out.start != 1:
        return False
    if not any(
        m.signal in (Signal.RESPOND, Signal.SEND) and m.end == opt_out.start for m in matches
    ):
        return False
    leading = next((m for m in matches if m.signal not in FILLER), None)
    if leading is None or leading.signal is not Signal.OPT_IN:
        return False
    if not leading.text.startswith(START_WORD) or overlaps(leading, opt_out):
        return False
    if any(m.signal in _NOT_TOLD for m in matches):
        return False
    after = [m for m in matches if m.start >= opt_out.end]
    return not any(m.signal in _STILL_STOPPING or m.text == "?" for m in after)


#: What still stops after such a stop word: another word for stopping or removing (a negation
#: or a "no" after it may deny who typed it: "the stop was my husband, not me").
_STOPPING_WORDS = _STILL_STOPPING - {Signal.NEGATION, Signal.NO}


def _told_after_a_request(opt_out: Match, matches: list[Match], breaks: list[bool]) -> bool:
    """A one-word STOP in a later clause of a reply opened by a request for the messages
    ("Restart my messages pls, the stop was my husband not me"; "START geberuley bejakum, qdmi
    semun stop iley neyre": START please, last week I had said stop), a request that names the
    messages (a phrase, START, or a word for the messages in its clause), with no "no", negation,
    "but", question word or doubt between them, and no other word for stopping or removing and no
    "?" anywhere after the request: the STOP is told, not said. In one clause with the request it
    is said ("ደጊምኩም ኣይትስደዱለይ", again don't send me)."""
    if opt_out.end - opt_out.start != 1:
        return False
    leading = next((m for m in matches if m.signal not in FILLER), None)
    if leading is None or leading.signal is not Signal.OPT_IN or overlaps(leading, opt_out):
        return False
    if leading.end > opt_out.start or _same_clause(leading, opt_out, breaks):
        return False
    # A request names the messages: a phrase, START, or a word for the messages in its clause
    # ("Please continue without me, I pressed stop" asks for nothing and stops).
    if not (
        leading.is_phrase
        or leading.text.startswith(START_WORD)
        or any(
            m.signal is Signal.MESSAGES
            and m.start >= leading.end
            and _same_clause(leading, m, breaks)
            for m in matches
        )
    ):
        return False
    between = [m for m in matches if leading.end <= m.start and m.end <= opt_out.start]
    if any(m.signal in _NOT_TOLD_AFTER_A_REQUEST for m in between):
        return False
    rest = [m for m in matches if m.start >= leading.end and not overlaps(m, opt_out)]
    return not any(m.signal in _STOPPING_WORDS or m.text == "?" for m in rest)


#: The keyword every notice names for getting the messages again.
START_WORD = "start"
#: ... and for stopping them.
STOP_WORD = "stop"


#: Requests to have the messages back: an opt-in phrase or a request to be added back.
_ASKING_BACK = frozenset({Signal.OPT_IN, Signal.ADD_ME})
#: What may stand beside a request for the messages that closes or opens a message after or
#: before a STOP told as typed: "again", the messages, the list or the number, politeness
#: ("Reactivate pls", "START again please", "Vuelvan a mandarme los mensajes"), not a day
#: ("START monday" tells when something starts).
_AROUND_A_REQUEST_BESIDE_A_TOLD_STOP = frozenset(
    {
        Signal.OPT_IN,
        Signal.ADD_ME,
        Signal.AGAIN,
        Signal.MESSAGES,
        Signal.CONTACT,
        Signal.POLITENESS,
        Signal.NEUTRAL,
    }
)


def _quoted_beside_a_request(
    opt_out: Match,
    matches: list[Match],
    breaks: list[bool],
    clause_starts: frozenset[int],
    *,
    asked: bool = False,
) -> bool:
    """The keyword STOP right after or right before a word for typing, pressing or sending it in
    its clause ("escribió Stop", "na him type STOP", "stop rawan kad"; one word no keyword knows
    may stand between: "mandou aquele STOP"), and a plain request for the messages as the last
    clause of the message or as its first, before the STOP's: START, an opt-in phrase or a
    request to be added back opening the clause or, with every word beside it known, closing it
    ("melektun indegena jemirulign", the messages again start-for-me, where the verb comes
    last), with nothing beside it but "again", the messages, the list or the number, politeness
    and one word no keyword knows ("Un amigo me pidió prestado el celu y escribió Stop, no fui
    yo. START", "Someone typed STOP here. Please put me back on the list", "Reativa pf. Um amigo
    pegou meu cel e enviou stop pra vcs"). What the notices ask to reply, said as a request of
    its own, asks for the messages whatever the story around the STOP. Nothing else may stop,
    refuse, remove, ask or doubt, but a negation or "no" in a clause of its own that names
    nothing to refuse ("no fui yo", it wasn't me); the caller has ruled out an exclamation mark,
    a question mark but one that ends the message, "why" and words that say the messages go on
    or were sent ("I texted STOP and you keep sending. START" is no request). "Again" beside a
    word for sending is no such request ("My son sent STOP. And you send again" complains).
    Asked (`asked`: the message ends with its only question mark), the request is the last
    clause, with a "can you" anywhere in it ("Sama mag moo bind STOP. Ndax mën ngeen ma dugalaat
    ci liste bi?"). The STOP is the notices' keyword itself: a language's own word for "stop"
    after a word for sending gives an order in the languages that put the verb last ("გზავნა
    შეწყვიტეთ", stop sending)."""
    if opt_out.end - opt_out.start != 1 or opt_out.text != STOP_WORD:
        return False
    if not any(
        m.signal in (Signal.RESPOND, Signal.SEND)
        and _beside_the_stop(m, opt_out, matches)
        and _same_clause(m, opt_out, breaks)
        for m in matches
    ):
        return False
    starts = sorted({0, *clause_starts})
    ends = [*starts[1:], len(matches)]
    clauses = list(zip(starts, ends, strict=True))
    here = max(
        (k for k, (start, _) in enumerate(clauses) if matches[start].start <= opt_out.start),
        default=0,
    )
    for k in (len(clauses) - 1,) if asked else (len(clauses) - 1, 0):
        if k == here:
            continue
        start, end = clauses[k]
        if not _plain_request(matches[start:end], asked=asked):
            continue
        rest = matches[:start] + matches[end:]
        disowning = [m for m in rest if _disowns_the_stop(m, opt_out, matches, breaks)]
        if all(
            overlaps(m, opt_out)
            or m in disowning
            or (
                m.signal not in _STILL_STOPPING
                # "não sabia o que era": a question word inside the clause that disowns.
                and not (
                    m.signal in (Signal.RESERVATION, Signal.HEDGE)
                    and not any(_same_clause(m, d, breaks) for d in disowning)
                )
            )
            for m in rest
        ):
            return True
    return False


def _beside_the_stop(word: Match, opt_out: Match, matches: list[Match]) -> bool:
    """Whether `word` stands right before or right after the STOP, or one word away with a
    word no keyword knows between ("mandou aquele STOP", sent that STOP; "e ka qu ate stop")."""
    return _near(word, opt_out, 0) or (
        _near(word, opt_out, 1) and _unknown_word_at(matches, min(word.end, opt_out.end))
    )


def _plain_request(clause: list[Match], *, asked: bool = False) -> bool:
    """START, an opt-in phrase or a request to be added back opening `clause`, with nothing
    beside it but words of `_AROUND_A_REQUEST_BESIDE_A_TOLD_STOP` and one word no keyword knows
    or an "ok" ("START kha, ...", START, ok), or closing it with nothing but those words beside
    it ("melektun indegena jemirulign", the messages again start-for-me); `asked`, anywhere in
    the clause beside a "can you" ("Una fit put me back?", "میشه دوباره مره به لست اضافه
    کنین؟")."""
    said = [m for m in clause if m.signal is not Signal.POLITENESS and m.text != "?"]
    around = _AROUND_A_REQUEST_BESIDE_A_TOLD_STOP
    if asked:
        # "Una fit put me back?", "እንደገና ልትመዘግቡኝ ትችላላችሁ?" (again register-me can-you?):
        # a "can you" anywhere in the clause.
        if not any(m.signal is Signal.POSSIBLE for m in said):
            return False
        if not any(m.signal in _ASKING_BACK for m in said):
            return False
        around = around | {Signal.POSSIBLE}
    elif not said:
        return False
    elif said[0].signal not in _ASKING_BACK:
        # Closing the clause where the verb comes last ("melektun indegena jemirulign"), with
        # every word beside it known: "Una send am again" (you sent it again) is no request in a
        # language that marks no tense.
        closes = said[-1].signal in _ASKING_BACK
        return closes and all(m.signal in around for m in said)
    others = [m for m in said if m.signal not in around]
    return len(others) <= 1 and all(m.is_plain_unknown or m.signal is Signal.ACK for m in others)


#: What a clause that refuses must not name to refuse only the STOP told before it ("I didn't
#: mean it"): the messages, sending, removal, another stop word, or a wish ("he does not want
#: them" refuses the messages).
_REFUSED_OBJECTS = frozenset(
    {
        Signal.MESSAGES,
        Signal.SEND,
        Signal.UNWANTED,
        Signal.REMOVE,
        Signal.REMOVE_ME,
        Signal.OPT_OUT,
        Signal.OPT_OUT_ALONE,
        Signal.CONTACT,
        Signal.WISH,
    }
)


def _disowns_the_stop(m: Match, opt_out: Match, matches: list[Match], breaks: list[bool]) -> bool:
    """A negation or "no" in a clause of its own after the STOP that names nothing else to
    refuse: "my son typed stop, i didnt mean it. send me the messages again please" disowns the
    STOP; "..., I don't want the messages", "..., he does not want them" and "..., don't send"
    refuse them."""
    if m.signal not in (Signal.NEGATION, Signal.NO) or _same_clause(m, opt_out, breaks):
        return False
    clause = [x for x in matches if _same_clause(x, m, breaks)]
    return not any(x.signal in _REFUSED_OBJECTS for x in clause)


def _mistaken_beside_a_request(opt_out: Match, matches: list[Match], breaks: list[bool]) -> bool:
    """A one-word STOP with a word for a mistake elsewhere in the reply and a request for the
    messages: an opt-in phrase, a request to be added back, or "again" or a wish beside the
    messages or a word for sending ("Ci njuumte laa bindoon STOP, duggalaat leen ma", by
    mistake I wrote STOP, put me back). Nothing but the STOP may stop, refuse, remove or ask:
    "wrong person, stop" and "you sent this by mistake, stop, don't send again" stay opt-outs."""
    if opt_out.end - opt_out.start != 1:
        return False
    others = [m for m in matches if not overlaps(m, opt_out)]
    if not any(m.signal is Signal.MISTAKE for m in others):
        return False
    if any(
        (m.signal in _STILL_STOPPING or m.signal in _NOT_TOLD or m.text == "?")
        and not _disowns_the_stop(m, opt_out, matches, breaks)
        for m in others
    ):
        return False
    signals = {m.signal for m in others}
    return bool(signals & _ASKING_BACK) or (
        bool(signals & {Signal.AGAIN, Signal.WISH})
        and bool(signals & {Signal.MESSAGES, Signal.SEND})
    )


def _typed_by_someone_else(
    opt_out: Match,
    told: _ToldBySomeoneElse,
    matches: list[Match],
    breaks: list[bool],
) -> bool:
    """A stop word told as typed by someone else, then a plain request for the messages again:
    a word of section `someone_else` ("my son", "ابني", "sama rakk", "hawey", "bachem", "ልጄ")
    before the stop word in its clause ("my brother sent stop from my phone", "ልጄ ስልኬን ይዞ አቁም
    ብሎ ልኳል"), and in a later clause, or before who typed it, a request (`_asks_plainly`):
    "..., lotfan mara dobara shamil kunin", "..., du man. START", "START again pls my brother
    sent stop from my phone". Nothing after the stop word may refuse, remove or stop but what
    its own clause tells of it ("ابني بعت ستوب وهو مش فاهم", my son sent stop without
    understanding) and a denial of section `someone_else` ("du man", not me). And nowhere a
    question, an exclamation, "why", "if" or a `still` phrase: "Again messages! My brother
    already sent STOP", "... If you send again I will complain" and "Why are you sending again?
    My son sent STOP" complain, and stop them."""
    # "لو سمحتوا" (please) holds "لو" (if): a condition inside a word for "please" is none.
    conditions = [c for c in told.conditions if not any(overlaps(c, p) for p in told.please)]
    if told.asks or told.exclaims or told.whys or conditions or told.still:
        return False
    by = [m for m in told.others if m.end <= opt_out.start and _same_clause(m, opt_out, breaks)]
    if not by:
        return False
    after = [m for m in matches if m.start >= opt_out.end]
    for m in after:
        if m.signal not in _STILL_STOPPING:
            continue
        if any(overlaps(m, other) for other in told.others):
            continue
        if m.signal in (Signal.NEGATION, Signal.NO) and _same_clause(opt_out, m, breaks):
            continue
        if _disowns_the_stop(m, opt_out, matches, breaks):
            continue
        return False
    first = min(m.start for m in by)
    later = [m for m in after if not _same_clause(opt_out, m, breaks)]
    return _asks_plainly(later, told.please, breaks) or (
        _asks_plainly([m for m in matches if m.end <= first], told.please, breaks)
    )


@dataclass(frozen=True)
class _ToldBySomeoneElse:
    """What `_typed_by_someone_else` weighs besides the matches: the phrases of sections
    `someone_else`, `please`, `asks_why`, `condition` and `still`, and whether the message asks
    ("?") or exclaims ("!")."""

    others: list[Match]
    please: list[Match]
    whys: list[Match]
    conditions: list[Match]
    still: list[Match]
    asks: bool
    exclaims: bool


def _asks_plainly(part: list[Match], please: list[Match], breaks: list[bool]) -> bool:
    """A plain request for the messages in `part`: START with nothing in its clause but "again",
    "please" and politeness ("..., du man. START", "START again pls ..."), or a word of section
    `please` in one clause with an opt-in phrase or a request to be added back (section
    `add_me`), and no day or time ("lotfan mara dobara shamil kunin", "Please send me the
    messages again"). Three reviews found what else tells rather than asks: "again" beside a
    word for sending ("Again you are sending", "svp c'est bizarre vous envoyez encore", "من
    فضلكم أرسلتم مرة أخرى اليوم"), a wish ("I receive the messages again"), "put me" ("Then you
    put me back on the list"), START as a verb or told inside its clause ("Start respecting
    it", "Nobody here typed START"), and a day with "please" ("gtxovt dghes isev
    gamomigzavnet", please, today you sent again)."""
    if not part:
        return False
    plain = FILLER | {Signal.AGAIN, Signal.OPT_IN}
    for m in part:
        if m.signal is Signal.OPT_IN and m.text.startswith(START_WORD):
            clause = [x for x in part if _same_clause(x, m, breaks)]
            if all(x.signal in plain or any(overlaps(x, p) for p in please) for x in clause):
                return True
    # "..., renvoyez moi les messages", "..., yonnewaatal ma sms yi", "remettez moi sur la
    # liste des sms, ...": an opt-in phrase of its own opening its clause, with nothing beside
    # it but the messages, "again", politeness and one word no keyword knows, is an order.
    # "my son sent STOP, I want the messages": so is a wish for the messages (or an opt-in
    # phrase) opening its clause.
    for m in part:
        if m.signal is Signal.OPT_IN and m.end - m.start > 1:
            if _opens_a_clause_of_its_own(m, part, breaks, plain | {Signal.MESSAGES}):
                return True
        elif m.signal is Signal.WISH:
            clause = [x for x in part if _same_clause(x, m, breaks)]
            if any(x.signal in (Signal.MESSAGES, Signal.OPT_IN) for x in clause) and (
                _opens_a_clause_of_its_own(m, part, breaks, plain | {Signal.MESSAGES, Signal.WISH})
            ):
                return True
    for p in please:
        clause = [m for m in part if _same_clause(m, p, breaks) and not overlaps(m, p)]
        if any(m.signal is Signal.TIME for m in clause):
            continue
        if any(
            m.signal is Signal.ADD_ME or (m.signal is Signal.OPT_IN and m.end - m.start > 1)
            for m in clause
        ):
            return True
    return False


def _opens_a_clause_of_its_own(
    m: Match, part: list[Match], breaks: list[bool], beside: frozenset[Signal]
) -> bool:
    """Whether `m` opens its clause in `part`, with nothing else in it but words of `beside`
    and at most one word no keyword knows. A "but" may come first ("..., but I want to
    receive the messages"); no word no keyword knows ("..., but you send me the messages
    again" complains) and no yes ("po m'i dërgoni prap", Albanian "po" also marks the
    present: you are sending them again)."""
    clause = [x for x in part if _same_clause(x, m, breaks)]
    lead = clause[: clause.index(m)]
    if not all(x.signal is Signal.CONTRAST for x in lead):
        return False
    others = [x for x in clause[len(lead) :] if x.signal not in beside]
    return len(others) <= 1 and all(x.is_plain_unknown for x in others)


#: What keeps a STOP beside a START from being only told: a refusal or a question.
_NOT_TOLD = frozenset({Signal.NEGATION, Signal.NO, Signal.RESERVATION, Signal.HEDGE})
#: What keeps a stop word after a request for the messages from being told: those, or a "but",
#: between the two ("START. No wait, STOP").
_NOT_TOLD_AFTER_A_REQUEST = _NOT_TOLD | {Signal.CONTRAST}


#: Question words and doubts: a question with them about the messages complains of them ("why do
#: you still send me messages?"), it does not ask for them.
_ASKING_WHY = frozenset({Signal.RESERVATION, Signal.HEDGE})


def _leading_stop_word(opt_out: Match, tokens: list[str], lexicon: Lexicon) -> Match:
    """The one-word stop keyword opening an opt-out phrase ("stop" of "stop the messages"), so
    that "dont stop the messages" is a negated stop word; the phrase itself otherwise."""
    if opt_out.end - opt_out.start == 1:
        return opt_out
    found = lexicon.lookup_all(tokens[opt_out.start : opt_out.start + 1], 0)
    if any(
        length == 1 and meaning in (Signal.OPT_OUT.value, Signal.OPT_OUT_ALONE.value)
        for length, meaning in found
    ):
        return replace(opt_out, end=opt_out.start + 1)
    return opt_out


def _negators(tokens: list[str], lexicon: Lexicon) -> list[Match]:
    """Negations and "no" words (many languages negate a verb with their "no")."""
    return find_everywhere(tokens, lexicon, Signal.NEGATION) + find_everywhere(
        tokens, lexicon, Signal.NO
    )


#: Words between a stop word and the other service or thing it is about ("I unsubscribed from
#: another app", "enough of this rain").
ELSEWHERE_GAP = 3


def _about_elsewhere(
    found: Match, elsewhere: list[Match], matches: list[Match], breaks: list[bool]
) -> bool:
    """A stop word about another service or thing (section `elsewhere`): near it, in its clause,
    before it or after it with a word between ("enough of this rain", "unsubscribed from another
    app"; "STOP caller tune" stays a stop), and with no word for the messages or for sending in
    that clause ("stop the rain messages" is one)."""
    if not any(
        (
            0 <= found.start - e.end <= ELSEWHERE_GAP
            # inside it: "remove me from the WhatsApp group"
            or found.start <= e.start < found.end
            # after it, with a word between, or right after a phrase ("যথেষ্ট হয়েছে বৃষ্টি",
            # enough rain): a one-word STOP right before it still stops ("STOP caller tune").
            or (
                (found.end - found.start > 1 or e.start > found.end)
                and 0 <= e.start - found.end <= ELSEWHERE_GAP
            )
        )
        and _same_clause(found, e, breaks)
        for e in elsewhere
    ):
        return False
    # "unsubscribe from the promo SMS": the messages of another sender are not ours.
    return not any(
        m.signal in (Signal.MESSAGES, Signal.SEND)
        and _same_clause(found, m, breaks)
        and not any(e.start <= m.start and m.end <= e.end for e in elsewhere)
        for m in matches
    )


def _opens_its_clause(
    index: int, matches: list[Match], breaks: list[bool], *, after: frozenset[Signal] = frozenset()
) -> bool:
    """Whether the word at token `index` opens its clause, after politeness only; a word of
    `after` ("but") opens a clause of its own: "2 but don't remove my number"."""
    if index <= 0 or breaks[index]:
        return True
    before = [m for m in matches if m.end <= index]
    for m in reversed(before):
        if m.signal in after:
            return True
        if m.signal is not Signal.POLITENESS:
            return False
        if breaks[m.start]:
            return True
    return True


#: How many words may stand between a removal and the day of the list it removes from ("mn
#: lista dyal tlat": three).
LIST_DAY_GAP = 3


def _moved_to_another_day(
    opt_outs: list[Match],
    matches: Sequence[Match],
    tokens: list[str],
    lexicon: Lexicon,
    breaks: list[bool],
) -> list[Match]:
    """The opt-outs that take the person off one day to put them on another: "remove me from
    Tuesday's list and put me on Friday", "enlevez-moi de la liste de mardi et mettez-moi
    vendredi", "ოთხშაბათის სიიდან ამომშალეთ და პარასკევზე ჩამწერეთ". Each has a day in its
    clause right after it (at most `LIST_DAY_GAP` words between) or right before it, a word of
    section `list` ("list", "lista", "jerin", "სიიდან") inside the removal, between them or
    right after the day, and a word for putting the person on a list (section `add_me`: "put
    me", "pónganme", "ku sa ni") then another day follow. Only when every opt-out is of that
    kind and no word for the messages or for sending stands anywhere ("stop texting me on
    Tuesday, ... Friday" still stops)."""
    if not opt_outs:
        return []
    days = [m for m in matches if m.signal is Signal.TIME and not m.is_hour]
    lists = _phrases_of(tokens, lexicon.lists)
    if (
        len(days) < 2
        or not lists
        or any(
            find_all_everywhere(tokens, lexicon, signal)
            for signal in (Signal.MESSAGES, Signal.SEND)
        )
    ):
        return []
    puts = find_all_everywhere(tokens, lexicon, Signal.ADD_ME)

    def names_the_list(found: Match, day: Match) -> bool:
        # The word for the list stands in the removal, between it and its day, or right after
        # the day ("the Monday list").
        return any(
            (min(found.start, day.start) <= one.start and one.end <= max(found.end, day.end))
            or one.start == day.end
            for one in lists
        )

    def moves(found: Match) -> bool:
        of_the_list = [
            day
            for day in days
            if _same_clause(found, day, breaks)
            and (0 <= day.start - found.end <= LIST_DAY_GAP or day.end == found.start)
            and names_the_list(found, day)
        ]
        if not of_the_list:
            return False
        after = max(day.end for day in of_the_list)
        named = {day.text for day in of_the_list}
        # ... then a word for putting the person on it, and the other day.
        return any(
            day.start >= after
            and day.text not in named
            and any(after <= put.start and put.end <= day.start for put in puts)
            for day in days
        )

    moved = [found for found in opt_outs if moves(found)]
    return moved if len(moved) == len(opt_outs) else []


def _option_closes(tokens: list[str], index: int, breaks: list[bool] | None) -> bool:
    """Whether `tokens[index]` is a number written in digits that ends its clause (or, without
    `breaks`, the reply)."""
    return (
        index < len(tokens)
        and tokens[index].isascii()
        and tokens[index].isdigit()
        and (index + 1 == len(tokens) or (breaks is not None and breaks[index + 1]))
    )


def _same_clause(one: Match, other: Match, breaks: list[bool]) -> bool:
    """Whether no clause break stands between two runs of words."""
    return _breaks_between(min(one.end, other.end), max(one.start, other.start), breaks) == 0


def _breaks_between(start: int, end: int, breaks: list[bool]) -> int:
    """How many clause breaks stand from token `start` to token `end`, both included."""
    return sum(breaks[i] for i in range(start, min(end + 1, len(breaks))))


def _near(one: Match, other: Match, gap: int) -> bool:
    """Whether two runs of words do not overlap and at most `gap` words stand between them."""
    return 0 <= other.start - one.end <= gap or 0 <= one.start - other.end <= gap


#: Words that tell of the STOP being sent, or ask for the messages: beside them a mistake word
#: before the STOP says the STOP was the mistake ("بالغلط بعتت stop", "na mistake I press stop").
_SENDING_THE_STOP = frozenset(
    {
        Signal.SEND,
        Signal.RESPOND,
        Signal.OPT_IN,
        Signal.AGAIN,
        Signal.MESSAGES,
        Signal.ADD_ME,
        Signal.SENT,
    }
)
#: Words that may stand between a mistake word and the STOP it names ("it was a mistake that I
#: pressed stop").
MISTAKE_BEFORE_GAP = 3
#: Words that may stand between the STOP and a mistake word after it, with a word for typing or
#: writing it in the clause ("stop bi dama ko bind ci njuumte": the stop, I wrote it by mistake).
MISTAKE_AFTER_GAP = 4
#: The most words a mistake phrase right after a STOP, across a comma, may have ("STOP, by
#: mistake"); a longer one judges something else ("Stop, it was an accident") unless the STOP
#: was told as typed.
SHORT_MISTAKE_WORDS = 2
#: Words that may stand between a STOP told as typed ("I typed STOP") and a mistake word after
#: it, in the next clause too: none, so that "I typed STOP, no mistake", "mandé STOP, no fue
#: error" stop; the mistake phrases hold their "it was" ("it was an accident", "fue un error").
MISTAKE_AFTER_TYPED_GAP = 0


def _last_in_clause(word: Match, breaks: list[bool]) -> bool:
    """Whether `word` ends its clause: a clause break or the end of the reply right after it."""
    return word.end >= len(breaks) or breaks[word.end]


def _said_by_mistake(
    opt_out: Match, mistakes: list[Match], matches: list[Match], breaks: list[bool]
) -> bool:
    """ "STOP by mistake", "stop gabimisht": a mistake word right after the STOP (at most one
    word between, in the STOP's clause). Before it ("بالغلط بعتت stop", "na mistake I press
    stop", "it was a mistake that I pressed stop"), in the same clause and at most three words
    away, only beside a word for sending, answering or the messages, or a request for them:
    "this is a mistake, stop", "you made a mistake stop texting me" judge the messages and stop
    them."""
    # "I typed stop", "mandé STOP": the STOP told as typed, not given as an order.
    told_as_typed = any(
        x.signal in (Signal.RESPOND, Signal.SEND)
        and 0 <= opt_out.start - x.end <= 1
        and _same_clause(x, opt_out, breaks)
        for x in matches
    )
    for m in mistakes:
        if (
            m.start == opt_out.end
            and (
                _same_clause(opt_out, m, breaks)
                or (m.end - m.start <= SHORT_MISTAKE_WORDS and _last_in_clause(m, breaks))
            )
        ) or (m.start - opt_out.end == 1 and _same_clause(opt_out, m, breaks)):
            # "STOP by mistake", "STOP it was a mistake"; "Stop, it was an accident" opens with
            # an order and judges something else in a clause of its own: the STOP stands.
            return True
        if (
            told_as_typed
            and 0 <= m.start - opt_out.end <= MISTAKE_AFTER_TYPED_GAP
            and _last_in_clause(m, breaks)
        ):
            # "Sorry I typed STOP, it was an accident", "mandé STOP, fue un error": the STOP
            # told as typed, the mistake right after it ending its clause, the next one too;
            # not "I typed STOP, wrongly you keep texting me".
            return True
        # "stop bi dama ko bind ci njuumte" (the stop, I wrote it by mistake), "my boy typed stop
        # on my phone by mistake": further after the STOP, in its clause, with a word for typing,
        # writing or pressing it in that clause.
        after = m.start - opt_out.end
        # Only a word for typing or pressing the STOP: "stop you are texting me by mistake"
        # judges the messages.
        sent = any(
            x.signal is Signal.RESPOND
            and x.end <= m.start
            and (x.start >= opt_out.end or _same_clause(x, opt_out, breaks))
            for x in matches
        )
        if 1 < after <= MISTAKE_AFTER_GAP and sent and _same_clause(opt_out, m, breaks):
            return True
        gap = opt_out.start - m.end
        if not 0 <= gap <= MISTAKE_BEFORE_GAP:
            continue
        if not _same_clause(m, opt_out, breaks):
            continue
        if any(
            x.signal in (Signal.OPT_OUT, Signal.OPT_OUT_ALONE)
            and m.end <= x.start
            and x.end <= opt_out.start
            for x in matches
        ):
            # "ይሄ ስህተት ነው STOP ደግማችሁ አትጻፉልኝ" (this is a mistake, STOP, don't write to me
            # again): the mistake word judges the stop word right after it, not the order after
            # that one.
            continue
        if any(x.signal is Signal.CONTRAST and m.end <= x.start < opt_out.start for x in matches):
            # "bala ma 2sod bas wa2fo el rasayil" (no offence, but stop the messages): the STOP
            # comes after a "but", not by mistake.
            continue
        outside = [
            x
            for x in matches
            if x.signal in _SENDING_THE_STOP and (x.end <= opt_out.start or x.start >= opt_out.end)
        ]
        between = [x for x in outside if m.end <= x.start and x.end <= opt_out.start]
        if between or (gap <= 1 and outside):
            return True
    return False


#: "And" written as the first letter of the next word in Arabic script ("وما رحتش").
_CONJUNCTIONS = ("\u0648",)


def _split_conjunctions(
    tokens: list[str], lexicon: Lexicon, breaks: list[bool]
) -> tuple[list[str], list[bool]]:
    """Split a glued "و" off a word when the rest of the word starts a keyword and the whole
    word does not ("وما رحتش" = "و" + "ما رحتش"; "وقف", a keyword, stays whole); `breaks`, the
    clause breaks before each token, follow the split."""
    split: list[str] = []
    split_breaks: list[bool] = []
    for index, token in enumerate(tokens):
        rest = token[1:]
        before = breaks[index] if index < len(breaks) else False
        if (
            token.startswith(_CONJUNCTIONS)
            and len(rest) > 1
            and lexicon.lookup(tokens, index) is None
            and lexicon.lookup([rest, *tokens[index + 1 :]], 0) is not None
        ):
            split.extend((token[0], rest))
            split_breaks.extend((before, False))
        else:
            split.append(token)
            split_breaks.append(before)
    return split, split_breaks


def _hours_of_day(
    matches: list[Match], tokens: list[str], lexicon: Lexicon, breaks: list[bool]
) -> list[Match]:
    """`matches` with each digit right beside a word for the hour, days, weeks or months
    (section `hour`), in the same clause, read as a time (a number that is no option, like "9",
    "the 20th" or "15 dias"), and that word, if nothing else, as a time (section `time`)."""
    if not lexicon.hours:
        return matches
    read = list(matches)
    for index, match in enumerate(matches):
        if match.number is None or match.is_number_word:
            continue
        for other in (index - 1, index + 1):
            if not 0 <= other < len(matches):
                continue
            word = matches[other]
            if tuple(tokens[word.start : word.end]) not in lexicon.hours:
                continue
            if breaks[max(match.start, word.start)]:
                continue
            read[index] = replace(read[index], is_hour=True)
            if word.signal in (None, Signal.HOUR):
                read[other] = replace(word, signal=Signal.TIME)
    return read


_BESIDE_NUMBERS = frozenset({*FILLER, Signal.YES, Signal.NO, Signal.ACK, Signal.OPTION})


def _unknown_word_at(matches: list[Match], token: int) -> bool:
    """Whether the match at token index `token` is one word no keyword knows."""
    return any(m.start == token and m.end == token + 1 and m.is_plain_unknown for m in matches)


def _everyday_yes_words(
    matches: list[Match], tokens: list[str], lexicon: Lexicon, breaks: list[bool]
) -> list[Match]:
    """The yes words of section `yes_leading` read as words no keyword knows where they do not
    open the message or a clause: "oto o darii e laawol" (the car stopped on the road), "wanene
    ya turo" (who sent it), "quem ta mandando isso" (who is sending this)."""
    if not lexicon.leading_yes:
        return matches
    return [
        replace(m, signal=None)
        if m.signal is Signal.YES
        and tuple(tokens[m.start : m.end]) in lexicon.leading_yes
        and m.start > 0
        and not breaks[m.start]
        else m
        for m in matches
    ]


def _scan_numbers(tokens: list[str], lexicon: Lexicon, breaks: list[bool]) -> list[Match]:
    """`scan`, with number words read as words when anything but politeness, yes, no, "ok" and
    the words that frame an option stands beside them ("the two of us", "nice one"), except a
    number word that makes a clause of its own at the start of the reply ("ñaar, tamboguma":
    two, I have not started)."""
    matches = scan(tokens, lexicon, breaks)
    if any(_is_not_an_answer_word(match) for match in matches):
        alone = _leading_number_clause(matches, breaks)
        matches = [
            replace(match, number=None, is_number_word=False)
            if match.is_number_word and match is not alone
            else match
            for match in matches
        ]
    return matches


#: Answers that may follow an option given as a word and say the same or not ("یک میایم": one,
#: I'm coming): the number is then an option, the reading judges whether the two agree.
_ANSWER_STATEMENTS = frozenset(
    {Signal.CONFIRM, Signal.DECLINE, Signal.RESCHEDULE, Signal.ATTENDED_YES, Signal.ATTENDED_NO}
)


def _leading_number_clause(matches: list[Match], breaks: list[bool]) -> Match | None:
    """The number word opening the reply, after politeness, when a clause break (politeness
    between aside) or an answer statement follows it ("ñaar, tamboguma": two, I have not
    started; "two please, I work on Tuesday"; "شمېره یو راځم": number one, I'm coming)."""
    index, first = next(
        ((i, m) for i, m in enumerate(matches) if m.signal not in FILLER), (0, None)
    )
    if first is None or not first.is_number_word:
        return None
    # "two please, I work on Tuesday", "Trois svp, le mardi je travaille": politeness may close
    # the number's clause.
    last = first
    for match in matches[index + 1 :]:
        if match.signal is not Signal.POLITENESS or breaks[match.start]:
            break
        last = match
    if last.end < len(breaks) and breaks[last.end]:
        return first
    following = [m for m in matches[index + 1 :] if m.signal is not Signal.POLITENESS]
    if following and following[0].signal is Signal.CONTRAST:
        # "one but I didn't go", "uno pero no asistí", "benn waaye demuma": an option, then
        # "but" and an answer that may not agree with it.
        following = following[1:]
    if following and following[0].signal in _ANSWER_STATEMENTS:
        # Right after it, politeness aside: "two weeks ago I started" counts weeks.
        return first
    return None


def _is_answer_shaped_number(matches: list[Match]) -> bool:
    """A number beside nothing but politeness, yes, no, "ok", "?" and the words that frame an
    option: "my answer is 1", "option 1️⃣ please", "ቁጥር ፪ ነው"."""
    return any(m.number is not None for m in matches) and all(
        m.number is not None or m.signal in _BESIDE_NUMBERS or m.text == "?" for m in matches
    )


def _is_not_an_answer_word(match: Match) -> bool:
    """A word that makes number words ordinary words ("the two of us", "nice one")."""
    if match.number is not None or match.text == "?":
        return False
    return match.signal not in _BESIDE_NUMBERS


@dataclass(frozen=True)
class Negated:
    """Signals after negation (one per match, None for numbers and unknown words)."""

    signals: tuple[Signal | None, ...]
    #: Indexes of matches whose positive meaning a negation turned negative.
    flipped: frozenset[int]


#: What takes a statement out of the reach of a refusal before it: a "no" or a yes that corrects
#: it ("I won't come... no, I will come"), or a "but" ("my son is sick but I will come").
_TURNING = frozenset({Signal.NO, Signal.YES, Signal.CONTRAST})


def apply_negation(
    matches: tuple[Match, ...], clause_starts: frozenset[int] = frozenset()
) -> Negated | None:
    """Turn negated positive words negative; None when a negation's scope is unclear.

    A yes or an "ok" is negated from before ("not ok", "pas d'accord"); a statement from either
    side ("je (ne) viens pas"). A refusal governs the verb after it ("won't be able to come",
    "not yet started"). A "no" beside a statement does not negate it: "no, I will come" and "I
    will come, no" are contradictions (languages that negate a verb with their word for "no",
    as Bengali "আসব না", list those phrases). Neither reaches into another clause
    (`clause_starts`, indexes of `matches`): in "don't cancel the appointment, I'll come" the
    "don't" and the "cancel" leave "I'll come" alone.
    """
    signals = [match.signal for match in matches]
    negations = [i for i, s in enumerate(signals) if s is Signal.NEGATION]
    refusals = [i for i, s in enumerate(signals) if s in _REFUSALS]
    used: set[int] = set()
    flipped: set[int] = set()

    def one_clause(one: int, other: int) -> bool:
        return clause_start(one, clause_starts) == clause_start(other, clause_starts)

    for index, signal in enumerate(signals):
        if signal not in POSITIVE_FLIP:
            continue
        before_only = signal not in STATEMENTS
        near = [
            n
            for n in negations
            if abs(n - index) <= NEGATION_REACH
            and (n < index or not before_only)
            and one_clause(n, index)
        ]
        # "I won't come... no, I will come": a "no" or a yes between them corrects the refusal,
        # and the statement after it is no longer in its reach.
        governed = signal in STATEMENTS and any(
            0 < index - r <= NEGATION_REACH
            and not any(matches[k].signal in _TURNING for k in range(r + 1, index))
            # "nuk shkova, isha i sëmurë" (I didn't go, I was ill) tells the "not" on; a word for
            # cancelling stays in its clause ("don't cancel the appointment, I'll come").
            and (signals[r] is Signal.ATTENDED_NO or one_clause(r, index))
            for r in refusals
        )
        if near or governed:
            signals[index] = POSITIVE_FLIP[signal]
            flipped.add(index)
            used.update(near)
    has_positive = any(s in POSITIVE_FLIP for s in signals)
    if has_positive and set(negations) - used:
        return None
    return Negated(tuple(signals), frozenset(flipped))
