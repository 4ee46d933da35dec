"""Issue 16's acceptance on the development corpus, and the figures published in docs/replies.md.

The held-back corpus is scored only through `smsgateway.replies.scoring`, which never shows its
replies, and only by whoever publishes its figures: they are published, not asserted, and not
computed here, so that tuning the rules never shows them. They are the honest measure of how the
rules do on replies they were not tuned on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from smsgateway.content.languages import supported_codes
from smsgateway.replies.classify import RULES
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.scoring import (
    Score,
    format_kind_table,
    format_language_table,
    load_corpus,
    score_file,
    score_replies,
)

DATA = Path(__file__).resolve().parents[1] / "data"
DEVELOPMENT = DATA / "replies_dev.jsonl"
#: The development supplement: sentences, dialects and scripts written after the first tuning.
SUPPLEMENT = DATA / "replies_dev2.jsonl"
#: The second supplement: proposals, progress, short yes and no, opt-outs and chatter, written
#: after the held-back figures named them the weakest kinds. Held to no dangerous error; its
#: accuracy is published, not yet held to the acceptance figures.
SUPPLEMENT3 = DATA / "replies_dev3.jsonl"
#: The opt-out supplement: opt-out sentences in every language and near-misses. Held to no
#: dangerous error like the second.
SUPPLEMENT4 = DATA / "replies_dev4.jsonl"
#: The fifth supplement, written apart from the rules and weighted to number words, help,
#: opt-ins, progress, proposals and satisfaction: held to no dangerous error like the others.
SUPPLEMENT5 = DATA / "replies_dev5.jsonl"
#: The sixth supplement, written apart from the rules for the kinds and languages the held-back
#: sets named weakest (opt-outs typed as people type them, chatter with positive words,
#: proposals, help, opt-ins, progress): held to the acceptance figures like the first two.
SUPPLEMENT6 = DATA / "replies_dev6.jsonl"
#: The seventh supplement, written in batches for the kinds and languages the held-back sets
#: still named weakest (proposals, help, opt-in and progress sentences, opt-outs in every script;
#: Pashto, Fula, English, Dari, Albanian, Bengali, Georgian, Tigrinya, Arabic): held to the
#: acceptance figures like the first two.
SUPPLEMENT7 = DATA / "replies_dev7.jsonl"
#: The eighth supplement, written in four batches by language for the same kinds (proposals,
#: progress, help, opt-in and opt-out sentences, short yes and no, number words, chatter,
#: contradictions), weakest languages first: held to the acceptance figures like the first two.
SUPPLEMENT8 = DATA / "replies_dev8.jsonl"
#: The ninth supplement, written in fourteen batches for the dangerous errors first (opt-outs in
#: every script and romanisation, opt-outs beside other words, chatter with positive words and
#: emoji) and the weakest kinds in the weakest languages: held to the acceptance figures like the
#: first two.
SUPPLEMENT9 = DATA / "replies_dev9.jsonl"
#: The ninth supplement: the third held-back set, scored for three rounds and then promoted to
#: development for the tenth (its misses were the only view of the phrasings the rules kept
#: missing): held to the acceptance figures like the first two.
SUPPLEMENT10 = DATA / "replies_dev10.jsonl"
#: The tenth supplement: the fourth held-back set, scored once and then promoted to development
#: for the eleventh round (its misses showed the phrasings the rules still missed): held to the
#: acceptance figures like the first two.
SUPPLEMENT11 = DATA / "replies_dev11.jsonl"
#: The eleventh supplement, written in eight batches after the eleventh round for progress,
#: proposals, help and opt-outs of every shape in every language, with chatter holding positive
#: words: held to the acceptance figures like the first two.
SUPPLEMENT12 = DATA / "replies_dev12.jsonl"
#: The twelfth supplement, written after the twelfth round for progress (started, not yet,
#: finished, never went), proposals asked as questions, help, opt-outs of every shape and chatter
#: holding positive words in every language, weighted to Tigrinya, Bengali and Dari: held to the
#: acceptance figures like the first two.
SUPPLEMENT13 = DATA / "replies_dev13.jsonl"
#: The thirteenth supplement, written after the thirteenth round for three kinds only (opt-out
#: sentences, progress and help sentences, with a few others beside them) in every language:
#: held to no dangerous error like the third to fifth; its accuracy is published.
SUPPLEMENT14 = DATA / "replies_dev14.jsonl"
#: The fifth to eleventh held-back sets, scored and promoted to development in the fifteenth round
#: (their misses were the view of the phrasings the rules kept missing): held to the acceptance
#: figures like the first two.
PROMOTED_IN_ROUND_15 = tuple(
    DATA / f"replies_dev{number}.jsonl" for number in (15, 16, 17, 18, 19, 20, 22, 24)
)
#: Opt-out sentences and near-misses written for the fifteenth round: held to no dangerous error.
OPT_OUT_SUPPLEMENTS = tuple(DATA / f"replies_dev{number}.jsonl" for number in (21, 23, 25, 26))
#: The thirteenth and fourteenth held-back sets, scored and promoted to development in the
#: sixteenth round: held to the acceptance figures like the first two.
PROMOTED_IN_ROUND_16 = tuple(DATA / f"replies_dev{number}.jsonl" for number in (27, 28))
#: The held-back sets written during the sixteenth round and promoted at its end: held to no
#: dangerous error; their accuracy is published (tests/data/README.md) and is the next round's work.
PROMOTED_AT_THE_END_OF_ROUND_16 = tuple(
    DATA / f"replies_dev{number}.jsonl" for number in (29, 30, 31, 32)
)
#: The development parts of the twentieth and twenty-first sets, written in the seventeenth
#: round and tuned on in it: held to no dangerous error; their accuracy is published.
SPLIT_IN_ROUND_17 = tuple(DATA / f"replies_dev{number}.jsonl" for number in (33, 34))
#: The development parts of the twenty-second to twenty-seventh sets, written and tuned on in the
#: eighteenth round: held to the acceptance figures like the first two.
SPLIT_IN_ROUND_18 = tuple(DATA / f"replies_dev{number}.jsonl" for number in range(35, 41))
#: The development parts of the twenty-eighth, twenty-ninth, thirty-second, thirty-third and
#: thirty-fifth sets, written and tuned on in the nineteenth round: held to the acceptance figures
#: like the first two.
SPLIT_IN_ROUND_19 = tuple(DATA / f"replies_dev{number}.jsonl" for number in (41, 42, 45, 46, 48))
#: The development parts of the thirty-sixth and thirty-seventh sets, written at the very end of
#: the nineteenth round and tuned on only for their opt-outs: held to no dangerous error; their
#: accuracy is published.
SPLIT_AT_THE_END_OF_ROUND_19 = tuple(DATA / f"replies_dev{number}.jsonl" for number in (49, 50))
#: The development parts of the thirty-eighth to forty-second sets, written in the twentieth
#: round (their repeats of existing replies rewritten by hash only) and tuned on in it: held to no
#: dangerous error; their accuracy is published.
SPLIT_IN_ROUND_20 = tuple(DATA / f"replies_dev{number}.jsonl" for number in range(51, 56))
#: The development parts of the thirtieth, thirty-first and thirty-fourth sets, opt-out probes
#: written in the nineteenth round: opt-outs and near-misses only, held to no dangerous error.
OPT_OUT_PROBES_19 = tuple(DATA / f"replies_dev{number}.jsonl" for number in (43, 44, 47))
#: The development part of the forty-third set, a fourth opt-out probe written in the
#: twenty-first round (opt-outs as they arrive after days of messages: inside a longer message,
#: indirect, from someone else, typed on a cheap phone): held to no dangerous error.
OPT_OUT_PROBE_21 = DATA / "replies_dev56.jsonl"
#: The development part of the forty-fourth set, a probe of false opt-outs written in the
#: twenty-second round (a message that never came, "don't forget to send me the address",
#: "please don't delete my number", beside opt-outs with the same words): held to no dangerous
#: error and to no false opt-out.
FALSE_OPT_OUT_PROBE_22 = DATA / "replies_dev57.jsonl"
#: The development part of the forty-fifth set, a fifth opt-out probe written in the
#: twenty-sixth round (opt-outs mixed with another language, typed in a hurry, with a reason, by
#: someone else, polite; chatter holding positive words; near-misses with the words of stopping):
#: held to no dangerous error and to no false opt-out.
OPT_OUT_PROBE_26 = DATA / "replies_dev58.jsonl"
#: The development part of the forty-sixth set, written in the same round: opt-outs of one to
#: four words and of fifteen to forty, chatter that holds an answer word, answers with chatter
#: around them; held to no dangerous error and to no false opt-out.
SHORT_AND_LONG_PROBE_26 = DATA / "replies_dev59.jsonl"
#: The development part of the forty-seventh set, a sixth opt-out probe written in the
#: twenty-seventh round to measure the learned backstop (rule 7b) on replies it never learned
#: from: opt-outs of every shape, near-misses with the words of stopping, answers with refusing
#: words; held to no dangerous error.
LIKENESS_PROBE_27 = DATA / "replies_dev60.jsonl"
#: The development part of the forty-eighth set, written in the same round: near-misses only
#: (complaints about the messages that ask for no stop, everyday words of stopping and removing,
#: answers that sound negative), to measure the false opt-outs of the rules and the likeness.
NEAR_MISS_PROBE_27 = DATA / "replies_dev61.jsonl"
#: The development part of the forty-ninth set, a seventh opt-out probe written in the
#: twenty-eighth round: opt-outs with a reason, asked, blunt or rambling, and complaints and
#: requests about the messages that ask for no stop ("don't send at night, send in the
#: morning"), beside everyday words of stopping about something else; held to no dangerous error.
OPT_OUT_PROBE_28 = DATA / "replies_dev62.jsonl"
#: The development part of the fiftieth set, an eighth opt-out probe written in the same round:
#: opt-outs written for someone else, in the middle of other news, dictated, borrowed words,
#: threats; remarks about the messages that ask for no stop (the neighbour read it, the sound woke
#: the baby); held to no dangerous error.
OPT_OUT_PROBE_28B = DATA / "replies_dev63.jsonl"
#: The development part of the fifty-first set, written in the twenty-ninth round in the voice of
#: people who mix languages (French or English words in Wolof, Arabic or Pidgin; English in Dari
#: and Bengali) with the plain mix of kinds, weighted to progress, proposals and help: held to no
#: dangerous error; its accuracy is published.
SPLIT_IN_ROUND_29 = DATA / "replies_dev64.jsonl"
#: The development part of the fifty-second set, written in the thirty-first round in the plain
#: style by writers who never saw the rules (the plain mix of kinds, weighted to progress and
#: proposals, some replies after days with the phone off): held to no dangerous error; its
#: accuracy is published.
SPLIT_IN_ROUND_31 = DATA / "replies_dev65.jsonl"
#: The development part of the fifty-third set, written in the thirty-third round in the plain
#: style by writers who never saw the rules (weighted to progress and proposals, some told at
#: length, some after days with the phone off): held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_33 = DATA / "replies_dev66.jsonl"
#: The development part of the fifty-fourth set, written in the thirty-fourth round in the plain
#: style by writers who never saw the rules, weighted to the two dangerous errors (chatter holding
#: a positive word, opt-outs as people write them): held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_34 = DATA / "replies_dev67.jsonl"
#: The development part of the fifty-fifth set, written in the same round by other writers with
#: an even mix of issue 16's ten kinds: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_34B = DATA / "replies_dev68.jsonl"
#: The development part of the fifty-sixth set, written at the end of the same round by other
#: writers with the even mix of the fifty-fifth: held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_34C = DATA / "replies_dev69.jsonl"
#: The development part of the fifty-seventh set, written in the thirty-fifth round by other
#: writers with the even mix of the fifty-fifth: held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_35 = DATA / "replies_dev70.jsonl"
#: The development part of the fifty-eighth set, written in the thirty-sixth round by other
#: writers with the even mix of the fifty-fifth: held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_36 = DATA / "replies_dev71.jsonl"
#: The development part of the fifty-ninth set, written in the thirty-seventh round by other
#: writers with the even mix of the fifty-fifth: held to no dangerous error; its accuracy is
#: published.
SPLIT_IN_ROUND_37 = DATA / "replies_dev72.jsonl"
#: The development part of the sixtieth set, written later in the thirty-seventh round by other
#: writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_37B = DATA / "replies_dev73.jsonl"
#: The development part of the sixty-first set, written in the thirty-eighth round by other
#: writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_38 = DATA / "replies_dev74.jsonl"
#: The development part of the sixty-second set, written later in the thirty-eighth round by
#: other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_38B = DATA / "replies_dev75.jsonl"
#: The development part of the sixty-third set, written at the end of the thirty-eighth round
#: by other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_38C = DATA / "replies_dev76.jsonl"
#: The development part of the sixty-fourth set, written at the start of the thirty-ninth round
#: by other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_39 = DATA / "replies_dev77.jsonl"
#: The development part of the sixty-fifth set, written later in the thirty-ninth round by other
#: writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_39B = DATA / "replies_dev78.jsonl"
#: The development part of the sixty-sixth set, written at the start of the fortieth round by
#: other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_40 = DATA / "replies_dev79.jsonl"
#: The development part of the sixty-seventh set, written later in the fortieth round by other
#: writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_40B = DATA / "replies_dev80.jsonl"
#: The development part of the sixty-eighth set, written at the end of the fortieth round by
#: other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_40C = DATA / "replies_dev81.jsonl"
#: The development part of the sixty-ninth set, written after the sixty-eighth set's tuning by
#: other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_40D = DATA / "replies_dev82.jsonl"
#: The development part of the seventieth set, written at the start of the forty-first round by
#: other writers with the same even mix (the brief naming the README's sections, not its lines):
#: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_41 = DATA / "replies_dev83.jsonl"
#: The development part of the seventy-first set, written after the seventieth set's tuning by
#: other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_41B = DATA / "replies_dev84.jsonl"
#: The development part of the seventy-second set, written after the seventy-first set's tuning
#: by other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_41C = DATA / "replies_dev85.jsonl"
#: The development part of the seventy-third set, written at the start of the forty-second round
#: by other writers with the same even mix: held to no dangerous error; its accuracy is published.
SPLIT_IN_ROUND_42 = DATA / "replies_dev86.jsonl"
SPLIT_IN_ROUND_43 = DATA / "replies_dev87.jsonl"
SPLIT_IN_ROUND_43_SECOND = DATA / "replies_dev88.jsonl"
SPLIT_IN_ROUND_43_THIRD = DATA / "replies_dev89.jsonl"
SPLIT_IN_ROUND_44 = DATA / "replies_dev90.jsonl"
SPLIT_IN_ROUND_44_SECOND = DATA / "replies_dev91.jsonl"
SPLIT_IN_ROUND_45 = DATA / "replies_dev92.jsonl"
#: Three quarters of the eightieth set: near misses of proposals, progress, opt-ins, help and
#: opt-outs beside the real ones, written for the learned readers of answers.
SPLIT_IN_ROUND_46 = DATA / "replies_dev93.jsonl"
#: Three quarters of the eighty-first set: opt-outs of every shape beside their near misses,
#: chatter holding positive words and answers holding them.
SPLIT_IN_ROUND_47 = DATA / "replies_dev94.jsonl"
#: Three quarters of the eighty-second set: opt-outs told beside an answer or opened by a "no",
#: and answers holding a "no", "stop" or "enough" that stop nothing.
SPLIT_IN_ROUND_48 = DATA / "replies_dev95.jsonl"
#: Three quarters of the eighty-third set: the even mix of issue 16's ten kinds a twenty-sixth
#: time.
SPLIT_IN_ROUND_49 = DATA / "replies_dev96.jsonl"
#: Three quarters of the eighty-fourth set: confirmations and progress told in a few words
#: beside the answer, and a yes beside news of something else.
SPLIT_IN_ROUND_49B = DATA / "replies_dev97.jsonl"
#: Three quarters of the eighty-fifth set: the even mix a twenty-seventh time.
SPLIT_IN_ROUND_49C = DATA / "replies_dev98.jsonl"
#: Three quarters of the eighty-sixth set: the even mix a twenty-eighth time.
SPLIT_IN_ROUND_52 = DATA / "replies_dev99.jsonl"
#: Three quarters of the eighty-seventh set: the even mix a twenty-ninth time.
SPLIT_IN_ROUND_53 = DATA / "replies_dev100.jsonl"
#: Three quarters of the eighty-eighth set: the even mix a thirtieth time.
SPLIT_IN_ROUND_54 = DATA / "replies_dev101.jsonl"
#: Three quarters of the eighty-ninth set: progress, opt-in and help sentences and colloquial
#: answers, the kinds read worst at first sight, ten of each a language.
SPLIT_IN_ROUND_54B = DATA / "replies_dev102.jsonl"
#: Three quarters of the ninetieth set: the same four kinds, five of each a language.
SPLIT_IN_ROUND_54C = DATA / "replies_dev103.jsonl"
#: Three quarters of the ninety-first set: the even mix a thirty-first time.
SPLIT_IN_ROUND_55 = DATA / "replies_dev104.jsonl"
#: Three quarters of the ninety-second set: opt-ins, opt-outs and reports that tell of an
#: earlier STOP, side by side in every language. Held to no dangerous error; a probe of one
#: kind of reply, its accuracy is published, not held to the bar.
STOP_TOLD_PROBE_55 = DATA / "replies_dev105.jsonl"
#: Three quarters of the ninety-third set: requests for help in words, beside replies close to
#: them that ask for none. Held to no dangerous error; its accuracy is published.
HELP_PROBE_55 = DATA / "replies_dev106.jsonl"
#: Three quarters of the ninety-fourth set: the even mix a thirty-second time.
SPLIT_IN_ROUND_56 = DATA / "replies_dev107.jsonl"
#: Three quarters of the ninety-fifth set: progress, opt-in and help sentences and proposals, the
#: kinds read worst at first sight, with replies close to them. Held to no dangerous error; its
#: accuracy is published.
KIND_PROBE_56 = DATA / "replies_dev108.jsonl"
#: Three quarters of the ninety-sixth set: the even mix a thirty-third time.
SPLIT_IN_ROUND_57 = DATA / "replies_dev109.jsonl"
#: Three quarters of the ninety-seventh set: the even mix a thirty-fourth time.
SPLIT_IN_ROUND_58 = DATA / "replies_dev110.jsonl"
#: Three quarters of the ninety-eighth set: progress, opt-in and help sentences and proposals a
#: fourth time. Held to no dangerous error; its accuracy is published.
KIND_PROBE_58 = DATA / "replies_dev111.jsonl"
#: Three quarters of the ninety-ninth set: the even mix a thirty-fifth time.
SPLIT_IN_ROUND_58B = DATA / "replies_dev112.jsonl"
#: Three quarters of the hundredth set: the even mix a thirty-sixth time.
SPLIT_IN_ROUND_59 = DATA / "replies_dev113.jsonl"
#: Three quarters of the hundred-and-first set: the even mix a thirty-seventh time.
SPLIT_IN_ROUND_59B = DATA / "replies_dev114.jsonl"
#: Three quarters of the hundred-and-second set: the even mix a thirty-eighth time.
SPLIT_IN_ROUND_59C = DATA / "replies_dev115.jsonl"
#: Three quarters of the hundred-and-third set: the even mix a thirty-ninth time.
SPLIT_IN_ROUND_59D = DATA / "replies_dev116.jsonl"
#: Three quarters of the hundred-and-fourth set: the even mix a fortieth time.
SPLIT_IN_ROUND_60 = DATA / "replies_dev117.jsonl"
#: Three quarters of the hundred-and-fifth set: the even mix a forty-first time.
SPLIT_IN_ROUND_60B = DATA / "replies_dev118.jsonl"
DEVELOPMENT_FILES = (DEVELOPMENT, SUPPLEMENT)
#: Every development file, in the order of the tables in docs/replies.md.
EVERY_DEVELOPMENT_FILE = (
    *DEVELOPMENT_FILES,
    SUPPLEMENT3,
    SUPPLEMENT4,
    SUPPLEMENT5,
    SUPPLEMENT6,
    SUPPLEMENT7,
    SUPPLEMENT8,
    SUPPLEMENT9,
    SUPPLEMENT10,
    SUPPLEMENT11,
    SUPPLEMENT12,
    SUPPLEMENT13,
    SUPPLEMENT14,
    *PROMOTED_IN_ROUND_15[:6],
    OPT_OUT_SUPPLEMENTS[0],
    PROMOTED_IN_ROUND_15[6],
    OPT_OUT_SUPPLEMENTS[1],
    PROMOTED_IN_ROUND_15[7],
    OPT_OUT_SUPPLEMENTS[2],
    OPT_OUT_SUPPLEMENTS[3],
    *PROMOTED_IN_ROUND_16,
    *PROMOTED_AT_THE_END_OF_ROUND_16,
    *SPLIT_IN_ROUND_17,
    *SPLIT_IN_ROUND_18,
    *SPLIT_IN_ROUND_19[:2],
    *OPT_OUT_PROBES_19[:2],
    *SPLIT_IN_ROUND_19[2:4],
    OPT_OUT_PROBES_19[2],
    SPLIT_IN_ROUND_19[4],
    *SPLIT_AT_THE_END_OF_ROUND_19,
    *SPLIT_IN_ROUND_20,
    OPT_OUT_PROBE_21,
    FALSE_OPT_OUT_PROBE_22,
    OPT_OUT_PROBE_26,
    SHORT_AND_LONG_PROBE_26,
    LIKENESS_PROBE_27,
    NEAR_MISS_PROBE_27,
    OPT_OUT_PROBE_28,
    OPT_OUT_PROBE_28B,
    SPLIT_IN_ROUND_29,
    SPLIT_IN_ROUND_31,
    SPLIT_IN_ROUND_33,
    SPLIT_IN_ROUND_34,
    SPLIT_IN_ROUND_34B,
    SPLIT_IN_ROUND_34C,
    SPLIT_IN_ROUND_35,
    SPLIT_IN_ROUND_36,
    SPLIT_IN_ROUND_37,
    SPLIT_IN_ROUND_37B,
    SPLIT_IN_ROUND_38,
    SPLIT_IN_ROUND_38B,
    SPLIT_IN_ROUND_38C,
    SPLIT_IN_ROUND_39,
    SPLIT_IN_ROUND_39B,
    SPLIT_IN_ROUND_40,
    SPLIT_IN_ROUND_40B,
    SPLIT_IN_ROUND_40C,
    SPLIT_IN_ROUND_40D,
    SPLIT_IN_ROUND_41,
    SPLIT_IN_ROUND_41B,
    SPLIT_IN_ROUND_41C,
    SPLIT_IN_ROUND_42,
    SPLIT_IN_ROUND_43,
    SPLIT_IN_ROUND_43_SECOND,
    SPLIT_IN_ROUND_43_THIRD,
    SPLIT_IN_ROUND_44,
    SPLIT_IN_ROUND_44_SECOND,
    SPLIT_IN_ROUND_45,
    SPLIT_IN_ROUND_46,
    SPLIT_IN_ROUND_47,
    SPLIT_IN_ROUND_48,
    SPLIT_IN_ROUND_49,
    SPLIT_IN_ROUND_49B,
    SPLIT_IN_ROUND_49C,
    SPLIT_IN_ROUND_52,
    SPLIT_IN_ROUND_53,
    SPLIT_IN_ROUND_54,
    SPLIT_IN_ROUND_54B,
    SPLIT_IN_ROUND_54C,
    SPLIT_IN_ROUND_55,
    STOP_TOLD_PROBE_55,
    HELP_PROBE_55,
    SPLIT_IN_ROUND_56,
    KIND_PROBE_56,
    SPLIT_IN_ROUND_57,
    SPLIT_IN_ROUND_58,
    KIND_PROBE_58,
    SPLIT_IN_ROUND_58B,
    SPLIT_IN_ROUND_59,
    SPLIT_IN_ROUND_59B,
    SPLIT_IN_ROUND_59C,
    SPLIT_IN_ROUND_59D,
    SPLIT_IN_ROUND_60,
    SPLIT_IN_ROUND_60B,
)
#: Supplements written for some kinds only, not a language's whole range of replies: held to no
#: false confirmation and no missed opt-out, not to the accuracy bar.
KIND_SUPPLEMENTS = (
    SUPPLEMENT3,
    SUPPLEMENT4,
    SUPPLEMENT5,
    SUPPLEMENT14,
    *OPT_OUT_SUPPLEMENTS,
    *OPT_OUT_PROBES_19,
    OPT_OUT_PROBE_21,
    FALSE_OPT_OUT_PROBE_22,
    OPT_OUT_PROBE_26,
    SHORT_AND_LONG_PROBE_26,
    LIKENESS_PROBE_27,
    NEAR_MISS_PROBE_27,
    OPT_OUT_PROBE_28,
    OPT_OUT_PROBE_28B,
)
#: Files held to no dangerous error only.
NO_ACCURACY_BAR = (
    *KIND_SUPPLEMENTS,
    *PROMOTED_AT_THE_END_OF_ROUND_16,
    *SPLIT_IN_ROUND_17,
    *SPLIT_AT_THE_END_OF_ROUND_19,
    *SPLIT_IN_ROUND_20,
    SPLIT_IN_ROUND_29,
    SPLIT_IN_ROUND_31,
    SPLIT_IN_ROUND_33,
    SPLIT_IN_ROUND_34,
    SPLIT_IN_ROUND_34B,
    SPLIT_IN_ROUND_34C,
    SPLIT_IN_ROUND_35,
    SPLIT_IN_ROUND_36,
    SPLIT_IN_ROUND_37,
    SPLIT_IN_ROUND_37B,
    SPLIT_IN_ROUND_38,
    SPLIT_IN_ROUND_38B,
    SPLIT_IN_ROUND_38C,
    SPLIT_IN_ROUND_39,
    SPLIT_IN_ROUND_39B,
    SPLIT_IN_ROUND_40,
    SPLIT_IN_ROUND_40B,
    SPLIT_IN_ROUND_40C,
    SPLIT_IN_ROUND_40D,
    SPLIT_IN_ROUND_41,
    SPLIT_IN_ROUND_41B,
    SPLIT_IN_ROUND_41C,
    SPLIT_IN_ROUND_42,
    SPLIT_IN_ROUND_43,
    SPLIT_IN_ROUND_43_SECOND,
    SPLIT_IN_ROUND_43_THIRD,
    SPLIT_IN_ROUND_44,
    SPLIT_IN_ROUND_44_SECOND,
    SPLIT_IN_ROUND_45,
    SPLIT_IN_ROUND_46,
    SPLIT_IN_ROUND_47,
    SPLIT_IN_ROUND_48,
    SPLIT_IN_ROUND_49,
    SPLIT_IN_ROUND_49B,
    SPLIT_IN_ROUND_49C,
    SPLIT_IN_ROUND_52,
    SPLIT_IN_ROUND_53,
    SPLIT_IN_ROUND_54,
    SPLIT_IN_ROUND_54B,
    SPLIT_IN_ROUND_54C,
    SPLIT_IN_ROUND_55,
    STOP_TOLD_PROBE_55,
    HELP_PROBE_55,
    SPLIT_IN_ROUND_56,
    KIND_PROBE_56,
    SPLIT_IN_ROUND_57,
    SPLIT_IN_ROUND_58,
    KIND_PROBE_58,
    SPLIT_IN_ROUND_58B,
    SPLIT_IN_ROUND_59,
    SPLIT_IN_ROUND_59B,
    SPLIT_IN_ROUND_59C,
    SPLIT_IN_ROUND_59D,
    SPLIT_IN_ROUND_60,
    SPLIT_IN_ROUND_60B,
)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "replies.md"

MIN_OVERALL = 0.98
MIN_PER_LANGUAGE = 0.95


@cache
def _score(path: Path) -> Score:
    return score_file(path)


def _misses(score: Score) -> str:
    return "\n".join(
        f"{m.reply.language} {m.reply.question} [{m.reply.kind}] {m.reply.text!r}: "
        f"want {m.reply.intent}, got {m.got}"
        for m in score.misses
    )


@pytest.mark.parametrize(
    "path",
    EVERY_DEVELOPMENT_FILE,
    ids=lambda path: path.name,
)
def test_development_corpus_has_no_false_confirm_and_no_missed_opt_out(path: Path) -> None:
    score = _score(path)
    assert (score.false_confirms, score.missed_opt_outs) == (0, 0), _misses(score)


@pytest.mark.parametrize(
    "path",
    [FALSE_OPT_OUT_PROBE_22, OPT_OUT_PROBE_26, SHORT_AND_LONG_PROBE_26],
    ids=lambda p: p.name,
)
def test_the_false_opt_out_probes_stop_no_one_who_did_not_ask(path: Path) -> None:
    """A complaint that a message never came, a wish to be reminded or to keep one's number is
    read as anything but an opt-out: an opt-out stops the returnee's reminders."""
    score = _score(path)
    assert score.false_opt_outs == 0, _misses(score)


