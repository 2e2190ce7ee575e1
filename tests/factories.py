"""One minimal factory per model."""

import datetime as dt
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import (
    AccountMembership,
    ApiToken,
    Area,
    Notification,
    Team,
    TeamMember,
    User,
)
from customers.models import (
    BusinessModel,
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)
from customers.tallies import retally_customer
from dialogue.models import ActionItem, Meeting
from solutions.models import Comment, Contribution, Partner, Proposal

PASSWORD = "accord-test-password"


@cache
def _password_hash() -> str:
    # Hashed once per run: Argon2 is deliberately slow.
    return make_password(PASSWORD)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.SALESPERSON
    password = factory.LazyFunction(_password_hash)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    manager = factory.SubFactory(UserFactory, role=User.Role.MANAGER)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer whose lead is on its account team, as services.create_customer makes it."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n}")
    industry = "Manufacturing"
    lead = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lead_membership(obj: Customer, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            AccountMembership.objects.get_or_create(
                customer=obj, user=obj.lead, defaults={"role": AccountMembership.Role.LEAD}
            )
            # The dashboard's tallies, as services.create_customer keeps them.
            retally_customer(obj.pk)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountMembership

    customer = factory.SubFactory(CustomerFactory)
    user = factory.SubFactory(UserFactory, role=User.Role.SPECIALIST)
    role = AccountMembership.Role.SPECIALIST

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> AccountMembership:
        membership = super()._create(model_class, *args, **kwargs)
        # As services.set_membership keeps the tallies of those who now see the account.
        retally_customer(membership.customer_id)
        return membership


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    message = "Something happened"


class BusinessModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessModel

    customer = factory.SubFactory(CustomerFactory)
    value_proposition = "Reliable deliveries"


class StrategicMoveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicMove

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Strategic move {n}")
    kind = StrategicMove.Kind.EXPANSION


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Option {n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Process {n}")


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    process = factory.SubFactory(ProcessFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Step {n}")


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    title = "Head of Operations"


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Problem {n}")
    severity = Problem.Severity.MEDIUM


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    author = factory.LazyAttribute(lambda o: o.customer.lead)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    customer = factory.SubFactory(CustomerFactory)
    description = factory.Sequence(lambda n: f"Next step {n}")
    owner = factory.LazyAttribute(lambda o: o.customer.lead)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    market = "Nordics"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    owner = factory.LazyAttribute(lambda o: o.customer.lead)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    proposal = factory.SubFactory(ProposalFactory)
    specialist = factory.SubFactory(UserFactory, role=User.Role.SPECIALIST)
    request = "Estimate the engineering effort"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    customer = factory.LazyAttribute(lambda o: o.proposal.customer)
    author = factory.LazyAttribute(lambda o: o.proposal.owner)
    body = "Looks good"


class HealthSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "health.HealthSnapshot"

    customer = factory.SubFactory(CustomerFactory)
    taken_on = factory.LazyFunction(timezone.localdate)
    score = 50
    band = factory.LazyAttribute(
        lambda o: "green" if o.score >= 70 else "amber" if o.score >= 40 else "red"
    )
    components = factory.LazyFunction(list)
    computed_at = factory.LazyFunction(timezone.now)


class PlanSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.PlanSection"
        # One live section per account and area (the model's constraints): ask twice, get one.
        django_get_or_create = ("customer", "kind", "area")

    customer = factory.SubFactory(CustomerFactory)
    kind = "strategy"
    area = None
    body = "## Objectives\n\n- Grow the account"
    updated_at = factory.LazyFunction(timezone.now)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.PlanItem"

    section = factory.SubFactory(PlanSectionFactory)
    customer = factory.SelfAttribute("section.customer")
    kind = "objective"
    title = factory.Sequence(lambda n: f"Objective {n}")


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An API token; pass `key` to know it (only its hash is stored)."""

    class Meta:
        model = ApiToken
        exclude = ("key",)

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test-token-{n:029d}")
    key_hash = factory.LazyAttribute(lambda o: ApiToken.hash_key(o.key))
    prefix = factory.LazyAttribute(lambda o: o.key[:8])
    stamp = factory.LazyAttribute(lambda o: o.user.credential_stamp())
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class PlannedMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dialogue.PlannedMeeting"

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Planned meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    owner = factory.LazyAttribute(lambda o: o.customer.lead)


class ImportRunFactory(factory.django.DjangoModelFactory):
    """A checked CRM import of one user (its file is not read)."""

    class Meta:
        model = "integrations.ImportRun"

    user = factory.SubFactory(UserFactory)
    preset = "salesforce_accounts"
    kind = "accounts"
    system = "salesforce"
    file = "imports/none.csv"
    file_name = "accounts.csv"
    status = "checked"


class SharedSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.SharedSpace"
        # One space per account: building a second record of the same account reuses it.
        django_get_or_create = ("customer",)

    customer = factory.SubFactory(CustomerFactory)


class SharedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.SharedItem"

    space = factory.SubFactory(SharedSpaceFactory)
    goal = factory.LazyAttribute(lambda o: GoalFactory(customer=o.space.customer))


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Guest"

    space = factory.SubFactory(SharedSpaceFactory)
    stakeholder = factory.LazyAttribute(
        lambda o: StakeholderFactory(customer=o.space.customer, email="guest@example.com")
    )
    email = factory.LazyAttribute(lambda o: o.stakeholder.email or "guest@example.com")
    link_nonce = factory.Sequence(lambda n: f"nonce-{n}")


class PlanStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.PlanStep"

    space = factory.SubFactory(SharedSpaceFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
    owner_stakeholder = factory.LazyAttribute(
        lambda o: StakeholderFactory(customer=o.space.customer)
    )


class SharedProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.SharedProposal"

    space = factory.SubFactory(SharedSpaceFactory)
    proposal = factory.LazyAttribute(lambda o: ProposalFactory(customer=o.space.customer))
    summary = "What we propose, in the customer's terms."
    attachment = b"%PDF-1.4 test"
    attachment_name = "proposal.pdf"


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Feedback"

    space = factory.SubFactory(SharedSpaceFactory)
    said_by = "Katrin Vogel, CEO"
    kind = "new_goal"
    title = "A goal of their own"
    status = "pending"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Offering"

    name = factory.Sequence(lambda n: f"Offering {n}")
    area = factory.SubFactory(AreaFactory)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Division"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Division {n}")


class WhitespaceCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.WhitespaceCell"

    customer = factory.SubFactory(CustomerFactory)
    division = factory.SubFactory(DivisionFactory, customer=factory.SelfAttribute("..customer"))
    offering = factory.SubFactory(OfferingFactory)
    status = "opportunity"
    reason = "They run it by hand"


class AnalysisItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.AnalysisItem"

    customer = factory.SubFactory(CustomerFactory)
    category = "strength"
    text = "Strong brand in the Nordics"


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "integrations.WebhookEndpoint"

    owner = factory.SubFactory(UserFactory)
    url = "https://example.com/hook"
    events = factory.LazyFunction(lambda: ["meeting.logged"])
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "integrations.WebhookDelivery"

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    message_id = factory.Sequence(lambda n: f"msg_{n:032d}")
    event = "test"
    payload = factory.LazyFunction(lambda: {"type": "test", "data": {}})


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dialogue.CalendarFeed"

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    prefix = "abcdef"


class ProposalValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.ProposalValue"

    proposal = factory.SubFactory(ProposalFactory)
    customer = factory.LazyAttribute(lambda o: o.proposal.customer)
    amount = 10000
    currency = "EUR"
    probability = 50


class PlaybookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Playbook"

    name = factory.Sequence(lambda n: f"Playbook {n}")


class StoredScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.StoredScorecard"
        # One per account, and the change feed may have stored it already.
        django_get_or_create = ("customer",)

    customer = factory.SubFactory(CustomerFactory)
    percent = 50
    computed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        scorecard = super()._create(model_class, *args, **kwargs)
        retally_customer(scorecard.customer_id)  # as strategy.scorecards.store_scorecard
        return scorecard


class InboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mailin.InboundEmail"

    sender = factory.SubFactory(UserFactory)
    customer = None
    # Filed on an account means logged there; without one it waits in the sender's inbox.
    status = factory.LazyAttribute(lambda o: "logged" if o.customer else "unmatched")
    via = "webhook"
    message_id = factory.Sequence(lambda n: f"<m{n}@mail.example.com>")
    subject = "Pilot next steps"
    from_address = factory.LazyAttribute(lambda o: o.sender.email)
    sent_at = factory.LazyFunction(timezone.now)
    body = "We agree on the pilot."


class InboundAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mailin.InboundAttachment"

    email = factory.SubFactory(InboundEmailFactory)
    file = factory.django.FileField(filename="offer.pdf", data=b"%PDF-1.4 offer")
    filename = "offer.pdf"
    content_type = "application/pdf"
    size = 14


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Milestone"

    space = factory.SubFactory(SharedSpaceFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
