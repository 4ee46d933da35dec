"""How far the held-back readings move when the opt-out likeness is learned again after a set is
added (a study, not a timed test).

For each development file named (by default the three newest sets), `python
bench/likeness_steadiness.py` learns the opt-out weights from every development file and from
every one but that file, and reads every held-back reply with both, in two ways of ordering the
learning:

- **shipped**: `smsgateway.replies.likeness.learn` as it is, each reply's place in an order
  drawn from its own text (a new file slips in among the others);
- **naive**: the same fit with the positions shuffled, as the weights were learned before the
  fiftieth round (a new file reshuffles every reply).

A file left out plays the set a relearning adds. What moves is counted over the held-back replies
(never learned from): final readings that change, likenesses that cross the threshold, the mean
change of the likeness and the changes above 0.2. About two minutes per learning, eight
learnings for three files: twenty minutes on a quiet machine. The last line is one JSON object.

    python bench/likeness_steadiness.py
    python bench/likeness_steadiness.py --files replies_dev98.jsonl replies_dev60.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smsgateway.inputs import reading_text  # noqa: E402
from smsgateway.replies import likeness  # noqa: E402
from smsgateway.replies.classify import Understanding, understand_reply  # noqa: E402
from smsgateway.replies.intents import Intent  # noqa: E402
from smsgateway.replies.scoring import LabelledReply, is_held_back, load_corpus  # noqa: E402

DATA = ROOT / "tests" / "data"
NEWEST = ("replies_dev96.jsonl", "replies_dev97.jsonl", "replies_dev98.jsonl")


def shuffled_keys(examples: list[tuple[str, bool]], seed: int) -> list[list[bytes]]:
    """The naive order: the positions shuffled by `random.Random(seed)`, epoch after epoch, as
    keys for `likeness._fit` (a reply's key is its rank in the shuffle)."""
    shuffle = random.Random(seed).shuffle  # an order, not a secret
    order = list(range(len(examples)))
    keys = []
    for _ in range(likeness.EPOCHS):
        shuffle(order)
        ranks = [b""] * len(order)
        for rank, index in enumerate(order):
            ranks[index] = rank.to_bytes(8, "big")
        keys.append(ranks)
    return keys


def learn(replies: list[LabelledReply], naive: bool) -> likeness.Model:
    examples = likeness.learning_examples(Intent.OPT_OUT, replies)
    shipped_keys = likeness._keys
    if naive:
        likeness._keys = shuffled_keys  # type: ignore[assignment]
    try:
        return likeness.learn(examples)
    finally:
        likeness._keys = shipped_keys


def readings(
    held_back: list[tuple[LabelledReply, Understanding]], model: likeness.Model
) -> list[tuple[float, Intent]]:
    others = tuple((i, likeness.shipped_likeness(i)) for i in likeness.OTHER_LIKENESSES)
    return [
        (
            model.likeness(understanding.text).probability,
            understanding.weighed_with(model, others).intent(reply.question),
        )
        for reply, understanding in held_back
    ]


def moved(before: list[tuple[float, Intent]], after: list[tuple[float, Intent]]) -> dict:
    changes = [abs(a[0] - b[0]) for b, a in zip(before, after, strict=True)]
    return {
        "readings_moved": sum(1 for b, a in zip(before, after, strict=True) if a[1] is not b[1]),
        "crossed_threshold": sum(
            1
            for b, a in zip(before, after, strict=True)
            if (a[0] >= likeness.THRESHOLD) != (b[0] >= likeness.THRESHOLD)
        ),
        "mean_change": round(sum(changes) / len(changes), 4),
        "changes_above_0.2": sum(1 for c in changes if c > 0.2),
    }


def scored(held_back: list[tuple[LabelledReply, Understanding]], read: list) -> dict:
    pairs = [
        (reply.intent, intent) for (reply, _), (_, intent) in zip(held_back, read, strict=True)
    ]
    return {
        "right": sum(1 for want, got in pairs if want is got),
        "missed_opt_outs": sum(
            1 for want, got in pairs if want is Intent.OPT_OUT and got is not Intent.OPT_OUT
        ),
        "false_opt_outs": sum(
            1 for want, got in pairs if want is not Intent.OPT_OUT and got is Intent.OPT_OUT
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="+", default=list(NEWEST))
    args = parser.parse_args()
    files = sorted(DATA.glob("replies_*.jsonl"))
    development = {p.name: load_corpus(p) for p in files if not is_held_back(p)}
    held_back = [
        (
            reply,
            understand_reply(
                reading_text(reply.text), reply.language, likeness=likeness.NO_LIKENESS
            ),
        )
        for p in files
        if is_held_back(p)
        for reply in load_corpus(p)
    ]
    every = [reply for replies in development.values() for reply in replies]
    results: dict[str, dict] = {}
    for way, naive in (("shipped", False), ("naive", True)):
        base = readings(held_back, learn(every, naive))
        results[way] = {"held_back": len(held_back), **scored(held_back, base)}
        print(f"{way}: learned from every development file: {results[way]}", flush=True)
        for name in args.files:
            rest = [r for n, replies in development.items() if n != name for r in replies]
            change = moved(readings(held_back, learn(rest, naive)), base)
            results[way][f"without {name}"] = change
            print(f"{way}: learned again after {name} is added: {change}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