@pytest.mark.parametrize(
    "path",
    [path for path in EVERY_DEVELOPMENT_FILE if path not in NO_ACCURACY_BAR],
    ids=lambda path: path.name,
)
def test_development_corpus_accuracy_overall_and_in_every_language(path: Path) -> None:
    score = _score(path)
    assert score.overall.accuracy >= MIN_OVERALL, _misses(score)
    assert set(supported_codes()) <= set(score.by_language)
    low = {
        code: f"{tally.accuracy:.1%}"
        for code, tally in score.by_language.items()
        if tally.accuracy < MIN_PER_LANGUAGE
    }
    assert low == {}, _misses(score)


@pytest.mark.parametrize("format_table", [format_language_table, format_kind_table])
def test_docs_hold_the_current_score_tables(format_table: Callable[[list[Score]], str]) -> None:
    table = format_table([_score(path) for path in EVERY_DEVELOPMENT_FILE])
    assert table in DOCS.read_text(encoding="utf-8"), (
        "refresh the development tables in docs/replies.md from `smsgateway replies score "
        "tests/data/replies_dev.jsonl tests/data/replies_dev2.jsonl "
        "tests/data/replies_dev3.jsonl tests/data/replies_dev4.jsonl "
        "tests/data/replies_dev5.jsonl tests/data/replies_dev6.jsonl "
        "tests/data/replies_dev7.jsonl tests/data/replies_dev8.jsonl "
        "tests/data/replies_dev9.jsonl tests/data/replies_dev10.jsonl "
        "tests/data/replies_dev11.jsonl tests/data/replies_dev12.jsonl "
        "tests/data/replies_dev13.jsonl tests/data/replies_dev14.jsonl ... "
        "tests/data/replies_dev118.jsonl --table`:\n" + table
    )


