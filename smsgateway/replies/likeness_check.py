"""Whether the learned opt-out backstop helps on replies it was not learned from.

The likeness (`smsgateway.replies.likeness`) is learned from every development file, so its
readings of those files flatter it. This check splits the development files into folds (whole
files: a fold is like a new set nobody learned from), learns the weights from the other folds,
and reads each fold's replies twice: by the rules alone, and with the weights learned without
them. What the likeness changes there is what it would change on a new set: opt-outs the rules
missed and it found, and replies it stopped that were none. `smsgateway replies learn --check`
prints it before the weights are written, so that a learning is judged on replies it never saw,
and at a few thresholds beside the shipped one, so that the threshold is judged the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from smsgateway.inputs import reading_text
from smsgateway.replies.classify import understand_reply
from smsgateway.replies.intents import Intent
from smsgateway.replies.likeness import (
    NO_LIKENESS,
    OTHER_LIKENESSES,
    THRESHOLD,
    Model,
    learn,
    learning_examples,
)
from smsgateway.replies.scoring import LabelledReply, is_held_back, load_corpus

#: How many folds the development files are split into by default.
FOLDS = 5
#: The thresholds every fold is also read at, the shipped one (`THRESHOLD`) among them.
THRESHOLDS = (0.8, 0.85, THRESHOLD, 0.95, 0.98)


@dataclass
class FoldCheck:
    """One fold's replies read by the rules alone and with weights learned without them."""

    files: tuple[str, ...]
    replies: int = 0
    opt_outs: int = 0
    #: Read as labelled by the rules alone, and with the likeness.
    right_by_rules: int = 0
    right_with_likeness: int = 0
    #: Read as an opt-out by the likeness (rule `opt_out_likeness`) and labelled one.
    stops_found: int = 0
    #: Read as an opt-out by the likeness and labelled otherwise: a returnee's messages stop.
    false_stops: int = 0
    missed_by_rules: int = 0
    missed_with_likeness: int = 0

    def add(self, reply: LabelledReply, by_rules: Intent, with_likeness: Intent) -> None:
        is_opt_out = reply.intent is Intent.OPT_OUT
        self.replies += 1
        self.opt_outs += is_opt_out
        self.right_by_rules += by_rules is reply.intent
        self.right_with_likeness += with_likeness is reply.intent
        self.missed_by_rules += is_opt_out and by_rules is not Intent.OPT_OUT
        self.missed_with_likeness += is_opt_out and with_likeness is not Intent.OPT_OUT
        if with_likeness is Intent.OPT_OUT and by_rules is not Intent.OPT_OUT:
            self.stops_found += is_opt_out
            self.false_stops += not is_opt_out

    def add_counts(self, other: FoldCheck) -> None:
        """Add another fold's counts to these."""
        for counter in fields(self):
            if counter.name != "files":
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )


@dataclass
class LikenessCheck:
    #: Each fold read at the shipped threshold.
    folds: list[FoldCheck] = field(default_factory=list)
    #: Every fold read at each of `THRESHOLDS`, the counts of the folds added together.
    by_threshold: dict[float, FoldCheck] = field(default_factory=dict)

    def report(self) -> str:
        """The check as a few lines of text: per fold, then all folds together, then all folds
        at each threshold."""
        lines = [
            f"likeness check: {len(self.folds)} folds of whole development files, each read with "
            "weights learned from the others",
            "fold | files | replies | right by rules | right with likeness | stops found | "
            "false stops | missed opt-outs (rules -> likeness)",
        ]
        for number, fold in enumerate(self.folds, start=1):
            lines.append(_row(str(number), fold))
        lines.append(_row("all", self.all_folds()))
        lines.append("threshold | " + lines[1].split(" | ", 1)[1])
        for threshold, whole in sorted(self.by_threshold.items()):
            shipped = " (shipped)" if threshold == THRESHOLD else ""
            lines.append(_row(f"{threshold:g}{shipped}", whole))
        return "\n".join(lines)

    def all_folds(self) -> FoldCheck:
        """Every fold's counts added together."""
        whole = FoldCheck(tuple(name for fold in self.folds for name in fold.files))
        for fold in self.folds:
            whole.add_counts(fold)
        return whole


def _row(label: str, fold: FoldCheck) -> str:
    def share(count: int) -> str:
        return f"{count} ({count / fold.replies:.1%})" if fold.replies else str(count)

    return (
        f"{label} | {len(fold.files)} | {fold.replies} | {share(fold.right_by_rules)} | "
        f"{share(fold.right_with_likeness)} | {fold.stops_found} | {fold.false_stops} | "
        f"{fold.missed_by_rules} -> {fold.missed_with_likeness} of {fold.opt_outs}"
    )


def split_into_folds(paths: Sequence[Path], folds: int) -> list[list[Path]]:
    """The development files of `paths` dealt into `folds` folds in name order (the same files
    always give the same folds); a held-back file is never among them."""
    if folds < 2:
        raise ValueError("a check needs at least two folds")
    development = sorted(p for p in paths if not is_held_back(p))
    if len(development) < folds:
        raise ValueError(f"{len(development)} development files cannot make {folds} folds")
    return [development[start::folds] for start in range(folds)]


