"""The plain rows dispatch reads a batch into take their fields in the order of their columns."""

from dataclasses import fields

from smsgateway.dispatch.prepare import (
    CONTACT_POINT_COLUMNS,
    NOTICE_ROW_COLUMNS,
    PARTNER_COLUMNS,
    REFERRAL_COLUMNS,
    RETURNEE_COLUMNS,
    ContactPointRow,
    NoticeRow,
    PartnerRow,
    ReferralRow,
    ReturneeRow,
)


def names(row_class: type) -> list[str]:
    return [field.name for field in fields(row_class)]


def test_each_row_takes_its_columns_in_order() -> None:
    assert names(ReturneeRow) == [column.key for column in RETURNEE_COLUMNS]
    assert names(ContactPointRow) == [column.key for column in CONTACT_POINT_COLUMNS]
    assert names(PartnerRow) == [column.key for column in PARTNER_COLUMNS]
    assert names(ReferralRow) == [column.key for column in REFERRAL_COLUMNS] + ["partner"]
    assert names(NoticeRow) == [column.key for column in NOTICE_ROW_COLUMNS] + [
        "returnee",
        "contact_point",
        "referral",
    ]
