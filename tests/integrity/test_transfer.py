"""export_account / import_account: an account written to JSON and read back into an empty
database has every row, field and link it had."""

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AccountMembership, User
from customers import services as customer_services
from customers.models import Goal, Problem, Stakeholder
from dialogue.models import Meeting
from health import services as health_services
from insights import plans, prep, summaries
from integrity.transfer import account_models, dump, export_account
from mailin.models import InboundAddress, InboundEmail
from mailin.services import live_address
from solutions.models import Comment, Mention, ProposalFollow, ProposalTransition
from space import answers, guests
from space import services as space_services
from space.models import Feedback, Guest, GuestSession, SharedProposal
from strategy import services as strategy_services
from strategy.models import Offering, Playbook, WhitespaceCell
from strategy.scorecards import store_scorecard
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rich_account(actors, settings, tmp_path):
    """customer_a with at least one row of every kind, links, history and a deleted record."""
    settings.MEDIA_ROOT = tmp_path / "media"
    customer, lead = actors.customer_a, actors.sales_a
    area = factories.AreaFactory(name="Engineering")
    factories.BusinessModelFactory(customer=customer, value_proposition="Same-day parts")
    factories.StrategicMoveFactory(customer=customer)
    goal = customer_services.create_record(
        Goal, customer=customer, by=lead, fields={"title": "Cut lead time"}
    )
    customer_services.update_record(
        goal, by=lead, expected_version=goal.version, changes={"title": "Cut lead time by half"}
    )
    option = factories.OptionFactory(customer=customer)
    option.serves_goals.set([goal])
    process = factories.ProcessFactory(customer=customer)
    step = factories.ProcessStepFactory(process=process)
    boss = factories.StakeholderFactory(customer=customer, name="Clara CEO")
    champion = factories.StakeholderFactory(customer=customer, reports_to=boss, owner=lead)
    champion.influences.set([boss])
    problem = factories.ProblemFactory(customer=customer, process_step=step, raised_by=champion)
    problem.blocks_goals.set([goal])
    meeting = factories.MeetingFactory(customer=customer, author=lead)
    meeting.stakeholders.set([boss, champion])
    meeting.goals.set([goal])
    meeting.problems.set([problem])
    meeting.internal_attendees.set([actors.spec_a])
    factories.MeetingFactory(customer=customer, deleted_at=timezone.now())
    # A deleted goal keeps its links (a restore brings them back): the export carries them.
    gone = factories.GoalFactory(customer=customer, deleted_at=timezone.now(), deleted_by=lead)
    problem.blocks_goals.add(gone)
    meeting.goals.add(gone)
    factories.ActionItemFactory(customer=customer, meeting=meeting, owner=actors.spec_a)
    partner = factories.PartnerFactory()
    proposal = factories.ProposalFactory(customer=customer, owner=lead)
    proposal.problems.set([problem])
    proposal.options.set([option])
    contribution = factories.ContributionFactory(
        proposal=proposal, specialist=actors.spec_a, area=area
    )
    factories.ContributionFactory(proposal=proposal, specialist=None, partner=partner)
    first = factories.CommentFactory(proposal=proposal, contribution=contribution, author=lead)
    reply = factories.CommentFactory(proposal=proposal, parent=first, author=actors.spec_a)
    Mention.objects.create(comment=reply, user=lead)
    ProposalFollow.objects.create(proposal=proposal, user=actors.spec_a, is_following=False)
    planned = factories.PlannedMeetingFactory(customer=customer, owner=lead)
    planned.stakeholders.set([boss])
    prep.build_prep_brief(planned.pk)
    ProposalTransition.objects.create(
        proposal=proposal, from_status="draft", to_status="draft", by=lead
    )
    section = plans.save_plan_section(
        customer, area=None, body="Grow services", expected_version=0, by=lead
    )
    plans.add_plan_comment(customer, by=actors.mgr_a, body="Good", section=section)
    objective = plans.add_plan_item(
        customer,
        area=None,
        kind="objective",
        values={"title": "Preferred partner", "target": "40 %"},
        goals=[goal, gone],
        by=lead,
    )
    plans.submit_plan_section(objective.section, by=lead)
    plans.submit_plan(customer, by=lead)
    summaries.rebuild_summary(customer.pk)
    health_services.refresh_customer_health(customer.pk, now=timezone.now())
    snapshot = factories.HealthSnapshotFactory(customer=customer, taken_on=dt.date(2026, 1, 5))
    health_services.annotate_score(snapshot=snapshot, author=actors.mgr_a, body="Seasonal dip")
    # Strategy: a division with its whitespace, a SWOT item (and one in the trash), a chosen
    # playbook that lists an offering of another area, the proposal's value, the scorecard.
    division = factories.DivisionFactory(customer=customer, name="Retail", head=boss)
    division.goals.set([goal])
    cell = factories.WhitespaceCellFactory(
        customer=customer, division=division, offering__area=area, proposal=proposal
    )
    cell.problems.set([problem])
    factories.AnalysisItemFactory(customer=customer, problem=problem, category="weakness")
    factories.AnalysisItemFactory(customer=customer, deleted_at=timezone.now(), deleted_by=lead)
    playbook = factories.PlaybookFactory(name="Key accounts")
    playbook.required_offerings.set([factories.OfferingFactory(name="Audits")])
    strategy_services.choose_playbook(customer, playbook=playbook, by=lead)
    strategy_services.save_proposal_value(
        proposal, expected_version=0, fields={"amount": 1000, "currency": "EUR"}, by=lead
    )
    store_scorecard(customer.pk)
    # The shared space: shared records, the plan, a shared proposal with its PDF, a guest with
    # a session, what the guest said (a confirmation, a pending correction) and the discussion.
    space = space_services.open_space(customer, by=lead)
    space_services.set_shared_records(space, goals=[goal], problems=[problem])
    milestone = space_services.add_milestone(space, title="Pilot", due_on=dt.date(2027, 3, 1))
    step = space_services.add_step(
        space, title="Book the pilot", owner_user=actors.spec_a, milestone=milestone, goal=goal
    )
    space_services.share_proposal(
        space, proposal=proposal, summary="Parts in a day", attachment=b"%PDF-1.4 x"
    )
    katrin = factories.StakeholderFactory(customer=customer, email="katrin@example.com")
    guest = guests.invite_guest(space, stakeholder=katrin, by=lead)
    guest, _key = guests.redeem_sign_in_token(guests.make_sign_in_token(guest))
    answers.confirm_item(space.items.get(goal=goal), guest=guest)
    answers.suggest(
        space.items.get(problem=problem), guest=guest, kind="correct", title="Gate 3 waits"
    )
    space_services.post_message(space, body="Booked", guest=guest, step=step)
    space_services.post_message(space, body="Welcome", user=lead)
    # An email logged on the account, with an attachment; a forwarding address (a secret).
    email = factories.InboundEmailFactory(
        customer=customer,
        meeting=meeting,
        sender=lead,
        subject="Pilot scope by email",
        participants=[lead.email, "clara@example.com"],
        body="Scope agreed.",
        signature="-- Sam",
    )
    factories.InboundAttachmentFactory(email=email)
    factories.InboundAttachmentFactory(
        email=email, file="", filename="huge.zip", size=50 * 2**20, is_kept=False
    )
    live_address(customer=customer)
    # Another account's rows never travel with this one, nor mail waiting in an inbox.
    factories.GoalFactory(customer=actors.customer_b, title="Not exported")
    factories.InboundEmailFactory(sender=lead, subject="Not exported inbox mail")
    factories.InboundEmailFactory(
        customer=actors.customer_b, sender=actors.sales_b, subject="Not exported other mail"
    )
    return customer