def test_every_rule_is_documented_for_translators() -> None:
    keywords = (DOCS.parents[1] / "locales" / "KEYWORDS.md").read_text(encoding="utf-8")
    assert [rule for rule in RULES if f"`{rule}`" not in keywords] == []


#: The satisfaction lines of the development corpus must show these in every language (issue 20):
#: the three answers and a reason to "why?"; and a message opened by the feedback keyword.
SATISFACTION_ANSWERS = {
    (Question.SATISFACTION, Intent.SATISFIED),
    (Question.SATISFACTION, Intent.PARTLY_SATISFIED),
    (Question.SATISFACTION, Intent.NOT_SATISFIED),
    (Question.SATISFACTION_REASON, Intent.REASON),
}


def test_satisfaction_answers_and_reasons_are_read_in_every_shipped_language() -> None:
    """In every language, each answer, a reason and a feedback message are read right at least
    once; a line read wrong only ever goes to review (unclear), never to another answer."""
    lines = [reply for reply in load_corpus(DEVELOPMENT) if reply.kind == "satisfaction"]
    score = score_replies("satisfaction", lines)
    missed = {id(miss.reply) for miss in score.misses}
    for code in supported_codes():
        right = [r for r in lines if r.language == code and id(r) not in missed]
        assert {(r.question, r.intent) for r in right} >= SATISFACTION_ANSWERS, code
        assert Intent.FEEDBACK in {r.intent for r in right}, code
    assert [m for m in score.misses if m.got is not Intent.UNCLEAR] == [], _misses(score)
    assert score.overall.accuracy >= MIN_OVERALL, _misses(score)
