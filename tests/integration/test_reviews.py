"""The review queue's rules: nothing sent when nothing changes, nothing to a contact that
stopped, no sensitive service named, partner outcomes only for partner messages, a referral
picked by the reference the console shows, dismissal with a note."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.errors import InvalidInput
from smsgateway.models import (
    Message,
    Notice,
    Partner,
    Referral,
    Returnee,
    ReviewItem,
    Suppression,
)
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.reachability import set_opt_out, suppress
from smsgateway.referrals import Source, Status, change_status
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.returnees import PhoneInput, update_returnee
from smsgateway.reviews import (
    SenderKind,
    apply_review,
    dismiss_review_item,
    find_referral,
    reply_to_review_item,
    sender_of,
)
from smsgateway.runtime import Runtime


def write(runtime: Runtime, phone: str, text: str, at: datetime) -> ReviewItem:
    """A message from `phone` that lands in the review queue; its open item."""
    with runtime.db.transaction() as tx:
        result = receive_message(tx, InboundMessage(phone, text), now=at, settings=runtime.settings)
        item = tx.scalar(select(ReviewItem).filter_by(message_id=result.message_id))
        assert item is not None, f"{text!r} was not queued for review ({result.outcome})"
        tx.expunge(item)
        return item


def item_block(page: str, item: ReviewItem) -> str:
    """The markup of review item `item` on the queue's page `page`."""
    start = page.index(f'data-item="{item.id}"')
    return page[start : page.index("</li>", start)]


def planned_since(session: Session, after_id: int) -> list[Notice]:
    session.expire_all()
    return list(session.scalars(select(Notice).where(Notice.id > after_id)))


def last_notice_id(session: Session) -> int:
    return session.scalar(select(func.max(Notice.id))) or 0


def phone_of(returnee: Returnee) -> str:
    return returnee.contact_points[0].phone_e164