def rows_by_model(data: dict) -> Counter:
    return Counter(obj["model"] for obj in data["objects"])


def test_export_then_import_into_an_empty_database_loses_nothing(rich_account, tmp_path):
    customer_id = rich_account.pk
    before = export_account(customer_id)
    usernames = sorted(u["username"] for u in before["users"])
    path = tmp_path / "account.json"
    call_command("export_account", str(customer_id), output=str(path))
    assert rows_by_model(json.loads(path.read_text())) == rows_by_model(before)

    assert "Not exported" not in path.read_text()
    assert live_address(customer=rich_account).token not in path.read_text()

    call_command("flush", interactive=False)  # an empty database
    assert not User.objects.exists()
    call_command("import_account", str(path))

    after = export_account(customer_id)
    assert rows_by_model(after) == rows_by_model(before)
    # Field for field, link for link, to the microsecond.
    assert json.loads(dump(after))["objects"] == json.loads(dump(before))["objects"]
    # Every model of the account apps had rows to carry (the fixture is complete).
    exported = set(rows_by_model(before))
    assert [m._meta.label for m in account_models() if m._meta.label_lower not in exported] == []
    # Users come back by username, inactive until someone lets them in.
    assert sorted(User.objects.values_list("username", flat=True)) == usernames
    assert not User.objects.filter(is_active=True).exists()
    lead = User.objects.get(username="sales_a")
    assert AccountMembership.objects.get(customer_id=customer_id, user=lead).role == "lead"
    meeting = Meeting.objects.filter(deleted_at__isnull=True).get()
    assert list(meeting.internal_attendees.values_list("username", flat=True)) == ["spec_a"]
    assert Stakeholder.objects.get(name="Clara CEO").influenced_by.count() == 1
    gone = Goal._base_manager.get(deleted_at__isnull=False)
    assert Problem._base_manager.filter(blocks_goals=gone).count() == 1
    assert Meeting._base_manager.filter(goals=gone).count() == 1
    assert Comment.objects.get(parent__isnull=False).mentions.get().user == lead
    # Shared rows come with what they point to: the playbook's offering and its area.
    assert WhitespaceCell.objects.get().problems.count() == 1
    assert Playbook.objects.get().required_offerings.get().name == "Audits"
    assert Offering.objects.get(name="Audits").area.name
    # The shared space came along, its secrets did not: no guest session, no sign-in nonce.
    assert "space.guestsession" not in exported
    assert GuestSession.objects.count() == 0
    guest = Guest.objects.get()
    assert (guest.email, guest.link_nonce) == ("katrin@example.com", "")
    assert guests.guest_for_token(guests.make_sign_in_token(guest)) == guest  # a fresh link works
    assert guest.link_nonce
    assert bytes(SharedProposal.objects.get().attachment) == b"%PDF-1.4 x"
    assert sorted(Feedback.objects.values_list("kind", "status")) == [
        ("confirm", "recorded"),
        ("correct", "pending"),
    ]
    # The logged email came along with its attachments' metadata (not the files).
    email = InboundEmail.objects.get()
    assert (email.subject, email.sender.username) == ("Pilot scope by email", "sales_a")
    assert (email.customer_id, email.meeting.customer_id) == (customer_id, customer_id)
    assert (email.body, email.signature) == ("Scope agreed.", "-- Sam")
    assert list(email.attachments.values_list("filename", "size", "is_kept")) == [
        ("offer.pdf", 14, True),
        ("huge.zip", 50 * 2**20, False),
    ]
    assert email.attachments.first().file.name.startswith("mailin/")
    assert not InboundAddress.objects.exists()
    # New rows still get fresh ids after the import.
    assert Goal.objects.create(customer_id=customer_id, title="New").pk > max(
        o["pk"] for o in before["objects"] if o["model"] == "customers.goal"
    )


def test_importing_into_a_database_that_has_the_customer_is_refused(rich_account, tmp_path):
    path = tmp_path / "account.json"
    call_command("export_account", str(rich_account.pk), output=str(path))
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_account", str(path))


def test_export_of_a_missing_customer_and_import_of_a_bad_file_are_errors(db, tmp_path):
    with pytest.raises(CommandError, match="no customer"):
        call_command("export_account", "999999")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="not an Accord account export"):
        call_command("import_account", str(bad))
    bad.write_text("not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_account", str(bad))
