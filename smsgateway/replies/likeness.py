"""How much a reply is like the development corpus's opt-outs: a learned backstop for the rules.

The rules of meaning (`locales/KEYWORDS.md`) know the words people stop messages with, but every
new set of replies written apart from them holds opt-outs in words they never met ("nami khayem",
"baddi ylghi el ishtirak"): about one in ten. The rules read those `unclear`. This module weighs
the pieces of a reply (its words, pairs of words, and three to five letters inside a word, which
carry across spellings, romanisations and scripts) with weights learned from the development
corpus files, so that a reply the rules cannot read, that answers no question, and that is very
like an opt-out, is read as one (rule `opt_out_likeness`, rule 7b of `locales/KEYWORDS.md`).

The weights are data (`opt_out_likeness.tsv`, beside this module), learned by
`smsgateway replies learn` from the development files only (never a held-back file, whose score
would then mean nothing): a logistic regression fitted by AdaGrad in four orders and averaged, so
the same corpus gives the same file. Each reply's place in an order is drawn from its own text,
not from its position in the corpus: a new file slips its replies in among the others without
reshuffling them, so that learning again after a set is added moves the readings of replies
unlike it very little (`docs/replies.md`, the fiftieth round). No reply text is stored in the
file, only pieces of words with their weight.

The same pieces and fit learn two readers of answers (`OTHER_LIKENESSES`, rule 7c,
`answer_likeness`): proposals of another date against the other replies to the reminder
(`reschedule_likeness.tsv`), and "not yet"s against the other replies to "did you go?" and "did
you start?" (`attended_no_likeness.tsv`), for answers the rules leave unclear for lack of one.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from smsgateway.replies.intents import GLOBAL_INTENTS, Intent, Question, answers_of
from smsgateway.replies.normalize import tokenize

_HERE = Path(__file__).resolve().parent
#: The learned weights, one `piece<TAB>weight` per line, the bias first.
MODEL_FILE = _HERE / "opt_out_likeness.tsv"
#: How like an opt-out a reply must be (0 to 1) before the backstop reads it as one.
THRESHOLD = 0.9
#: The backstops for answers (rule 7c of `locales/KEYWORDS.md`): how like the development
#: corpus's proposals of another date and its "not yet"s an answer the rules cannot read must
#: be, each learned like the opt-outs into its own file beside this module. Chosen on replies
#: the weights were not learned from (`docs/replies.md`, the forty-fifth round): at 0.98 each
#: reads more replies right than wrong there.
OTHER_LIKENESSES: dict[Intent, float] = {
    Intent.RESCHEDULE: 0.98,
    Intent.ATTENDED_NO: 0.98,
}
#: Letters inside a word that make a piece (the word is framed by ^ and $).
LETTER_PIECES = (3, 4, 5)
#: A piece seen in fewer training replies than this gets no weight (it would only learn a line).
MIN_REPLIES = 2
EPOCHS = 6
LEARNING_RATE = 0.2
L2 = 1e-5
SEED = 16
#: How many orders the weights are averaged over.
ORDERS = 4
BIAS = "(bias)"


class LabelledLike(Protocol):
    """A labelled reply (`smsgateway.replies.scoring.LabelledReply`, which imports this module)."""

    @property
    def text(self) -> str: ...
    @property
    def intent(self) -> Intent: ...
    @property
    def question(self) -> Question | None: ...


def pieces(text: str) -> frozenset[str]:
    """The pieces a reply is weighed by: `w:` words, `b:` pairs of words next to each other and
    `c:` three to five letters of a word, all in the classifier's matching form (casefolded,
    accents stripped, digits unified)."""
    words = tokenize(text)
    found: set[str] = set()
    for word in words:
        found.add("w:" + word)
        framed = f"^{word}$"
        for size in LETTER_PIECES:
            for start in range(len(framed) - size + 1):
                found.add("c:" + framed[start : start + size])
    for first, second in pairwise(words):
        found.add(f"b:{first} {second}")
    return frozenset(found)


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    #: How like an opt-out a reply must be to be read as one (`THRESHOLD`; the likeness check
    #: reads its folds at others too).
    threshold: float = THRESHOLD

    def likeness(self, text: str) -> Likeness:
        found = pieces(text)
        z = self.bias + sum(self.weights.get(piece, 0.0) for piece in found)
        return Likeness(_probability(z), _strongest(found, self.weights), self.threshold)


@dataclass(frozen=True)
class Likeness:
    """How like an opt-out (or another intent learned) a reply is (0 to 1), and the pieces that
    weigh most towards it."""

    probability: float
    pieces: tuple[str, ...]
    threshold: float = THRESHOLD

    @property
    def is_alike(self) -> bool:
        """Whether the reply is as like the intent learned as the threshold asks."""
        return self.probability >= self.threshold

    @property
    def is_an_opt_out(self) -> bool:
        """`is_alike`, said of the opt-out likeness."""
        return self.is_alike


def _probability(z: float) -> float:
    """The logistic function, its argument kept within ±30 (no overflow, same result)."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _strongest(found: Iterable[str], weights: dict[str, float], count: int = 3) -> tuple[str, ...]:
    """The words and pairs of words that weigh most towards an opt-out, for `--explain`."""
    named = [p for p in found if not p.startswith("c:") and weights.get(p, 0.0) > 0]
    named.sort(key=lambda p: (-weights[p], p))
    return tuple(p[2:] for p in named[:count])


#: Weights that find nothing like an opt-out: the rules alone.
NO_LIKENESS = Model({}, -30.0)


