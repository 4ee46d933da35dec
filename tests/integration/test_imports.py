"""CSV import: messy files give the exact per-row report, and all or nothing means nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.cli.import_export import import_cli
from smsgateway.imports import read_table
from smsgateway.imports.values import ValueRefused, parse_language, parse_moment
from smsgateway.models import ContactPoint, Notice, Partner, Referral, ReferralEvent, Returnee

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
RETURNEES = DATA / "returnees-messy.csv"
REFERRALS = DATA / "referrals-messy.csv"

RETURNEE_REPORT = [
    "row 3, field 'phone': this phone number does not exist in its country",
    "row 4, field 'language': 'klingon' is not a supported language (code or name)",
    "row 5, field 'case_reference': also on row 2",
    "row 8, field 'channel': must be sms, whatsapp or voice",
]
#: The same problems on the console's page, in its words and with the file's own headers (and
#: in French for a French user).
CONSOLE_RETURNEE_REPORT = [
    "Row 3, column Phone: this phone number does not exist in its country",
    "Row 4, column Language: 'klingon' is not a supported language (code or name)",
    "Row 5, column Case reference: also on row 2",
    "Row 8, column Channel: must be sms, whatsapp or voice",
]
FRENCH_RETURNEE_REPORT = [
    "Ligne 3, colonne Phone\u00a0: ce numéro de téléphone n'existe pas dans son pays",
    "Ligne 4, colonne Language\u00a0: «\u00a0klingon\u00a0» n'est pas une langue prise en charge "
    "(code ou nom)",
    "Ligne 5, colonne Case reference\u00a0: en double avec la ligne 2",
    "Ligne 8, colonne Channel\u00a0: doit être sms, whatsapp ou voice",
]
FRENCH_SUMMARY = (
    "7 lignes lues\u00a0: 3 valides, 4 avec erreurs. Essai\u00a0: en l'état, rien ne serait "
    "importé (tout ou rien)."
)
REFERRAL_REPORT = [
    "row 3, field 'case_reference': the same referral is on row 2",
    "row 3, field 'appointment': no time given: 09:00 assumed (note)",
    "row 4, field 'partner': no partner named 'Nowhere Clinic'",
    "row 4, field 'appointment': no time given: 09:00 assumed (note)",
    "row 5, field 'case_reference': no returnee with this case reference (import the returnees "
    "first)",
    "row 6, field 'sensitive': 'maybe' is not yes or no",
    "row 6, field 'appointment': no time given: 09:00 assumed (note)",
    "row 7, field 'appointment': '12/31/2026' is not a date: write 31/12/2026 or 2026-12-31 "
    "(day first)",
    "row 8, field 'appointment': no time given: 09:00 assumed (note)",
]


def counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Returnee, ContactPoint, Referral, ReferralEvent, Notice)
    )


def run(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(import_cli, [str(arg) for arg in args])


@pytest.fixture
def partners(make_partner: Callable[..., Partner]) -> list[Partner]:
    """`Training Centre 1` (vocational training), and `Training Centre 2` shown as `Centre 2`."""
    return [make_partner(), make_partner(service_categories=["housing", "legal"])]


def test_a_messy_returnee_file_gives_the_exact_report_and_imports_nothing(
    runner: FlaskCliRunner, session: Session
) -> None:
    before = counts(session)
    result = run(runner, "returnees", RETURNEES)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *RETURNEE_REPORT,
        "7 rows read: 3 valid, 4 with errors. Nothing was imported (all or nothing): fix the rows "
        "above, or import the valid rows only with --skip-invalid.",
    ]
    assert counts(session) == before


def test_a_dry_run_reports_the_same_and_saves_nothing(
    runner: FlaskCliRunner, session: Session
) -> None:
    before = counts(session)
    result = run(runner, "returnees", RETURNEES, "--dry-run", "--skip-invalid")
    assert result.stdout.splitlines() == [
        *RETURNEE_REPORT,
        "7 rows read: 3 valid, 4 with errors. Dry run: 3 returnees would be imported; nothing was "
        "saved.",
    ]
    assert counts(session) == before


def test_skip_invalid_imports_the_valid_rows_as_typed_in_the_sheet(
    runner: FlaskCliRunner, session: Session
) -> None:
    result = run(runner, "returnees", RETURNEES, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "7 rows read: 3 valid, 4 with errors. 3 returnees imported, 4 rows skipped."
    )
    rows = {
        r.case_reference: r
        for r in session.scalars(select(Returnee).order_by(Returnee.case_reference))
    }
    assert sorted(rows) == ["MIM-001", "MIM-005", "MIM-007"]
    awa, dior, fatou = rows["MIM-001"], rows["MIM-005"], rows["MIM-007"]
    assert (awa.preferred_language, awa.contact_points[0].phone_e164) == ("wo", "+221771234567")
    assert (dior.preferred_language, dior.preferred_channel) == ("fr", "whatsapp")  # Français
    proxy = dior.contact_points[0]
    assert (proxy.is_proxy, proxy.proxy_relation, proxy.phone_e164) == (
        True,
        "mère",
        "+221782223344",
    )
    assert fatou.preferred_language == "en"  # Anglais
    assert [p.phone_e164 for p in fatou.contact_points] == ["+33612345678", "+221774445566"]
    again = run(runner, "returnees", RETURNEES, "--skip-invalid")
    assert (
        "row 2, field 'case_reference': this case reference is already registered" in again.stdout
    )


def test_a_messy_referral_file_gives_the_exact_report_and_nothing_half_imported(
    runner: FlaskCliRunner, session: Session, partners: list[Partner]
) -> None:
    assert run(runner, "returnees", RETURNEES, "--skip-invalid").exit_code == 0
    before = counts(session)
    result = run(runner, "referrals", REFERRALS)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *REFERRAL_REPORT,
        "8 rows read: 3 valid, 5 with errors. Nothing was imported (all or nothing): fix the rows "
        "above, or import the valid rows only with --skip-invalid.",
    ]
    assert counts(session) == before

    imported = run(runner, "referrals", REFERRALS, "--skip-invalid")
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.splitlines()[-1] == (
        "8 rows read: 3 valid, 5 with errors. 3 referrals imported, 5 rows skipped."
    )
    referrals = list(session.scalars(select(Referral).order_by(Referral.id)))
    first, housing, morning = referrals
    assert (first.returnee.case_reference, first.appointment_place) == ("MIM-001", "Pikine, room 2")
    # 31/12/2026 14:00 in Dakar (UTC+0); 09:00 assumed for a date alone; 9h30 read as 09:30.
    assert first.appointment_at == datetime(2026, 12, 31, 14, 0, tzinfo=UTC)
    assert (housing.partner_id, housing.service_category) == (partners[1].id, "housing")
    assert housing.appointment_at == datetime(2026, 12, 31, 9, 0, tzinfo=UTC)
    assert (morning.service_category, morning.is_sensitive) == ("vocational_training", True)
    assert morning.appointment_at == datetime(2026, 12, 31, 9, 30, tzinfo=UTC)
    assert all(r.events[0].new_status == "referred" for r in referrals)
    assert session.scalar(
        select(func.count()).select_from(Notice).where(Notice.referral_id == first.id)
    )

    twice = run(runner, "referrals", REFERRALS, "--skip-invalid")
    assert (
        "row 2, field 'case_reference': this returnee already has an open referral to this "
        "partner for this service" in twice.stdout
    )
    assert len(list(session.scalars(select(Referral)))) == 3


def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_whole(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("case_reference,language,phone\nA,français,771234567\n".encode("latin-1"))
    result = run(runner, "returnees", latin)
    assert result.exit_code != 0 and "not UTF-8" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("case_reference;phone\nA;771234567\n", encoding="utf-8")
    result = run(runner, "returnees", missing)
    assert result.stdout.splitlines()[0] == "file, field 'language': this column is missing"
    assert counts(session)[0] == 0


def test_the_console_upload_shows_the_same_report(
    client_as: Callable[..., FlaskClient], form_token: Callable[..., str], session: Session
) -> None:
    client = client_as("caseworker")
    before = counts(session)
    response = client.post(
        "/import",
        data={
            "csrf_token": form_token(client, "/import"),
            "kind": "returnees",
            "file": (RETURNEES.open("rb"), "returnees.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for line in CONSOLE_RETURNEE_REPORT:
        assert f"<li>{escape(line)}</li>" in page, line
    assert "Dry run" in page or "Nothing was imported" in page
    assert "--skip-invalid" not in page  # the page's checkbox, not the command's option
    assert counts(session) == before
    response = client.post(
        "/import",
        data={
            "csrf_token": form_token(client, "/import"),
            "kind": "returnees",
            "skip_invalid": "y",
            "file": (RETURNEES.open("rb"), "returnees.csv"),
        },
        content_type="multipart/form-data",
    )
    assert "7 rows read: 3 valid, 4 with errors. 3 rows imported, 4 skipped." in (
        response.get_data(as_text=True)
    )
    assert counts(session)[0] == 3
    assert client_as("manager").get("/import").status_code == 403


def french_dry_run(
    client_as: Callable[..., FlaskClient], form_token: Callable[..., str], file: object
) -> str:
    """The import page a French caseworker gets for a dry run of returnees from `file`."""
    client = client_as("caseworker", language="fr")
    response = client.post(
        "/import",
        data={
            "csrf_token": form_token(client, "/import"),
            "kind": "returnees",
            "dry_run": "y",
            "file": file,
        },
        content_type="multipart/form-data",
    )
    return response.get_data(as_text=True)


def test_the_console_report_speaks_french_to_a_french_caseworker(
    client_as: Callable[..., FlaskClient], form_token: Callable[..., str]
) -> None:
    page = french_dry_run(client_as, form_token, (RETURNEES.open("rb"), "returnees.csv"))
    for line in FRENCH_RETURNEE_REPORT:
        assert f"<li>{escape(line)}</li>" in page, line
    assert f'<p id="import-summary">{escape(FRENCH_SUMMARY)}</p>' in page


def test_a_file_that_is_no_csv_is_reported_as_the_file_not_a_column(
    client_as: Callable[..., FlaskClient], form_token: Callable[..., str]
) -> None:
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00")
    page = french_dry_run(client_as, form_token, (png, "photo.png"))
    assert "<li>Le fichier n&#39;est pas du texte UTF-8" in page and "colonne file" not in page
    assert "0 ligne lue\u00a0: 0 valide, 0 avec erreur." in page  # French counts zero as one


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026 14:00", datetime(2026, 12, 31, 14, 0)),
        ("2026-12-31 14:00", datetime(2026, 12, 31, 14, 0)),
        ("2026-12-31T14:00:00", datetime(2026, 12, 31, 14, 0)),
        ("31-12-2026 2:00 PM", datetime(2026, 12, 31, 14, 0)),
        ("31.12.2026 14h00", datetime(2026, 12, 31, 14, 0)),
        ("31/12/26 14:00", datetime(2026, 12, 31, 14, 0)),
    ],
)
def test_spreadsheet_dates_and_times_are_read_in_the_returnees_zone(
    text: str, expected: datetime
) -> None:
    moment, has_time = parse_moment(text, "Asia/Kabul")
    assert has_time and moment.replace(tzinfo=None) == expected
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 4.5 * 3600  # type: ignore[union-attr]


def test_dates_alone_and_wrong_dates() -> None:
    moment, has_time = parse_moment("2026-12-31", "Africa/Dakar")
    assert (moment.date().isoformat(), has_time) == ("2026-12-31", False)
    for wrong in ("12/31/2026", "31/12/9999", "tomorrow", "2026-02-30"):
        with pytest.raises(ValueRefused):
            parse_moment(wrong, "Africa/Dakar")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("wo", "wo"),
        ("WOLOF", "wo"),
        ("Français", "fr"),
        ("fr-SN", "fr"),
        ("Anglais", "en"),
        ("Arabic", "ar"),
        ("Nigerian Pidgin", "pcm"),
        ("Dari", "prs"),
    ],
)
def test_languages_are_read_by_code_or_name(text: str, code: str) -> None:
    assert parse_language(text) == code


def test_semicolons_commas_and_a_bom_are_all_read() -> None:
    for data in (b"\xef\xbb\xbfa;b\r\n1;2\r\n", b"a,b\n1,2\n", b'a,b\n"1,5",2\n'):
        table = read_table(data)
        assert table.columns == ["a", "b"] and table.rows[0].number == 2
    assert read_table(b'a,b\n"1,5",2\n').rows[0].values == {"a": "1,5", "b": "2"}


def test_a_batch_of_new_referrals_gets_the_tasks_and_notices_one_by_one_would(
    session: Session, now: datetime, make_returnee: Callable[..., Returnee], partners: list[Partner]
) -> None:
    from smsgateway.models import Task
    from smsgateway.programme import current_programme
    from smsgateway.referrals import NewReferral, create_referral, create_referrals

    programme = current_programme()
    with_time, without = now + timedelta(days=5), None
    singles = [
        create_referral(
            session,
            now,
            returnee=make_returnee(),
            partner=partners[0],
            service_category="vocational_training",
            created_by="x",
            appointment_at=when,
            programme=programme,
        )
        for when in (with_time, without)
    ]
    batch = create_referrals(
        session,
        now,
        [
            NewReferral(make_returnee(), partners[0], "vocational_training", False, when)
            for when in (with_time, without)
        ],
        created_by="x",
        programme=programme,
    )
    session.commit()

    def shape(referral: Referral) -> tuple[Any, ...]:
        tasks = session.scalars(select(Task).filter_by(referral_id=referral.id).order_by(Task.rule))
        notices = session.scalars(
            select(Notice).filter_by(referral_id=referral.id).order_by(Notice.id)
        )
        return (
            [(t.rule, t.state, t.anchor_at, t.due_at) for t in tasks],
            [(n.kind, n.due_at, n.state) for n in notices],
            [(e.old_status, e.new_status) for e in referral.events],
        )

    assert [shape(r) for r in batch] == [shape(r) for r in singles]
    assert shape(singles[0])[0], "the programme gives a referral with an appointment its tasks"


def test_a_failure_while_saving_a_later_batch_leaves_nothing_of_the_earlier_ones(
    runner: FlaskCliRunner,
    session: Session,
    partners: list[Partner],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """All or nothing holds across the batches the rows are saved in: when saving batch 2 fails
    (here: a case reference registered by someone else while the import ran, and a referral
    refused on saving), batch 1, already written with its events and notices, goes too; the
    report says so, and the exit status is 1 even with --skip-invalid."""
    from smsgateway.errors import InvalidInput
    from smsgateway.imports import referrals as referral_import
    from smsgateway.imports import returnees as returnee_import
    from smsgateway.models import Task

    monkeypatch.setattr(returnee_import, "BATCH", 2)
    monkeypatch.setattr(referral_import, "BATCH", 2)
    people = tmp_path / "returnees.csv"
    people.write_text(
        "case_reference,phone,language\n"
        + "".join(f"MIM-10{n},77 123 45 6{n},wo\n" for n in range(5)),
        encoding="utf-8",
    )
    register, calls = returnee_import.register_returnees, []

    def taken_meanwhile(session: Session, now: datetime, new: Any, *, region: str) -> Any:
        calls.append(len(new))
        if len(calls) == 2:
            row = new[0].row
            raise InvalidInput("case_reference", "this case reference is already registered", row)
        return register(session, now, new, region=region)

    monkeypatch.setattr(returnee_import, "register_returnees", taken_meanwhile)
    before = counts(session)
    result = run(runner, "returnees", people)
    assert calls == [2, 2], "batch 1 was saved before batch 2 failed"
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "row 4, field 'case_reference': this case reference is already registered",
        "5 rows read: 5 valid, 1 with errors. Nothing was imported: saving stopped at the row "
        "above and nothing was kept (all or nothing, with --skip-invalid too); fix it, then "
        "import again.",
    ]
    assert counts(session) == before
    calls.clear()
    skipping = run(runner, "returnees", people, "--skip-invalid")  # no row to skip: it failed
    assert calls == [2, 2] and skipping.exit_code == 1
    assert skipping.stdout.splitlines()[-1] == result.stdout.splitlines()[-1]
    assert counts(session) == before

    monkeypatch.setattr(returnee_import, "register_returnees", register)
    assert run(runner, "returnees", people).exit_code == 0
    referrals = tmp_path / "referrals.csv"
    referrals.write_text(
        "case_reference,partner,service,appointment\n"
        + "".join(
            f"MIM-10{n},Training Centre 1,vocational_training,31/12/2026 14:00\n" for n in range(5)
        ),
        encoding="utf-8",
    )
    check, checked = referral_import.check_new_referral, []

    def refused_on_saving(item: Any) -> None:
        checked.append(item)
        if len(checked) == 4:
            raise InvalidInput("appointment", "refused on saving")
        check(item)

    monkeypatch.setattr(referral_import, "check_new_referral", refused_on_saving)
    before = counts(session)
    tasks = session.scalar(select(func.count()).select_from(Task))
    result = run(runner, "referrals", referrals)
    assert len(checked) == 4 and result.exit_code == 1
    assert result.stdout.splitlines()[0] == "row 5, field 'appointment': refused on saving"
    assert "saving stopped at the row above" in result.stdout.splitlines()[-1]
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(Task)) == tasks
