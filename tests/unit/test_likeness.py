"""The learned backstops: the opt-out likeness (rule 7b, `opt_out_likeness`) and the answer
likenesses (rule 7c, `answer_likeness`): their pieces, their weights, where they apply and where
the rules keep them from applying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smsgateway.cli.replies import development_files, replies_cli
from smsgateway.replies.classify import explain_reply, understand_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.likeness import (
    MODEL_FILE,
    NO_LIKENESS,
    OTHER_LIKENESSES,
    THRESHOLD,
    Model,
    learn,
    learning_examples,
    model_file,
    opt_out_likeness,
    pieces,
    read_model,
    write_model,
)
from smsgateway.replies.likeness_check import (
    LikenessCheck,
    check_likeness,
    check_other_likenesses,
    split_into_folds,
)
from smsgateway.replies.scoring import LabelledReply

DATA = Path(__file__).resolve().parents[1] / "data"
R = Question.APPOINTMENT_REMINDER
A = Question.ATTENDANCE_CHECK
F = Question.FOLLOWUP


def test_pieces_are_words_pairs_and_letters_in_matching_form() -> None:
    found = pieces("Arrêtez SMS")
    assert {"w:arretez", "w:sms", "b:arretez sms"} <= found
    assert {"c:^ar", "c:tez$", "c:rete", "c:^sms$"} <= found
    assert not any(piece.startswith("c:") and len(piece) > 7 for piece in found)


def test_the_shipped_weights_are_read_with_their_bias() -> None:
    model = read_model(MODEL_FILE)
    assert len(model.weights) > 10_000
    assert model.bias < 0  # a reply of unknown pieces is no opt-out
    assert model.likeness("").probability < THRESHOLD


def test_weights_written_are_read_back(tmp_path: Path) -> None:
    model = Model({"w:stop": 2.5, "b:no more": 1.25, "c:^sm": -0.5}, -1.0)
    path = tmp_path / "model.tsv"
    write_model(model, path)
    assert read_model(path) == model
    assert path.read_text(encoding="utf-8").splitlines()[0] == "(bias)\t-1.0000"


def test_learning_needs_both_kinds_of_reply() -> None:
    with pytest.raises(ValueError, match="opt-outs and other replies"):
        learn([("stop", True), ("stop now", True)])


def test_learning_separates_what_it_was_shown() -> None:
    examples = [(f"leave me alone {n}", True) for n in range(20)]
    examples += [(f"see you on monday {n}", False) for n in range(20)]
    model = learn(examples)
    assert model.likeness("please leave me alone").probability > 0.9
    assert model.likeness("monday then, see you").probability < 0.1


def test_the_order_of_the_examples_does_not_change_the_weights() -> None:
    """Each reply's place in an order of learning is drawn from the reply itself: the same
    replies in any order give the same weights, and a corpus that grows does not reshuffle the
    replies it already had (which moved readings of replies unlike the new ones)."""
    examples = [(f"leave me alone {n}", True) for n in range(12)]
    examples += [(f"see you on monday {n}", False) for n in range(12)]
    examples += [("ok thanks", False), ("no more texts please", True), ("who is this", False)]
    assert learn(examples) == learn(examples[::-1])
    assert learn(examples) == learn(sorted(examples))


def test_the_held_back_files_are_never_learned_from(tmp_path: Path) -> None:
    for name in ("replies_dev.jsonl", "replies_heldback.jsonl", "replies_heldback47.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in development_files(tmp_path)] == ["replies_dev.jsonl"]
    assert all("heldback" not in p.name for p in development_files(DATA))


@pytest.mark.slow
# Learning the three likenesses from the whole development corpus takes a minute alone (about
# 70 s for 54,000 replies; 160 s before the fit kept its weights in lists) and grows with it:
# the suite's 300 s is little room on a busy machine.
@pytest.mark.timeout(900)
def test_the_shipped_weights_are_what_the_development_files_teach(tmp_path: Path) -> None:
    """No hand-set weight: `smsgateway replies learn` on the corpus gives the shipped files."""
    out = tmp_path / "weights.tsv"
    result = CliRunner().invoke(replies_cli, ["learn", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == MODEL_FILE.read_bytes()
    for intent in OTHER_LIKENESSES:
        assert model_file(intent, out).read_bytes() == model_file(intent).read_bytes(), intent


@pytest.mark.parametrize(
    ("lang", "question", "text"),
    [
        # Opt-outs in words no rule knows: no answer to any question, very like the opt-outs.
        ("fr", R, "c'est le téléphone de ma soeur, elle ne veut pas de ces sms"),
        ("ka", None, "nomer washalet"),
        ("fr", None, "ces sms c'est trop, ce téléphone est à mon mari"),
    ],
)
def test_an_opt_out_no_rule_knows_is_read_by_likeness(
    lang: str, question: Question | None, text: str
) -> None:
    decision = explain_reply(text, lang, question)
    assert (decision.intent, decision.rule) == (Intent.OPT_OUT, "opt_out_likeness")
    assert decision.words  # the words that weighed most, for --explain
    assert opt_out_likeness(text).is_an_opt_out


@pytest.mark.parametrize(
    ("lang", "question", "text", "intent"),
    [
        # What the rules know stops nothing keeps the likeness from applying, however alike.
        ("en", None, "why did u stop 😒", Intent.UNCLEAR),  # a "why"
        ("ar", None, "ليش وقفت الرسائل؟ ما وصلني شي من اسبوعين", Intent.UNCLEAR),
        ("pcm", R, "una message don stop to dey come", Intent.UNCLEAR),  # a not_stop phrase
        ("en", None, "my number, don't delete it", Intent.UNCLEAR),  # a negated removal
        ("en", None, "dont stop the reminders please", Intent.UNCLEAR),  # the messages go on
        # An answer to the open question is read as the answer.
        ("en", R, "2, I don't want to go there any more", Intent.DECLINE),
    ],
)
def test_the_rules_keep_the_likeness_from_applying(
    lang: str, question: Question | None, text: str, intent: Intent
) -> None:
    decision = explain_reply(text, lang, question)
    assert decision.intent is intent
    assert decision.rule != "opt_out_likeness"


def test_explain_names_the_likeness_and_its_words() -> None:
    line = json.dumps({"lang": "ka", "question": None, "text": "nomer washalet"})
    result = CliRunner().invoke(replies_cli, ["classify", "--explain"], input=line + "\n")
    out = json.loads(result.stdout)
    assert out["intent"] == "opt_out"
    assert out["rule"] == "opt_out_likeness"
    assert "washalet" in out["words"]


def test_learn_refuses_a_folder_without_development_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(replies_cli, ["learn", str(tmp_path), "--out", "x.tsv"])
    assert result.exit_code != 0
    assert "no development corpus file" in result.output


def _write_corpus(folder: Path, name: str, rows: list[tuple[str, str]]) -> None:
    _write_answers(folder, name, [(text, None, intent) for text, intent in rows])


@pytest.fixture
def made_up_corpus(tmp_path: Path) -> Path:
    """Opt-outs in made-up words no rule knows ("zorblat kavu"), in both development files; one
    file also holds opt-outs in words found nowhere else ("quib frez"), and a held-back file
    holds the words of both."""
    others = [
        ("mirtel posh", "unclear"),
        ("posh mirtel nen", "unclear"),
        ("lorp mirtel", "unclear"),
    ]
    _write_corpus(
        tmp_path,
        "replies_a.jsonl",
        [("zorblat kavu", "opt_out"), ("zorblat kavu nen", "opt_out"), *others],
    )
    _write_corpus(
        tmp_path,
        "replies_b.jsonl",
        [
            ("kavu zorblat pim", "opt_out"),
            ("zorblat kavu dree", "opt_out"),
            ("quib frez", "opt_out"),
            ("frez quib dree", "opt_out"),
            ("mirtel posh dree", "unclear"),
            ("posh posh wex", "unclear"),
        ],
    )
    _write_corpus(tmp_path, "replies_heldback.jsonl", [("quib frez zorblat", "opt_out")])
    return tmp_path


def test_the_check_reads_each_file_with_weights_learned_without_it(made_up_corpus: Path) -> None:
    check = check_likeness(sorted(made_up_corpus.glob("*.jsonl")), folds=2)
    first, second = check.folds
    assert (first.files, second.files) == (("replies_a.jsonl",), ("replies_b.jsonl",))
    # The rules know none of the words; the likeness learned from the other file finds the
    # "zorblat kavu" opt-outs, never the "quib frez" ones it was not shown.
    assert (first.missed_by_rules, first.stops_found, first.missed_with_likeness) == (2, 2, 0)
    assert (second.missed_by_rules, second.stops_found, second.missed_with_likeness) == (4, 2, 2)
    assert check.all_folds().false_stops == 0
    assert check.all_folds().replies == 11  # the held-back file is never read
    assert (
        "all | 2 | 11 | 5 (45.5%) | 9 (81.8%) | 4 | 0 | 6 -> 2 of 6" in check.report().splitlines()
    )


def test_the_check_reads_every_fold_at_each_threshold(made_up_corpus: Path) -> None:
    check = check_likeness(sorted(made_up_corpus.glob("*.jsonl")), folds=2, thresholds=(0.5, 1.0))
    assert sorted(check.by_threshold) == [0.5, THRESHOLD, 1.0]
    # At the shipped threshold the counts are the folds' own; no reply is ever as like an opt-out
    # as 1.0, so there the likeness stops nothing; a lower threshold never finds fewer.
    assert check.by_threshold[THRESHOLD] == check.all_folds()
    assert check.by_threshold[1.0].stops_found == check.by_threshold[1.0].false_stops == 0
    assert check.by_threshold[1.0].missed_with_likeness == check.all_folds().missed_by_rules
    assert check.by_threshold[0.5].stops_found >= check.all_folds().stops_found == 4
    assert check.report().splitlines()[-3:] == [
        _row_of(check, 0.5, "0.5"),
        "0.9 (shipped) | 2 | 11 | 5 (45.5%) | 9 (81.8%) | 4 | 0 | 6 -> 2 of 6",
        "1 | 2 | 11 | 5 (45.5%) | 5 (45.5%) | 0 | 0 | 6 -> 6 of 6",
    ]


def _row_of(check: LikenessCheck, threshold: float, label: str) -> str:
    whole = check.by_threshold[threshold]
    return (
        f"{label} | 2 | 11 | 5 (45.5%) | {whole.right_with_likeness} "
        f"({whole.right_with_likeness / 11:.1%}) | {whole.stops_found} | {whole.false_stops} | "
        f"6 -> {whole.missed_with_likeness} of 6"
    )


def test_folds_are_whole_development_files_dealt_in_name_order(tmp_path: Path) -> None:
    names = [f"replies_dev{n}.jsonl" for n in range(1, 6)] + ["replies_heldback3.jsonl"]
    paths = [tmp_path / name for name in names]
    folds = split_into_folds(list(reversed(paths)), 2)
    assert [[p.name for p in fold] for fold in folds] == [
        ["replies_dev1.jsonl", "replies_dev3.jsonl", "replies_dev5.jsonl"],
        ["replies_dev2.jsonl", "replies_dev4.jsonl"],
    ]
    with pytest.raises(ValueError, match="cannot make 6 folds"):
        split_into_folds(paths, 6)
    with pytest.raises(ValueError, match="at least two folds"):
        split_into_folds(paths, 1)


def test_learn_check_prints_the_check_then_writes_the_weights(made_up_corpus: Path) -> None:
    out = made_up_corpus / "weights.tsv"
    args = ["learn", str(made_up_corpus), "--out", str(out), "--check", "2"]
    result = CliRunner().invoke(replies_cli, args)
    assert result.exit_code == 0, result.output
    assert "likeness check: 2 folds" in result.output
    assert "all | 2 | 11 |" in result.output
    assert read_model(out).likeness("zorblat kavu").is_an_opt_out


@pytest.mark.parametrize(
    ("lang", "question", "text", "intent", "rule"),
    [
        # Proposals and "not yet"s in words no rule reads, very like the corpus's.
        ("fr", R, "lundi ça va pas, mardi c possible?", Intent.RESCHEDULE, "answer_likeness"),
        ("ka", R, "დილით ვერ, ოთხის მერე თუ შეიძლება", Intent.RESCHEDULE, "answer_likeness"),
        ("bn", F, "ekhono jai nai, samner hoptay jabo", Intent.ATTENDED_NO, "answer_likeness"),
        ("ka", A, "ara ar mivsulvar avad viyavi", Intent.ATTENDED_NO, "answer_likeness"),
    ],
)
def test_a_reply_no_rule_reads_is_read_by_the_other_likenesses(
    lang: str, question: Question | None, text: str, intent: Intent, rule: str
) -> None:
    assert understand_reply(text, lang, likeness=NO_LIKENESS).intent(question) is Intent.UNCLEAR
    decision = explain_reply(text, lang, question)
    assert (decision.intent, decision.rule) == (intent, rule)
    assert decision.words  # the words that weighed most, for --explain


@pytest.mark.parametrize(
    ("lang", "question", "text", "intent"),
    [
        # One word is like too many replies ("sheidzleba", maybe).
        ("ka", R, "sheidzleba", Intent.UNCLEAR),
        # A proposal is no answer to "did you go?": only the answers the question allows.
        ("fr", A, "lundi ça va pas, mardi c possible?", Intent.UNCLEAR),
        # A contradiction stays unclear by its own rule.
        ("en", A, "yes i went, no i didnt", Intent.UNCLEAR),
        # No request, no answer: no likeness is learned for requests for the messages again
        # (one was tried: it read "Thank you again for the reminders" and "Nuk dua t'i
        # aktivizoni përsëri", I don't want you to activate them again, as requests).
        ("ka", None, "შეტყობინებები თავიდან გამომიგზავნეთ რა", Intent.UNCLEAR),
        ("en", None, "Thank you again for the reminders", Intent.UNCLEAR),
    ],
)
def test_the_rules_keep_the_other_likenesses_from_applying(
    lang: str, question: Question | None, text: str, intent: Intent
) -> None:
    decision = explain_reply(text, lang, question)
    assert decision.intent is intent
    assert decision.rule != "answer_likeness"


def test_an_answer_is_learned_only_from_replies_to_the_questions_it_answers() -> None:
    replies = [
        LabelledReply("en", R, "thursday instead?", Intent.RESCHEDULE),
        LabelledReply("en", A, "not yet", Intent.ATTENDED_NO),
        LabelledReply("en", None, "stop it", Intent.OPT_OUT),
    ]
    assert learning_examples(Intent.RESCHEDULE, replies) == [("thursday instead?", True)]
    assert learning_examples(Intent.ATTENDED_NO, replies) == [("not yet", True)]
    assert learning_examples(Intent.OPT_OUT, replies) == [
        ("thursday instead?", False),
        ("not yet", False),
        ("stop it", True),
    ]


def _write_answers(folder: Path, name: str, rows: list[tuple[str, str | None, str]]) -> None:
    lines = (json.dumps({"lang": "en", "question": q, "text": t, "intent": i}) for t, q, i in rows)
    (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_the_other_check_reads_each_fold_with_likenesses_learned_without_it(
    tmp_path: Path,
) -> None:
    """Proposals in made-up words ("vindu plasko") in both files: learned from one file, the
    other file's are read as proposals; nothing else changes."""
    for name, extra in (("replies_a.jsonl", "grelm"), ("replies_b.jsonl", "tosk")):
        rows: list[tuple[str, str | None, str]] = [
            (f"vindu plasko {extra}", "appointment_reminder", "reschedule"),
            (f"plasko vindu {extra} {extra}", "appointment_reminder", "reschedule"),
            (f"mirtel posh {extra}", "appointment_reminder", "unclear"),
            (f"posh mirtel nen {extra}", "appointment_reminder", "unclear"),
            (f"lorp dree {extra}", "attendance_check", "attended_no"),
            (f"quib frez {extra}", "attendance_check", "unclear"),
            (f"wex nen {extra}", None, "unclear"),
            (f"zorblat kavu {extra}", None, "opt_out"),
        ]
        _write_answers(tmp_path, name, rows)
    check = check_other_likenesses(sorted(tmp_path.glob("*.jsonl")), folds=2)
    assert check.replies == 16
    assert check.fixed.get("reschedule", 0) >= 2
    assert check.right_after - check.right_before == sum(check.fixed.values()) - sum(
        check.broke.values()
    )
    assert check.false_confirms == check.missed_opt_outs == 0
    assert "other likenesses check: 2 folds" in check.report(2)


#: Weights that find every reply like an opt-out: what keeps the likeness away is the rules.
_EVERYTHING_ALIKE = Model({}, 30.0)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pcm", "make person ring me abeg"),
        ("pcm", "e don clear me now, tanks"),
        ("en", "call me please"),
    ],
)
def test_a_reply_whose_every_word_is_known_and_none_makes_an_opt_out_is_not_weighed(
    language: str, text: str
) -> None:
    understood = understand_reply(text, language, likeness=_EVERYTHING_ALIKE)
    assert understood.intent(None) is not Intent.OPT_OUT, understood.explain(None)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # A word no keyword knows is left to be like something.
        ("pcm", "make person ring me abeg, zorblat"),
        # ... and so is a reply with a word of what opt-outs are made of.
        ("en", "messages today please"),
        ("en", "my number please"),
    ],
)
def test_a_reply_with_an_unknown_word_or_an_opt_out_ingredient_is_still_weighed(
    language: str, text: str
) -> None:
    understood = understand_reply(text, language, likeness=_EVERYTHING_ALIKE)
    assert understood.intent(None) is Intent.OPT_OUT, understood.explain(None)
