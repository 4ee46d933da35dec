"""Refused input: an English message for the API and the command line, and the same message in
the console's language (its catalog holds every message `InvalidInput` is raised with)."""

from __future__ import annotations

import ast
from pathlib import Path

import smsgateway
from smsgateway.errors import InvalidInput

PACKAGE = Path(smsgateway.__file__).parent


def test_the_message_names_the_field_and_the_row_and_fills_its_placeholders() -> None:
    error = InvalidInput("note", "use at most %(count)s characters", 3, count=2000)
    assert str(error) == "row 3, field 'note': use at most 2000 characters"
    assert error.message == "use at most 2000 characters"


def test_the_translated_message_fills_the_translation() -> None:
    french = {"use at most %(count)s characters": "au plus %(count)s caractères"}
    error = InvalidInput("note", "use at most %(count)s characters", count=2000)
    assert error.translated(lambda text: french.get(text, text)) == "au plus 2000 caractères"
    plain = InvalidInput("note", "say why")
    assert plain.translated(lambda text: text.upper()) == "SAY WHY"


def test_a_value_with_a_line_break_keeps_the_message_on_one_line() -> None:
    error = InvalidInput("language", "'%(code)s' is not a supported language", code="fr\nen")
    assert error.message == "'fr\\nen' is not a supported language"
    assert InvalidInput("x", "'%(v)s'", v="Wolof é").message == "'Wolof é'"


def test_a_message_without_placeholders_may_hold_a_percent_sign() -> None:
    assert InvalidInput("x", "100% or less").message == "100% or less"


#: The calls whose message the console's catalog extracts, and the position of the message
#: (smsgateway.content.console_catalogs.KEYWORDS).
MESSAGE_ARGUMENT = {"InvalidInput": 1, "ValueRefused": 0, "problem": 2, "refuse": 1}


def _called(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def _messages_built_at_runtime() -> list[str]:
    """Places where such a message is an f-string, a sum of strings or a variable: extraction
    cannot see them, so the console would show them in English."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called(node) not in MESSAGE_ARGUMENT:
                continue
            position = MESSAGE_ARGUMENT[_called(node)]
            if len(node.args) <= position:
                continue
            message = node.args[position]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                continue
            if isinstance(message, ast.Name) and message.id == "message":
                continue  # a helper passing its own argument on (`refuse`, `problem`)
            if isinstance(message, ast.Call) and _called(message) == "gettext":
                continue  # already in the console's language
            if isinstance(message, ast.Attribute) and message.attr == "template":
                continue  # a message extracted where it was first given, with new values
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_every_message_is_a_literal_the_console_catalog_can_hold() -> None:
    assert _messages_built_at_runtime() == []
