"""Notice catalogs: loading, review state, placeholder checks and the pybabel workflow.

Catalogs live in `locales/<code>/LC_MESSAGES/messages.po` (template `locales/messages.pot`).
Rendering reads the compiled `messages.mo` when it is at least as new as its `.po`, and otherwise
compiles the `.po` in memory with Babel, so a fresh checkout works before `i18n compile`.
Rendering loads each catalog once per process and keeps it until the content commands say the
content changed (`content.cache`).

Review state: a translator comment `# needs review` on an entry marks a good-faith translation
nobody has checked yet. Such entries are still used; renders that use them report "needs review".
A `#, fuzzy` entry is not used at all (gettext skips it), so the notice falls back to the next
language of the chain. Babel keeps translator comments through `pybabel update`; it drops unknown
catalog headers, which is why the flag is per entry and not a header.
"""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from smsgateway.content.cache import content_changed
from smsgateway.content.languages import get_language, load_languages
from smsgateway.paths import locales_dir, message_templates_dir

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
NEEDS_REVIEW_FLAG = "needs review"

# Named placeholders as Jinja's newstyle gettext writes them: %(first_name)s.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


class MissingTranslation(LookupError):
    """Raised while rendering when a catalog has no usable translation of a message."""


class _Missing(gettext.NullTranslations):
    """Last fallback of a non-source catalog: turns a missing msgid into an exception."""

    def gettext(self, message: str) -> str:
        raise MissingTranslation(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise MissingTranslation(msgid1)


@dataclass(frozen=True)
class LoadedCatalog:
    """One language's translations plus the msgids whose translation awaits review."""

    code: str
    translations: gettext.NullTranslations
    needs_review: frozenset[str]
    fuzzy: frozenset[str]
    has_file: bool


def po_path(code: str) -> Path:
    """Where the catalog of a language lives."""
    return locales_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    """Where `i18n compile` writes the compiled catalog of a language."""
    return po_path(code).with_suffix(".mo")


def pot_path() -> Path:
    """The catalog template produced by `i18n extract`."""
    return locales_dir() / f"{DOMAIN}.pot"


def keywords_path(code: str) -> Path:
    """The reply keywords of a language, read by the reply classifier."""
    return locales_dir() / code / "keywords.toml"


def babel_locale(code: str) -> str:
    """The CLDR locale serving a language (`prs` is served by `fa_AF`)."""
    language = get_language(code)
    return language.babel if language else code


def read_catalog(code: str) -> Catalog:
    """Parse a language's `.po` file with Babel."""
    with po_path(code).open("rb") as f:
        return read_po(f, locale=babel_locale(code), domain=DOMAIN)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return -1.0


def load_catalog(code: str) -> LoadedCatalog:
    """The catalog of a language, reloaded when its `.po` or `.mo` file changes."""
    path = po_path(code)
    return _load_catalog(code, str(path), _mtime(path), _mtime(mo_path(code)))


@cache
def _load_catalog(code: str, path: str, po_mtime: float, mo_mtime: float) -> LoadedCatalog:
    # `path` is part of the cache key so a catalog folder set by SMSGATEWAY_LOCALES_DIR is
    # never served from another folder's cache.
    if po_mtime < 0:
        translations: gettext.NullTranslations = gettext.NullTranslations()
        if code != SOURCE_LANGUAGE:
            translations.add_fallback(_Missing())
        return LoadedCatalog(code, translations, frozenset(), frozenset(), has_file=False)
    catalog = read_catalog(code)
    if mo_mtime >= po_mtime:
        with mo_path(code).open("rb") as f:
            translations = gettext.GNUTranslations(f)
    else:
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        translations = gettext.GNUTranslations(buffer)
    # The source language renders its own msgids; every other language must translate.
    translations.add_fallback(gettext.NullTranslations() if code == SOURCE_LANGUAGE else _Missing())
    return LoadedCatalog(
        code=code,
        translations=translations,
        needs_review=frozenset(_ids(m for m in catalog if _needs_review(m))),
        fuzzy=frozenset(_ids(m for m in catalog if m.id and m.fuzzy)),
        has_file=True,
    )


def _needs_review(message: Message) -> bool:
    return bool(message.id) and any(
        comment.strip().lower() == NEEDS_REVIEW_FLAG for comment in message.user_comments
    )


def _ids(messages: Iterable[Message]) -> list[str]:
    return [m.id if isinstance(m.id, str) else m.id[0] for m in messages]


def placeholders(text: str) -> set[str]:
    """The named placeholders of a msgid or msgstr."""
    return set(_PLACEHOLDER.findall(text))


def placeholder_problems(code: str) -> list[str]:
    """Translations of a language whose placeholders differ from their msgid's."""
    problems = []
    for message in read_catalog(code):
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set().union(*(placeholders(i) for i in ids))
        for string in strings:
            if string and placeholders(string) != expected:
                problems.append(
                    f"{code}: {sorted(placeholders(string))} instead of {sorted(expected)} "
                    f"in {ids[0][:60]!r}"
                )
    return problems


def repository_root() -> Path:
    """The folder holding `babel.cfg` and `templates/` in a checkout."""
    return message_templates_dir().parents[1]


def extract_pot(output: Path | None = None) -> Path:
    """Run `pybabel extract` over the message templates and drop the creation date line."""
    target = run_extract(message_templates_dir(), output or pot_path())
    if output is None:
        content_changed()  # extracted because the templates changed: reload them everywhere
    return target


def run_extract(
    source: Path, target: Path, keywords: Iterable[str] = (), root: Path | None = None
) -> Path:
    """`pybabel extract` with babel.cfg over `source` into `target`, without a creation date.

    `root` is the checkout holding babel.cfg (by default the message templates' checkout).
    """
    root = root or repository_root()
    command = [
        sys.executable, "-m", "babel.messages.frontend", "extract",
        "-F", str(root / "babel.cfg"),
        *(f"--keywords={keyword}" for keyword in keywords),
        "--add-comments=Translators:",
        "--sort-output",
        "--project=smsgateway",
        "--copyright-holder=smsgateway contributors",
        "--msgid-bugs-address=",
        "-o", str(target),
        str(source.relative_to(root)),
    ]  # fmt: skip
    subprocess.run(command, cwd=root, check=True, capture_output=True)  # noqa: S603 (fixed argv)
    target.write_text(_CREATION_DATE.sub("", target.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def pot_is_stale() -> bool:
    """Whether the committed `.pot` differs from a fresh extraction."""
    if not pot_path().exists():
        return True
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract_pot(Path(tmp) / f"{DOMAIN}.pot")
        return _body(fresh) != _body(pot_path())


def _body(path: Path) -> str:
    # The header comment carries the year of extraction; only the entries matter.
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("# "))


def update_catalogs(codes: Iterable[str] | None = None) -> list[Path]:
    """Merge the `.pot` into each language's `.po` (as `pybabel update`), creating missing ones."""
    with pot_path().open("rb") as f:
        template = read_po(f, domain=DOMAIN)
    written = []
    for code in codes or load_languages():
        path = po_path(code)
        if path.exists():
            catalog = read_catalog(code)
        else:
            catalog = Catalog(locale=babel_locale(code), domain=DOMAIN, project="smsgateway")
            path.parent.mkdir(parents=True, exist_ok=True)
        catalog.update(template, update_header_comment=False)
        write_catalog(code, catalog)
        written.append(path)
    return written


def write_catalog(code: str, catalog: Catalog) -> Path:
    """Write a language's `.po` file without the creation date, so diffs stay clean."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, ignore_obsolete=True, width=100)
    text = _CREATION_DATE.sub("", buffer.getvalue().decode("utf-8"))
    po_path(code).write_text(text, encoding="utf-8")
    content_changed()
    return po_path(code)


def compile_catalogs(codes: Iterable[str] | None = None) -> list[Path]:
    """Write each language's `.mo` (as `pybabel compile`, fuzzy entries left out)."""
    written = []
    for code in codes or load_languages():
        if not po_path(code).exists():
            continue
        with mo_path(code).open("wb") as f:
            write_mo(f, read_catalog(code), use_fuzzy=False)
        written.append(mo_path(code))
    content_changed()
    return written
