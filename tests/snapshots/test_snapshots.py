"""Golden renders of every notice kind in every language, channel and variant.

Each language has one file, `tests/snapshots/<code>.txt`, rendered with the sample values of
`smsgateway messages render`. A wording or translation change shows up as a readable diff here.
After an intended change, regenerate the files and review the diff before committing:

    SMSGATEWAY_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/snapshots
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smsgateway.cli.content import channels_of, render_sample
from smsgateway.content.formatting import locale_data_hint
from smsgateway.content.languages import supported_codes
from smsgateway.content.rendering import KINDS

SNAPSHOTS = Path(__file__).parent
UPDATE = os.environ.get("SMSGATEWAY_UPDATE_SNAPSHOTS") == "1"


def render_language(code: str) -> str:
    """Every kind, channel and variant in one language, as a plain-text document."""
    parts = []
    for kind in KINDS:
        for channel in channels_of(kind):
            for is_sensitive in (False, True):
                rendered = render_sample(kind, code, channel=channel, is_sensitive=is_sensitive)
                variant = "discreet" if is_sensitive else "standard"
                facts = (
                    f"language={rendered.language} encoding={rendered.encoding or '-'} "
                    f"segments={rendered.segments} chars={rendered.chars} "
                    f"state={rendered.catalog_state}"
                )
                parts.append(f"== {kind} {channel} {variant} | {facts}\n{rendered.text}\n")
    return "\n".join(parts)


@pytest.mark.parametrize("code", supported_codes())
def test_renders_match_the_snapshot(code: str) -> None:
    path = SNAPSHOTS / f"{code}.txt"
    actual = render_language(code)
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot for {code}: set SMSGATEWAY_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), locale_data_hint()
