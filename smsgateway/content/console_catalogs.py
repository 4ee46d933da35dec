"""The console's catalogs (domain `console`): the web pages' wording in each console language.

`locales/console.pot` is extracted from `smsgateway/web/` (Python and templates, see babel.cfg)
and from the messages of `InvalidInput` in the whole package;
`locales/<code>/LC_MESSAGES/console.po` holds each language; `i18n compile` writes the `.mo`
files Flask-Babel reads. Separate from the notices' `messages` domain: the console speaks fewer
languages, and its translators are not the notices' translators.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from smsgateway.content.catalogs import _CREATION_DATE, placeholders, run_extract
from smsgateway.paths import locales_dir

DOMAIN = "console"
#: Languages the console speaks, with their names as their speakers write them.
CONSOLE_LANGUAGES = {"en": "English", "fr": "Français"}
SOURCE_LANGUAGE = "en"
#: Beside pybabel's defaults (_, gettext, ngettext, ...): the messages of refused input
#: (`smsgateway.errors.InvalidInput`, `imports.values.ValueRefused`) and of an import report's
#: problems (`ImportReport.problem`, the importers' `refuse`), which the console shows in its
#: own language.
KEYWORDS = ("lazy_gettext", "InvalidInput:2", "ValueRefused", "problem:3", "refuse:2")
#: The whole package: the web pages, and the domain modules whose refusals the console shows.
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def console_po_path(code: str) -> Path:
    return locales_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def console_pot_path() -> Path:
    return locales_dir() / f"{DOMAIN}.pot"


def extract_console_pot(output: Path | None = None) -> Path:
    """Extract the console's wording (smsgateway/web/, and the messages of `InvalidInput`
    everywhere in the package) into locales/console.pot."""
    return run_extract(PACKAGE_DIR, output or console_pot_path(), KEYWORDS, root=PACKAGE_DIR.parent)


def console_pot_is_stale() -> bool:
    if not console_pot_path().exists():
        return True
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract_console_pot(Path(tmp) / f"{DOMAIN}.pot")
        return _entries(fresh) != _entries(console_pot_path())


def _entries(path: Path) -> str:
    """The entries of a catalog without its header comments and source locations: a line moved
    in a module that raises `InvalidInput` does not make the catalog stale, a new or changed
    message does."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith(("# ", "#:")))


def _read(code: str) -> Catalog:
    with console_po_path(code).open("rb") as f:
        return read_po(f, locale=code, domain=DOMAIN)


def update_console_catalogs() -> list[Path]:
    """Merge console.pot into each console language's catalog, creating missing ones."""
    with console_pot_path().open("rb") as f:
        template = read_po(f, domain=DOMAIN)
    written = []
    for code in CONSOLE_LANGUAGES:
        path = console_po_path(code)
        if path.exists():
            catalog = _read(code)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project="smsgateway")
            path.parent.mkdir(parents=True, exist_ok=True)
        catalog.update(template, update_header_comment=False)
        buffer = io.BytesIO()
        write_po(buffer, catalog, ignore_obsolete=True, width=100)
        path.write_text(_CREATION_DATE.sub("", buffer.getvalue().decode("utf-8")), "utf-8")
        written.append(path)
    return written


def compile_console_catalogs() -> list[Path]:
    """Write each console language's `.mo` file (fuzzy entries left out)."""
    written = []
    for code in CONSOLE_LANGUAGES:
        if console_po_path(code).exists():
            target = console_po_path(code).with_suffix(".mo")
            with target.open("wb") as f:
                write_mo(f, _read(code), use_fuzzy=False)
            written.append(target)
    return written


def console_catalog_problems() -> list[str]:
    """A stale .pot, a missing catalog, an untranslated or fuzzy entry, a broken placeholder."""
    problems = []
    if console_pot_is_stale():
        problems.append(f"{console_pot_path()} is stale: run `smsgateway i18n extract`")
    for code in CONSOLE_LANGUAGES:
        if not console_po_path(code).exists():
            problems.append(f"console/{code}: no catalog at {console_po_path(code)}")
            continue
        for message in _read(code):
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            strings = [message.string] if isinstance(message.string, str) else message.string
            string = next(iter(strings or []), "")
            if code != SOURCE_LANGUAGE and (not string or message.fuzzy):
                problems.append(f"console/{code}: not translated: {msgid[:60]!r}")
            elif string and placeholders(string) != placeholders(msgid):
                problems.append(f"console/{code}: placeholders differ in {msgid[:60]!r}")
    return problems
