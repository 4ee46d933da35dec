"""CPU per reply read, with and without the opt-out likeness (a probe, not a timed test).

`python bench/likeness_cpu.py` reads every line of the corpus files in `tests/data/` as the
service reads a reply (`understand_reply`, then the intent for the line's question), in rounds
that alternate between the classifier as shipped and the same classifier with the likeness
(rule 7b) switched off, and prints the process CPU time per reply of each (`time.process_time`,
which a busy machine does not inflate the way it does wall time). The last line is one JSON object.

    python bench/likeness_cpu.py                # 3 rounds of each
    python bench/likeness_cpu.py --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smsgateway.inputs import reading_text  # noqa: E402
from smsgateway.replies import classify, likeness  # noqa: E402
from smsgateway.replies.scoring import LabelledReply, load_corpus  # noqa: E402

NOT_LIKE_ANYTHING = likeness.Likeness(0.0, ())


def _read_all(replies: list[LabelledReply]) -> float:
    """CPU seconds to read every reply once; each reply is read afresh."""
    start = time.process_time()
    for reply in replies:
        classify.understand_reply(reading_text(reply.text), reply.language).intent(reply.question)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    replies = [
        r for p in sorted((ROOT / "tests/data").glob("replies_*.jsonl")) for r in load_corpus(p)
    ]
    shipped = classify.opt_out_likeness
    likeness.shipped_model()  # the weights are read once per process, before timing
    _read_all(replies[:2000])  # warm the keyword caches
    timings: dict[str, list[float]] = {"with the likeness": [], "rules alone": []}
    for _ in range(args.rounds):
        for name in timings:
            classify.opt_out_likeness = (  # type: ignore[assignment]
                shipped if name == "with the likeness" else (lambda text: NOT_LIKE_ANYTHING)
            )
            timings[name].append(_read_all(replies))
    classify.opt_out_likeness = shipped
    start = time.process_time()
    likeness.read_model(likeness.MODEL_FILE)
    load = time.process_time() - start
    per_reply = {name: statistics.median(t) / len(replies) * 1e6 for name, t in timings.items()}
    for name, micros in per_reply.items():
        print(f"{name:>18}: {micros:7.1f} µs per reply (median of {args.rounds} rounds)")
    extra = per_reply["with the likeness"] - per_reply["rules alone"]
    print(
        f"the likeness adds {extra:.1f} µs per reply; "
        f"reading its weights takes {load * 1e3:.0f} ms once"
    )
    print(
        json.dumps(
            {
                "replies": len(replies),
                "rounds": args.rounds,
                "us_per_reply": {k: round(v, 1) for k, v in per_reply.items()},
                "weights_load_ms": round(load * 1e3),
            }
        )
    )


if __name__ == "__main__":
    main()