def opt_out_likeness(text: str) -> Likeness:
    """How like the development corpus's opt-outs `text` is."""
    return shipped_model().likeness(text)


@cache
def shipped_model() -> Model:
    return read_model(MODEL_FILE)


def model_file(intent: Intent, opt_out_file: Path = MODEL_FILE) -> Path:
    """Where the weights of `intent`'s likeness are, beside the opt-out weights."""
    if intent is Intent.OPT_OUT:
        return opt_out_file
    return opt_out_file.parent / f"{intent.value}_likeness.tsv"


@cache
def shipped_likeness(intent: Intent) -> Model:
    """The shipped weights of one of `OTHER_LIKENESSES`, at its threshold."""
    model = read_model(model_file(intent))
    return Model(model.weights, model.bias, OTHER_LIKENESSES[intent])


def learning_examples(intent: Intent, replies: Iterable[LabelledLike]) -> list[tuple[str, bool]]:
    """`(text, is intent)` for every reply a likeness of `intent` is learned from: every reply
    for a request that works whatever the question, only the replies to the questions it
    answers for an answer (a "not yet" is learned against the other answers to "did you go?")."""
    if intent in GLOBAL_INTENTS:
        return [(reply.text, reply.intent is intent) for reply in replies]
    return [
        (reply.text, reply.intent is intent)
        for reply in replies
        if reply.question is not None and intent in answers_of(reply.question)
    ]


def read_model(path: Path) -> Model:
    weights: dict[str, float] = {}
    bias = 0.0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            piece, _, weight = line.rstrip("\n").rpartition("\t")
            if piece == BIAS:
                bias = float(weight)
            elif piece:
                weights[piece] = float(weight)
    return Model(weights, bias)


def write_model(model: Model, path: Path) -> None:
    """Write `model` as sorted `piece<TAB>weight` lines (a retrained model diffs readably)."""
    lines = [f"{BIAS}\t{model.bias:.4f}"]
    lines += [f"{piece}\t{weight:.4f}" for piece, weight in sorted(model.weights.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def learn(examples: Sequence[tuple[str, bool]]) -> Model:
    """Fit the weights on `(text, is an opt-out)` examples: a logistic regression with the two
    classes weighed equally, fitted by AdaGrad in `ORDERS` orders drawn from `SEED` and averaged
    (one order alone makes every weight depend on which replies came last: adding a file moved
    three times as many held-back readings), weights kept to four decimals (as written). The
    order of the examples given does not matter (`_keys`)."""
    found = [pieces(text) for text, _ in examples]
    seen = Counter(piece for replies in found for piece in replies)
    rows = [
        (frozenset(p for p in replies if seen[p] >= MIN_REPLIES), is_opt_out)
        for replies, (_, is_opt_out) in zip(found, examples, strict=True)
    ]
    positives = sum(1 for _, is_opt_out in rows if is_opt_out)
    if not positives or positives == len(rows):
        raise ValueError("learning needs opt-outs and other replies")
    fits = [_fit(rows, positives, _keys(examples, SEED + order)) for order in range(ORDERS)]
    totals: dict[str, float] = {}
    for weights, _ in fits:
        for piece, weight in weights.items():
            totals[piece] = totals.get(piece, 0.0) + weight
    kept = {p: round(w / ORDERS, 4) for p, w in totals.items() if round(w / ORDERS, 4) != 0.0}
    return Model(kept, round(sum(bias for _, bias in fits) / ORDERS, 4))


def _keys(examples: Sequence[tuple[str, bool]], seed: int) -> list[list[bytes]]:
    """For each epoch, each example's place in the order of one fit: a hash of the seed, the
    epoch, the label and the text. Drawn from the example itself, the order of the others stays
    the same when one is added (a shuffle of positions would reshuffle them all, and which
    replies come last moves every weight: a relearning after a set of 222 replies with no
    opt-out once moved nine held-back opt-outs across the threshold)."""
    return [
        [
            hashlib.blake2b(f"{seed}:{epoch}:{int(is_it)}:{text}".encode(), digest_size=8).digest()
            for text, is_it in examples
        ]
        for epoch in range(EPOCHS)
    ]


def _fit(
    rows: list[tuple[frozenset[str], bool]], positives: int, keys: list[list[bytes]]
) -> tuple[dict[str, float], float]:
    """One AdaGrad fit, each epoch in the order of its `keys` (`_keys`). Pieces are numbered and
    their weights kept in lists: the same sums in the same order as with a dict, faster."""
    class_weight = {
        True: len(rows) / (2 * positives),
        False: len(rows) / (2 * (len(rows) - positives)),
    }
    number: dict[str, int] = {}
    numbered = [
        (tuple(number.setdefault(piece, len(number)) for piece in replies), is_opt_out)
        for replies, is_opt_out in rows
    ]
    weights = [0.0] * len(number)
    squares = [1e-8] * len(number)
    sqrt = math.sqrt
    bias, bias_square = 0.0, 1e-8
    for epoch_keys in keys:
        for index in sorted(range(len(rows)), key=epoch_keys.__getitem__):
            replies, is_opt_out = numbered[index]
            z = bias + sum(map(weights.__getitem__, replies))
            gradient = (_probability(z) - is_opt_out) * class_weight[is_opt_out]
            bias_square += gradient * gradient
            bias -= LEARNING_RATE * gradient / sqrt(bias_square)
            for piece in replies:
                step = gradient + L2 * weights[piece]
                squares[piece] += step * step
                weights[piece] -= LEARNING_RATE * step / sqrt(squares[piece])
    return {piece: weights[i] for piece, i in number.items()}, bias
