"""The learned opt-out backstop (rule 7b, `opt_out_likeness`): its pieces, its weights, where it
applies and where the rules keep it from applying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smsgateway.cli.replies import development_files, replies_cli
from smsgateway.replies.classify import explain_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.likeness import (
    MODEL_FILE,
    THRESHOLD,
    Model,
    learn,
    opt_out_likeness,
    pieces,
    read_model,
    write_model,
)

DATA = Path(__file__).resolve().parents[1] / "data"
R = Question.APPOINTMENT_REMINDER


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


def test_the_held_back_files_are_never_learned_from(tmp_path: Path) -> None:
    for name in ("replies_dev.jsonl", "replies_heldback.jsonl", "replies_heldback47.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in development_files(tmp_path)] == ["replies_dev.jsonl"]
    assert all("heldback" not in p.name for p in development_files(DATA))


@pytest.mark.slow
def test_the_shipped_weights_are_what_the_development_files_teach(tmp_path: Path) -> None:
    """No hand-set weight: `smsgateway replies learn` on the corpus gives the shipped file."""
    out = tmp_path / "weights.tsv"
    result = CliRunner().invoke(replies_cli, ["learn", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == MODEL_FILE.read_bytes()


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
