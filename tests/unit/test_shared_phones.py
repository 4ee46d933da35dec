"""What an "ok" is: a receipt, not an answer, when it stands without a yes, a digit or a promise."""

from __future__ import annotations

import pytest

from smsgateway.replies.shared_phones import is_bare_acknowledgement


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ok", "fr"),
        ("OK merci", "fr"),
        ("d'accord", "fr"),
        ("👌", "en"),
        ("wakha", "ar"),
        ("Ok.", "wo"),
    ],
)
def test_ok_style_words_alone_are_a_bare_acknowledgement(text: str, language: str) -> None:
    assert is_bare_acknowledgement(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("1", "fr"),
        ("ok 1", "fr"),
        ("oui", "fr"),
        ("ok oui", "fr"),
        ("je viendrai", "fr"),
        ("ok je viendrai", "fr"),
        ("yes", "en"),
        ("👍", "en"),
        ("non", "fr"),
        ("merci", "fr"),
    ],
)
def test_a_yes_a_digit_or_a_promise_is_an_answer(text: str, language: str) -> None:
    assert not is_bare_acknowledgement(text, language)