def _each_fold(
    paths: Sequence[Path], folds: int
) -> Iterator[tuple[list[Path], dict[Path, list[LabelledReply]], list[LabelledReply]]]:
    """Each fold of `split_into_folds`, with the replies of every file and the replies of the
    other folds (those its weights are learned from)."""
    dealt = split_into_folds(paths, folds)
    corpus = {path: load_corpus(path) for fold in dealt for path in fold}
    for number, fold in enumerate(dealt):
        rest = [reply for i, f in enumerate(dealt) if i != number for p in f for reply in corpus[p]]
        yield fold, corpus, rest


def check_likeness(
    paths: Sequence[Path], folds: int = FOLDS, thresholds: Sequence[float] = THRESHOLDS
) -> LikenessCheck:
    """Read each fold of the development files in `paths` with weights learned from the other
    folds, and by the rules alone (`LikenessCheck`), at the shipped threshold and at each of
    `thresholds`."""
    check = LikenessCheck()
    everything = tuple(path.name for fold in split_into_folds(paths, folds) for path in fold)
    for threshold in sorted({THRESHOLD, *thresholds}):
        check.by_threshold[threshold] = FoldCheck(everything)
    for fold, corpus, rest in _each_fold(paths, folds):
        model = learn(learning_examples(Intent.OPT_OUT, rest))
        read = _read_fold(fold, corpus, model, tuple(check.by_threshold))
        check.folds.append(read[THRESHOLD])
        for threshold, counts in read.items():
            check.by_threshold[threshold].add_counts(counts)
    return check


def _read_fold(
    fold: list[Path],
    corpus: dict[Path, list[LabelledReply]],
    model: Model,
    thresholds: tuple[float, ...],
) -> dict[float, FoldCheck]:
    names = tuple(path.name for path in fold)
    results = {threshold: FoldCheck(names) for threshold in thresholds}
    models = {threshold: replace(model, threshold=threshold) for threshold in thresholds}
    for path in fold:
        for reply in corpus[path]:
            # Read as the service reads a reply (bounded), as the scores are.
            text = reading_text(reply.text)
            by_rules = understand_reply(text, reply.language, likeness=NO_LIKENESS)
            by_rules_intent = by_rules.intent(reply.question)
            for threshold, result in results.items():
                with_likeness = by_rules.weighed_with(models[threshold])
                result.add(reply, by_rules_intent, with_likeness.intent(reply.question))
    return results


@dataclass
class OtherCheck:
    """What the other backstops (rule 7c) change on folds of replies they were not learned
    from: each fold read with the rules and the opt-out likeness learned without it, then with
    the other likenesses learned without it too."""

    replies: int = 0
    right_before: int = 0
    right_after: int = 0
    #: By the intent a backstop read: replies it read right that were wrong before, right
    #: replies it read wrong, and wrong replies it read otherwise wrong.
    fixed: dict[str, int] = field(default_factory=dict)
    broke: dict[str, int] = field(default_factory=dict)
    wrong_to_wrong: dict[str, int] = field(default_factory=dict)
    #: Read as a confirmation, or no opt-out, by a backstop: the costly changes.
    false_confirms: int = 0
    missed_opt_outs: int = 0

    def add(self, reply: LabelledReply, before: Intent, after: Intent) -> None:
        self.replies += 1
        self.right_before += before is reply.intent
        self.right_after += after is reply.intent
        if before is after:
            return
        key = after.value
        if after is reply.intent:
            self.fixed[key] = self.fixed.get(key, 0) + 1
        elif before is reply.intent:
            self.broke[key] = self.broke.get(key, 0) + 1
        else:
            self.wrong_to_wrong[key] = self.wrong_to_wrong.get(key, 0) + 1
        if after is not reply.intent:
            self.false_confirms += after is Intent.CONFIRM
            self.missed_opt_outs += reply.intent is Intent.OPT_OUT and before is Intent.OPT_OUT

    def report(self, folds: int) -> str:
        def share(count: int) -> str:
            return f"{count} ({count / self.replies:.1%})" if self.replies else str(count)

        lines = [
            f"other likenesses check: {folds} folds of whole development files, each read with "
            "every likeness learned from the others",
            f"replies {self.replies} | right before {share(self.right_before)} | right after "
            f"{share(self.right_after)} | false confirmations {self.false_confirms} | "
            f"opt-outs lost {self.missed_opt_outs}",
            "read as | fixed | broke | wrong to wrong",
        ]
        for intent in sorted({*self.fixed, *self.broke, *self.wrong_to_wrong}):
            lines.append(
                f"{intent} | {self.fixed.get(intent, 0)} | {self.broke.get(intent, 0)} | "
                f"{self.wrong_to_wrong.get(intent, 0)}"
            )
        return "\n".join(lines)


def check_other_likenesses(paths: Sequence[Path], folds: int = FOLDS) -> OtherCheck:
    """Read each fold of the development files in `paths` with the rules and every likeness
    learned from the other folds, without and with the other backstops (`OtherCheck`)."""
    check = OtherCheck()
    for fold, corpus, rest in _each_fold(paths, folds):
        opt_out = learn(learning_examples(Intent.OPT_OUT, rest))
        learned = tuple(
            (intent, replace(learn(learning_examples(intent, rest)), threshold=threshold))
            for intent, threshold in OTHER_LIKENESSES.items()
        )
        for path in fold:
            for reply in corpus[path]:
                text = reading_text(reply.text)
                by_rules = understand_reply(text, reply.language, likeness=NO_LIKENESS)
                before = by_rules.weighed_with(opt_out).intent(reply.question)
                after = by_rules.weighed_with(opt_out, learned).intent(reply.question)
                check.add(reply, before, after)
    return check