def test_applying_what_the_referral_already_records_sends_nothing(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    change_status(session, referral, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
    session.commit()
    item = write(runtime, phone_of(referral.returnee), "oui oui", now)
    before = last_notice_id(session)

    with runtime.db.transaction() as tx:
        outcome = apply_review(
            tx, item.id, "confirm", now=now, actor="cw", referral=tx.get(Referral, referral.id)
        )

    assert outcome.notice_ids == [] and planned_since(session, before) == []
    resolved = session.get(ReviewItem, item.id)
    assert resolved is not None and resolved.resolved_at is not None
    assert resolved.resolution == "applied"


def test_a_change_is_acknowledged_once_on_the_number_that_wrote(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    item = write(runtime, phone_of(referral.returnee), "oui oui", now)
    before = last_notice_id(session)

    with runtime.db.transaction() as tx:
        apply_review(tx, item.id, "confirm", now=now, actor="cw", referral=None)

    (ack,) = planned_since(session, before)
    assert ack.kind == "ack_confirmed"
    assert ack.contact_point_id == referral.returnee.contact_points[0].id
    assert session.get(Referral, referral.id).status == "confirmed"  # type: ignore[union-attr]  # made above


@pytest.mark.parametrize("how", ["opted_out", "number_stopped"])
def test_no_acknowledgement_goes_to_a_contact_that_stopped(
    how: str,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    item = write(runtime, phone_of(referral.returnee), "oui oui", now)
    if how == "opted_out":
        set_opt_out(session, referral.returnee, is_opted_out=True, source="cw", now=now)
    else:
        suppress(session, phone_of(referral.returnee), "stop", now=now)
    session.commit()
    before = last_notice_id(session)

    with runtime.db.transaction() as tx:
        apply_review(tx, item.id, "confirm", now=now, actor="cw")

    assert planned_since(session, before) == []
    assert session.get(Referral, referral.id).status == "confirmed"  # type: ignore[union-attr]  # made above


def test_the_acknowledgement_of_a_sensitive_referral_never_names_its_service(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    clinic = make_partner(
        name="Clinique de santé mentale Pikine",
        display_name="Centre Pikine",
        service_categories=["mental_health"],
    )
    referral = make_referral(partner=clinic, service_category="mental_health")
    assert referral.is_sensitive
    item = write(runtime, phone_of(referral.returnee), "oui oui", now)

    with runtime.db.transaction() as tx:
        apply_review(tx, item.id, "confirm", now=now, actor="cw")
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)

    ack = session.scalar(select(Message).filter_by(direction="out", kind="ack_confirmed"))
    assert ack is not None and ack.body
    for revealing in ("mental", "santé", "sante", "Clinique"):
        assert revealing.lower() not in ack.body.lower()


def test_partner_outcomes_apply_only_to_a_point_persons_message(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner)
    person_phone = partner.point_persons[0].phone_e164
    from_partner = write(runtime, person_phone, "bonjour, des nouvelles bientôt", now)
    from_returnee = write(runtime, phone_of(referral.returnee), "oui oui", now)
    assert sender_of(session, session.get(ReviewItem, from_partner.id)).kind is SenderKind.PARTNER  # type: ignore[arg-type]  # made above
    assert sender_of(session, session.get(ReviewItem, from_returnee.id)).kind is SenderKind.RETURNEE  # type: ignore[arg-type]  # made above

    with pytest.raises(InvalidInput), runtime.db.transaction() as tx:
        apply_review(tx, from_returnee.id, "enrolled", now=now, actor="cw")
    with pytest.raises(InvalidInput), runtime.db.transaction() as tx:
        apply_review(tx, from_partner.id, "confirm", now=now, actor="cw", referral=None)
    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above
    before = last_notice_id(session)

    with runtime.db.transaction() as tx:
        apply_review(
            tx,
            from_partner.id,
            "enrolled",
            now=now,
            actor="cw",
            referral=find_referral(tx, str(referral.reference)),
        )

    planned = {notice.kind: notice for notice in planned_since(session, before)}
    assert session.get(Referral, referral.id).status == "enrolled"  # type: ignore[union-attr]  # made above
    # the partner is told; the returnee will be asked about the help a month later
    assert set(planned) == {"ack_partner_results", "satisfaction_question"}
    assert planned["ack_partner_results"].recipient_phone == person_phone


def test_a_partner_outcome_on_another_partners_referral_is_refused(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    ours, theirs = make_partner(), make_partner()
    other = make_referral(partner=theirs)
    item = write(runtime, ours.point_persons[0].phone_e164, "bonjour", now)

    with pytest.raises(InvalidInput, match="another partner"), runtime.db.transaction() as tx:
        apply_review(
            tx, item.id, "ineligible", now=now, actor="cw", referral=tx.get(Referral, other.id)
        )

    assert session.get(Referral, other.id).status == "referred"  # type: ignore[union-attr]  # made above


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", " {ref} ", "{digits}"])
def test_a_referral_is_found_by_the_reference_the_console_shows(
    typed: str, session: Session, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    reference = str(referral.reference)
    text = typed.format(ref=reference, lower=reference.lower(), digits=reference[1:])
    found = find_referral(session, text)
    assert found is not None and found.id == referral.id


def test_text_that_names_no_referral_finds_none(
    session: Session, make_referral: Callable[..., Referral]
) -> None:
    make_referral()
    for text in ("", "R9999", "hello", "R12x", "1' OR 1=1"):
        assert find_referral(session, text) is None


def test_dismissing_needs_a_note_sends_nothing_and_keeps_the_note(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    item = write(runtime, phone_of(referral.returnee), "merci beaucoup, mais c est qui ?", now)
    before = last_notice_id(session)

    with pytest.raises(InvalidInput), runtime.db.transaction() as tx:
        dismiss_review_item(tx, item.id, note="  ", now=now, actor="cw")
    with runtime.db.transaction() as tx:
        dismiss_review_item(tx, item.id, note="Just a thank-you.", now=now, actor="cw")

    session.expire_all()
    dismissed = session.get(ReviewItem, item.id)
    assert dismissed is not None and dismissed.resolved_at is not None
    assert (dismissed.resolution, dismissed.note) == ("dismissed", "Just a thank-you.")
    assert planned_since(session, before) == []
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above


# -- on the console ------------------------------------------------------------------------------


def token_of(client: FlaskClient, path: str = "/reviews") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def test_a_reference_typed_on_the_console_applies_the_message_to_that_referral(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    returnee = make_returnee()
    make_referral(returnee=returnee)
    second = make_referral(returnee=returnee)
    item = write(runtime, phone_of(returnee), "oui oui", now)
    runtime.clock = lambda: now

    refused = caseworker_client.post(
        f"/reviews/{item.id}/apply",
        data={"csrf_token": token_of(caseworker_client), "intent": "confirm", "referral": "R99x"},
        follow_redirects=True,
    )
    assert refused.status_code == 200
    assert "No referral R99x: type its reference, as shown on the console (R1004)." in (
        refused.get_data(as_text=True)
    )
    response = caseworker_client.post(
        f"/reviews/{item.id}/apply",
        data={
            "csrf_token": token_of(caseworker_client),
            "intent": "confirm",
            "referral": str(second.reference).lower(),
        },
    )

    assert response.status_code == 303
    session.expire_all()
    assert session.get(Referral, second.id).status == "confirmed"  # type: ignore[union-attr]  # made above
    # A second tab still showing the item is told it was decided, whatever it tries.
    for action, form in [
        ("apply", {"intent": "decline"}),
        ("dismiss", {"note": "nothing to do"}),
        ("reply", {"template": "ack_help"}),
    ]:
        again = caseworker_client.post(
            f"/reviews/{item.id}/{action}",
            data={"csrf_token": token_of(caseworker_client), **form},
            follow_redirects=True,
        )
        assert "This item was already decided; nothing was changed." in again.get_data(
            as_text=True
        ), action
    session.expire_all()
    assert session.get(Referral, second.id).status == "confirmed"  # type: ignore[union-attr]  # made above


def test_the_queue_shows_sender_referral_link_and_dismisses_with_a_note(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner, appointment_at=now + timedelta(days=3))
    write(runtime, partner.point_persons[0].phone_e164, "bonjour, rappel demain", now)
    item = write(runtime, phone_of(referral.returnee), "merci beaucoup, mais c est qui ?", now)
    with runtime.db.transaction() as tx:
        tx.get(ReviewItem, item.id).referral_id = referral.id  # type: ignore[union-attr]  # made above

    page = caseworker_client.get("/reviews").get_data(as_text=True)
    assert "Partner point person" in page and "Returnee" in page
    assert f'href="/referrals/{referral.reference}"' in page
    assert "merci beaucoup, mais c est qui ?" in page
    response = caseworker_client.post(
        f"/reviews/{item.id}/dismiss",
        data={"csrf_token": token_of(caseworker_client), "note": "A thank-you, nothing to do."},
    )

    assert response.status_code == 303
    session.expire_all()
    dismissed = session.get(ReviewItem, item.id)
    assert dismissed is not None and dismissed.resolution == "dismissed"
    assert dismissed.resolved_by == caseworker_client.user.username  # type: ignore[attr-defined]


def test_a_template_answer_goes_to_the_number_that_wrote_unless_it_stopped(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    asked = write(runtime, phone_of(referral.returnee), "comment ça marche ?", now)
    stopped = write(runtime, phone_of(referral.returnee), "encore moi", now)
    before = last_notice_id(session)

    with runtime.db.transaction() as tx:
        reply_to_review_item(tx, asked.id, "ack_help", now=now, actor="cw")
    suppress(session, phone_of(referral.returnee), "stop", now=now)
    session.commit()
    with pytest.raises(InvalidInput, match="stopped"), runtime.db.transaction() as tx:
        reply_to_review_item(tx, stopped.id, "ack_help", now=now, actor="cw")

    (answer,) = planned_since(session, before)
    assert answer.kind == "ack_help" and answer.referral_id is None
    assert session.get(ReviewItem, asked.id).resolution == "replied"  # type: ignore[union-attr]  # made above
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above


def test_an_opt_out_read_by_likeness_is_shown_for_a_caseworker_to_check(
    runtime: Runtime,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
) -> None:
    """Rule 7b stopped the number on a likeness, not a rule: the queue says so, and a caseworker
    who finds it was not meant starts the number again from the page."""
    referral = make_referral()
    phone = phone_of(referral.returnee)
    item = write(runtime, phone, "ces sms c'est trop, ce téléphone est à mon mari", now)
    assert item.reason == "opt_out_by_likeness"

    page = caseworker_client.get("/reviews").get_data(as_text=True)

    block = item_block(page, item)
    assert "Stopped: reads like an opt-out, check it was meant" in block
    # The number stopped: no template can be sent to it, the choice is whether it was meant.
    assert "/reply" not in block
    assert "Not meant: start the number again" in block
    assert "Meant: keep it stopped" in block
    # The returnee's only open referral shows the stop before anyone decides.
    before = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "To the review queue: Stopped: reads like an opt-out, check it was meant" in before

    response = caseworker_client.post(
        f"/reviews/{item.id}/lift-stop",
        data={"csrf_token": token_of(caseworker_client), "referral": referral.reference},
        follow_redirects=True,
    )
    assert "The number starts again; the person is told." in response.get_data(as_text=True)

    with runtime.db.transaction() as tx:
        assert tx.scalar(select(Suppression).filter_by(phone_e164=phone)) is None
        lifted = tx.get(ReviewItem, item.id)
        assert lifted is not None and lifted.resolution == "stop_lifted"
        assert lifted.referral_id == referral.id
        # The message was no opt-out, and no wish to start either: what it meant is open.
        assert lifted.message is not None and lifted.message.intent == "unclear"
    timeline = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Review: the stop was not meant, the number starts again" in timeline
    assert "Wants messages again" not in timeline


def test_a_caseworker_who_finds_a_likeness_stop_was_meant_keeps_it_with_a_trace(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    phone = phone_of(referral.returnee)
    item = write(runtime, phone, "ces sms c'est trop, ce téléphone est à mon mari", now)
    other = write(runtime, phone, "comment ça marche ?", now + timedelta(days=2))
    before = last_notice_id(session)

    response = caseworker_client.post(
        f"/reviews/{item.id}/keep-stop",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "The number stays stopped." in response.get_data(as_text=True)
    # Only a likeness stop is kept or lifted this way; another item is refused and stays open.
    refused = caseworker_client.post(
        f"/reviews/{other.id}/keep-stop",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "The number stays stopped." not in refused.get_data(as_text=True)

    with runtime.db.transaction() as tx:
        assert tx.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None
        kept = tx.get(ReviewItem, item.id)
        assert kept is not None and kept.resolution == "stop_kept"
        assert kept.resolved_by == caseworker_client.user.username  # type: ignore[attr-defined]
        assert tx.get(ReviewItem, other.id).resolved_at is None  # type: ignore[union-attr]  # made above
        assert planned_since(tx, before) == []  # nobody is sent anything
    timeline = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Review: the stop was meant, the number stays stopped" in timeline
    assert "ces sms c&#39;est trop" in timeline  # the message that stopped the number
    # A second tab deciding the same item is told it was decided already.
    again = caseworker_client.post(
        f"/reviews/{item.id}/keep-stop",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "This item was already decided; nothing was changed." in again.get_data(as_text=True)


def test_someone_who_cannot_read_is_called_and_may_hear_their_notices(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
) -> None:
    """ "Je sais pas lire": the help answer goes (someone may read it to them), and a caseworker
    is asked to call; from the queue, their notices go as voice calls, those planned already
    and those planned later."""
    referral = make_referral()
    phone = phone_of(referral.returnee)
    with runtime.db.transaction() as tx:
        reminder = tx.scalar(
            select(Notice).filter_by(referral_id=referral.id, kind="appointment_reminder")
        )
        assert reminder is not None and reminder.channel == "sms" and reminder.state == "planned"
    before = last_notice_id(session)
    item = write(runtime, phone, "pardon je sais pas lire, c'est quoi ?", now)
    assert item.reason == "cannot_read"
    with runtime.db.transaction() as tx:
        assert [n.kind for n in planned_since(tx, before)] == ["ack_help"]
        assert tx.get(Message, item.message_id).intent == "help"  # type: ignore[union-attr]
    # Other help asks nobody to call.
    with runtime.db.transaction() as tx:
        other = receive_message(
            tx, InboundMessage(phone, "je comprends pas"), now=now, settings=runtime.settings
        )
        assert tx.scalar(select(ReviewItem).filter_by(message_id=other.message_id)) is None

    page = caseworker_client.get("/reviews").get_data(as_text=True)
    block = item_block(page, item)
    assert "Cannot read: call them, or send their notices as voice calls" in block
    assert "Send their notices as voice calls" in block

    response = caseworker_client.post(
        f"/reviews/{item.id}/voice",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "Their notices now go as voice calls." in response.get_data(as_text=True)
    with runtime.db.transaction() as tx:
        decided = tx.get(ReviewItem, item.id)
        assert decided is not None and decided.resolution == "voice_chosen"
        assert decided.resolved_by == caseworker_client.user.username  # type: ignore[attr-defined]
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None and returnee.preferred_channel == "voice"
        # The reminder planned before is a call now; the answer to the message stays a text,
        # and nothing new is sent.
        assert tx.get(Notice, reminder.id).channel == "voice"  # type: ignore[union-attr]
        answers = {(n.kind, n.channel) for n in planned_since(tx, before)}
        assert answers == {("ack_help", "sms")}  # to "je sais pas lire" and "je comprends pas"
        notice = plan_notice(
            tx,
            kind=NoticeKind.APPOINTMENT_REMINDER,
            returnee=returnee,
            contact_point=returnee.contact_points[0],
            due_at=now,
            now=now,
        )
        assert notice.channel == "voice"
    timeline = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Review: cannot read, the notices now go as voice calls" in timeline
    # Only an item from someone who cannot read switches the channel this way.
    likeness = write(runtime, phone, "ces sms c'est trop, ce téléphone est à mon mari", now)
    refused = caseworker_client.post(
        f"/reviews/{likeness.id}/voice",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "Their notices now go as voice calls." not in refused.get_data(as_text=True)
    with runtime.db.transaction() as tx:
        assert tx.get(ReviewItem, likeness.id).resolved_at is None  # type: ignore[union-attr]


def test_help_asked_at_length_is_answered_and_read_by_a_caseworker(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
) -> None:
    """Help read from a longer reply (rule `help_at_length`): the help answer goes, and the
    message goes to the queue too, since the words around the asks may say something else (who
    writes, a lost paper, a complaint). A short request for help asks nothing of a caseworker."""
    referral = make_referral()
    phone = phone_of(referral.returnee)
    before = last_notice_id(session)
    text = "il a perdu le papier du bureau, aidez-moi svp, je comprends pas ce message"
    item = write(runtime, phone, text, now)
    assert item.reason == "help_at_length"
    with runtime.db.transaction() as tx:
        assert [n.kind for n in planned_since(tx, before)] == ["ack_help"]
        assert tx.get(Message, item.message_id).intent == "help"  # type: ignore[union-attr]
        short = receive_message(
            tx, InboundMessage(phone, "je comprends pas"), now=now, settings=runtime.settings
        )
        assert tx.scalar(select(ReviewItem).filter_by(message_id=short.message_id)) is None
    page = caseworker_client.get("/reviews").get_data(as_text=True)
    block = item_block(page, item)
    assert "Asked for help at length: read what else it says" in block
    assert "il a perdu le papier du bureau" in block


def test_a_relative_who_cannot_read_is_called_and_the_returnee_keeps_their_channel(
    runtime: Runtime,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
    make_returnee: Callable[..., Returnee],
) -> None:
    proxy = "+221771239112"
    returnee = make_returnee(
        phones=[PhoneInput("+221771239111"), PhoneInput(proxy, is_proxy=True, relation="soeur")]
    )
    make_referral(returnee=returnee)
    item = write(runtime, proxy, "je sais pas lire", now)
    assert item.reason == "cannot_read"

    page = caseworker_client.get("/reviews").get_data(as_text=True)
    block = item_block(page, item)
    assert "relative or friend who may not be able to read it" in block
    assert "Send their notices as voice calls" not in block
    forced = caseworker_client.post(
        f"/reviews/{item.id}/voice",
        data={"csrf_token": token_of(caseworker_client)},
        follow_redirects=True,
    )
    assert "Their notices now go as voice calls." not in forced.get_data(as_text=True)
    # The call is noted; an empty note (spaces) is refused with what to write.
    blank = caseworker_client.post(
        f"/reviews/{item.id}/called",
        data={"csrf_token": token_of(caseworker_client), "note": "   "},
        follow_redirects=True,
    )
    assert "Say in a few words what the call gave." in blank.get_data(as_text=True)
    done = caseworker_client.post(
        f"/reviews/{item.id}/called",
        data={"csrf_token": token_of(caseworker_client), "note": "Appelée, elle passera"},
        follow_redirects=True,
    )
    assert "The call is noted." in done.get_data(as_text=True)
    with runtime.db.transaction() as tx:
        noted = tx.get(ReviewItem, item.id)
        assert noted is not None and noted.resolution == "called"
        assert noted.note == "Appelée, elle passera"
        assert tx.get(Returnee, returnee.id).preferred_channel == "sms"  # type: ignore[union-attr]


def test_no_voice_switch_when_no_call_can_carry_the_language_or_the_phone_is_shared(
    runtime: Runtime,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
    make_returnee: Callable[..., Returnee],
) -> None:
    """Wolof has no voice here: calls would go as texts, so the switch is not offered and is
    refused. On a phone others use too, whoever cannot read may not be the returnee."""
    wolof = make_returnee(language="wo", phones=[PhoneInput("+221771239121")])
    make_referral(returnee=wolof)
    shared = make_returnee(phones=[PhoneInput("+221771239122", is_shared=True)])
    make_referral(returnee=shared)
    no_voice = write(runtime, "+221771239121", "mënuma jàng", now)
    family = write(runtime, "+221771239122", "je sais pas lire", now)
    assert no_voice.reason == family.reason == "cannot_read"

    page = caseworker_client.get("/reviews").get_data(as_text=True)
    for item, says in (
        (no_voice, "may not be able to read. Call them.</p>"),
        (no_voice, "No call can carry their languages yet"),
        (family, "relative or friend who may not be able to read it"),
    ):
        block = item_block(page, item)
        assert says in block
        assert "Send their notices as voice calls" not in block
        assert "Dismiss" in block  # a false alarm can be closed without claiming a call
        refused = caseworker_client.post(
            f"/reviews/{item.id}/voice",
            data={"csrf_token": token_of(caseworker_client)},
            follow_redirects=True,
        )
        assert "Their notices now go as voice calls." not in refused.get_data(as_text=True)
    with runtime.db.transaction() as tx:
        for returnee in (wolof, shared):
            assert tx.get(Returnee, returnee.id).preferred_channel == "sms"  # type: ignore[union-attr]


def test_changing_the_channel_on_the_record_moves_the_planned_notices(
    runtime: Runtime, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    with runtime.db.transaction() as tx:
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None
        update_returnee(tx, returnee, now=now, actor="cw", channel="voice")
    with runtime.db.transaction() as tx:
        planned = tx.scalars(
            select(Notice).filter_by(referral_id=referral.id, state="planned")
        ).all()
        assert planned and {n.channel for n in planned} == {"voice"}
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None
        update_returnee(tx, returnee, now=now, actor="cw", channel="sms")
    with runtime.db.transaction() as tx:
        planned = tx.scalars(
            select(Notice).filter_by(referral_id=referral.id, state="planned")
        ).all()
        assert {n.channel for n in planned} == {"sms"}


def test_an_item_about_the_messages_presets_no_answer(
    runtime: Runtime,
    now: datetime,
    caseworker_client: FlaskClient,
    make_referral: Callable[..., Referral],
) -> None:
    """Its sender was told already that a caseworker reads it and how to stop: the caseworker
    chooses an answer, none is preset; another item presets the receipt."""
    phone = phone_of(make_referral().returnee)
    text = "vos messages arrivent sur le téléphone de mon mari, il n'est pas content"
    flagged = write(runtime, phone, text, now)
    other = write(runtime, phone, "comment ça marche ?", now + timedelta(days=2))
    assert (flagged.reason, other.reason) == ("unclear_about_the_messages", "no_open_question")

    page = caseworker_client.get("/reviews").get_data(as_text=True)

    def answers(item: ReviewItem) -> list[str]:
        block = item_block(page, item)
        return re.findall(r'<input type="radio" name="template"[^>]*>', block)

    assert [("checked" in radio, "required" in radio) for radio in answers(flagged)] == [
        (False, True),
        (False, True),
    ]
    assert ['value="ack_received"' in radio for radio in answers(other) if "checked" in radio] == [
        True
    ]
    assert page.count("They were already told that a caseworker reads it") == 1


def test_an_empty_queue_says_what_to_expect_without_counting_zero(
    caseworker_client: FlaskClient,
) -> None:
    page = caseworker_client.get("/reviews").get_data(as_text=True)

    assert "Nothing needs review." in page
    assert "0 items need a decision" not in page
