"""Who may use each URL: the authorization rule of ASVS 8.1.1, written as a table.

Every URL the project serves (found by walking the URLconf, see routes.py) must have an entry
here. Keys are the route with DRF's regexes simplified: "api/meetings/<pk>/". An entry says
what kind of endpoint it is and, for URLs with ids in them, what the ids designate, so the
security tests can create the other team's objects and aim every actor at them.

Kinds:
  PUBLIC  open to anyone (sign-in, health check). Keep this list short.
  PAGE    an HTML page: anonymous and deactivated users are sent to the sign-in page.
  API     a REST endpoint: anonymous and deactivated users get 401/403.
  STAFF   staff only (admin, API schema and docs).
  GUEST   a page of the shared space's guests (space/): their own cookie, not a user's
          session; without it (anyone signed in or not) the sign-in page for guests.
          tests/security/test_guest.py walks every URL as a guest.
  TOKEN   for a machine holding a configured secret, not for people: no user, signed in or
          not, staff or not, gets anything (the Prometheus scrape at /metrics, which needs
          METRICS_TOKEN and/or an address in METRICS_ALLOWED_NETWORKS; tests/production/
          test_metrics.py tries the token itself).

For object URLs (ids in the path), outsiders and the other team get 404 on every method, the
same answer as for an id that does not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import AccountMembership, ApiToken, Notification
from customers.models import (
    Customer,
    Goal,
    Problem,
    Process,
    ProcessStep,
)
from dialogue.models import ActionItem, CalendarFeed, Meeting, PlannedMeeting
from insights.models import PlanItem, PlanSection
from integrations.models import ImportRun, WebhookDelivery, WebhookEndpoint
from mailin.models import InboundAttachment, InboundEmail
from solutions.models import Comment, Contribution, Partner, Proposal
from space.models import (
    Feedback,
    Guest,
    Milestone,
    PlanStep,
    SharedItem,
    SharedProposal,
    SharedSpace,
)
from strategy.models import AnalysisItem, Division, StoredScorecard, WhitespaceCell

PUBLIC, PAGE, API, STAFF, TOKEN = "public", "page", "api", "staff", "token"
GUEST = "guest"
# Tag of a URL that records a reader's own preference about an account they see (following a
# discussion): every reader may use it, and it changes nothing on the account.
READER_CHOICE = "reader-choice"
# Scopes of the object an URL designates.
CUSTOMER, USER, GLOBAL = "customer", "user", "global"


@dataclass(frozen=True)
class Rule:
    kind: str
    # What the URL's `pk` designates (API routes default to the viewset's model).
    model: type | None = None
    # CUSTOMER: belongs to an account, visible with it. USER: one user's own (built with
    # `owner_field` = that user). GLOBAL: shared by everyone (a catalogue).
    scope: str = CUSTOMER
    owner_field: str = "user"
    # Other path parameters: a function of the Target (the other team's account) -> values.
    extra: Callable[[Any], dict] | None = None
    # List endpoints: False when the list is deliberately narrower than "everything visible"
    # (then only "no foreign ids" is checked). Say why in `note`.
    list_complete: bool = True
    # Statuses that show a reader reached the view (e.g. 400 when it needs query parameters).
    reader_status: tuple = ()
    # False when `extra` ids are not the account's records (so "own account id + the other
    # team's record id" does not apply), e.g. a global area id.
    mixed: bool = True
    # The key naming each row's record in list responses.
    id_field: str = "id"
    note: str = ""
    tags: tuple = field(default_factory=tuple)


def page(model: type | None = None, **kwargs: Any) -> Rule:
    return Rule(PAGE, model=model, **kwargs)


def api(model: type | None = None, **kwargs: Any) -> Rule:
    return Rule(API, model=model, **kwargs)


def _record(kind_slug: str, model: type) -> Callable[[Any], dict]:
    return lambda t: {"kind_slug": kind_slug, "record_id": t.obj(model).pk}


POLICY: dict[str, Rule] = {
    # accounts
    "": page(),
    "healthz": Rule(PUBLIC),
    "metrics": Rule(TOKEN, note="Prometheus scrape; METRICS_TOKEN / METRICS_ALLOWED_NETWORKS"),
    "accounts/login/": Rule(PUBLIC),
    "accounts/logout/": Rule(PUBLIC, note="POST only; signs out whoever is signed in"),
    "accounts/password/": page(),
    "accounts/password/done/": page(),
    "accounts/password/reset/": Rule(
        PUBLIC,
        note="asks for a reset link: the same answer whether the address has an account; "
        "rate limited per client address (429) and per email address (nothing more sent)",
    ),
    "accounts/password/reset/sent/": Rule(PUBLIC, note="the one answer to every reset request"),
    "accounts/password/reset/<uidb64>/<token>/": Rule(
        PUBLIC,
        note="the emailed link: Django's token, single use, PASSWORD_RESET_TIMEOUT seconds; "
        "a wrong or used token shows 'this link does not work'",
    ),
    "accounts/password/reset/complete/": Rule(PUBLIC, note="says the new password is set"),
    "accounts/two-factor/": page(),
    "accounts/two-factor/setup/": page(),
    "accounts/two-factor/verify/": page(),
    "accounts/two-factor/recovery-codes/": page(),
    "accounts/two-factor/disable/": page(),
    "accounts/tokens/<int:pk>/revoke/": page(
        ApiToken, scope=USER, note="the owner's own tokens; another user's token id is a 404"
    ),
    "accounts/tokens/revoke-all/": page(note="the signed-in user's own tokens"),
    "accounts/preferences/": page(note="the user's own time zone and language"),
    "accounts/preferences/time-zone/": page(note="POST only: takes the browser's zone once"),
    "accounts/notifications/": page(),
    "accounts/notifications/<int:pk>/read/": page(Notification, scope=USER),
    "accounts/notifications/read-all/": page(),
    "accounts/notifications/settings/": page(note="the signed-in user's own choices"),
    "accounts/notifications/unsubscribe/<str:token>/": Rule(
        PUBLIC,
        note="the signed link of a notification email: switches email off for one user's one "
        "kind of notification; any other token is a 400 and changes nothing",
    ),
    # customers
    "customers/new/": page(),
    "customers/import/": page(),
    "customers/<int:pk>/": page(Customer),
    "customers/<int:pk>/edit/": page(Customer),
    "customers/<int:pk>/history/": page(Customer),
    "customers/<int:pk>/team/": page(Customer),
    "customers/<int:pk>/team/add/": page(Customer),
    "customers/<int:pk>/team/mentionable/": page(
        Customer, note="JSON for @mention suggestions: people who can see the account"
    ),
    "customers/<int:pk>/team/<int:user_id>/role/": page(
        Customer, extra=lambda t: {"user_id": t.member().user_id}
    ),
    "customers/<int:pk>/team/<int:user_id>/remove/": page(
        Customer, extra=lambda t: {"user_id": t.member().user_id}
    ),
    "customers/<int:pk>/canvas/": page(Customer),
    "customers/<int:pk>/canvas/box/": page(Customer),
    "customers/<int:pk>/goals/": page(Customer),
    "customers/<int:pk>/goals/<int:goal_id>/link/": page(
        Customer, extra=lambda t: {"goal_id": t.obj(Goal).pk}
    ),
    "customers/<int:pk>/goals/<int:goal_id>/unlink/<int:problem_id>/": page(
        Customer, extra=lambda t: {"goal_id": t.obj(Goal).pk, "problem_id": t.obj(Problem).pk}
    ),
    "customers/<int:pk>/processes/": page(Customer),
    "customers/<int:pk>/processes/<int:process_id>/steps/": page(
        Customer, extra=lambda t: {"process_id": t.obj(Process).pk}
    ),
    "customers/<int:pk>/steps/<int:step_id>/move/": page(
        Customer, extra=lambda t: {"step_id": t.obj(ProcessStep).pk}
    ),
    "customers/<int:pk>/steps/<int:step_id>/delete/": page(
        Customer, extra=lambda t: {"step_id": t.obj(ProcessStep).pk}
    ),
    "customers/<int:pk>/stakeholders/": page(Customer),
    "customers/<int:pk>/stakeholders/import/": page(Customer),
    "customers/<int:pk>/strategy/": page(Customer),
    "customers/<int:pk>/<slug:kind_slug>/new/": page(
        Customer, extra=lambda t: {"kind_slug": "goals"}
    ),
    "customers/<int:pk>/<slug:kind_slug>/<int:record_id>/": page(
        Customer, extra=_record("goals", Goal)
    ),
    "customers/<int:pk>/<slug:kind_slug>/<int:record_id>/edit/": page(
        Customer, extra=_record("problems", Problem)
    ),
    "customers/<int:pk>/<slug:kind_slug>/<int:record_id>/delete/": page(
        Customer, extra=_record("problems", Problem)
    ),
    "customers/<int:pk>/<slug:kind_slug>/<int:record_id>/history/": page(
        Customer, extra=_record("processes", Process)
    ),
    # dialogue
    "dialogue/customers/<int:pk>/meetings/new/": page(Customer),
    "dialogue/customers/<int:pk>/stakeholder-options/": page(Customer),
    "dialogue/customers/<int:pk>/timeline/": page(Customer),
    "dialogue/customers/<int:pk>/action-items/new/": page(Customer),
    "dialogue/meetings/<int:pk>/": page(Meeting),
    "dialogue/meetings/<int:pk>/edit/": page(Meeting),
    "dialogue/meetings/<int:pk>/delete/": page(Meeting),
    "dialogue/action-items/": page(),
    "dialogue/action-items/team/": page(note="open items on the accounts the user sees"),
    "dialogue/action-items/<int:pk>/edit/": page(ActionItem),
    "dialogue/action-items/<int:pk>/delete/": page(ActionItem),
    "dialogue/action-items/<int:pk>/status/": page(ActionItem),
    "dialogue/customers/<int:pk>/meetings/": page(Customer),
    "dialogue/customers/<int:pk>/meetings/plan/": page(Customer),
    "dialogue/planned/<int:pk>/": page(PlannedMeeting),
    "dialogue/planned/<int:pk>/edit/": page(PlannedMeeting),
    "dialogue/planned/<int:pk>/cancel/": page(PlannedMeeting),
    "dialogue/planned/<int:pk>/log/": page(PlannedMeeting),
    "dialogue/week/": page(),
    "dialogue/calendar/": page(),
    "dialogue/calendar/new/": page(note="creates a feed of the signed-in user's own"),
    "dialogue/customers/<int:pk>/calendar/new/": page(Customer),
    "dialogue/calendar/<int:pk>/revoke/": page(
        CalendarFeed, scope=USER, note="the owner's own feeds; another user's feed id is a 404"
    ),
    "dialogue/calendar/<str:token>.ics": Rule(
        TOKEN, note="calendar apps: the random feed token is the credential (tests/dialogue)"
    ),
    "insights/briefs/<int:pk>/": page(PlannedMeeting),
    "insights/briefs/<int:pk>/build/": page(PlannedMeeting),
    # solutions
    "solutions/customers/<int:pk>/proposals/": page(Customer),
    "solutions/customers/<int:pk>/proposals/new/": page(Customer),
    "solutions/proposals/<int:pk>/": page(Proposal),
    "solutions/proposals/<int:pk>/edit/": page(Proposal),
    "solutions/proposals/<int:pk>/delete/": page(Proposal),
    "solutions/proposals/<int:pk>/transition/": page(Proposal),
    "solutions/proposals/<int:pk>/contributions/new/": page(Proposal),
    "solutions/proposals/<int:pk>/comments/": page(Proposal),
    "solutions/proposals/<int:pk>/follow/": page(
        Proposal,
        note="the signed-in reader's own choice to hear of new comments",
        tags=(READER_CHOICE,),
    ),
    "solutions/contributions/<int:pk>/": page(Contribution),
    "solutions/contributions/<int:pk>/write/": page(Contribution),
    "solutions/contributions/<int:pk>/delete/": page(Contribution),
    "solutions/contributions/<pk>/<answer>/": page(Contribution),
    "solutions/contributions/<int:pk>/comments/": page(Contribution),
    "solutions/comments/<int:pk>/edit/": page(Comment),
    "solutions/comments/<int:pk>/delete/": page(Comment),
    "solutions/requests/": page(),
    "solutions/partners/": page(),
    "solutions/partners/new/": page(),
    "solutions/partners/<int:pk>/edit/": page(Partner, scope=GLOBAL, note="shared catalogue"),
    "solutions/partners/<int:pk>/delete/": page(Partner, scope=GLOBAL, note="shared catalogue"),
    "partners/trash/": page(note="the shared partner catalogue's trash"),
    "partners/trash/<int:pk>/restore/": page(
        Partner, scope=GLOBAL, note="shared catalogue; a partner not in the trash is a 404"
    ),
    # health
    "health/": page(),
    "health/dashboard.csv": page(),
    "health/customers/<int:pk>/": page(Customer),
    "health/customers/<int:pk>/annotate/": page(Customer),
    "health/customers/<int:pk>/refresh/": page(Customer),
    # search (tests/search: isolation of every type, accounts and colleagues included)
    "search/": page(),
    "search/suggest/": page(),
    # insights
    "insights/<int:pk>/summary/": page(Customer),
    "insights/<int:pk>/summary/status/": page(Customer),
    "insights/<int:pk>/summary/rebuild/": page(Customer),
    "insights/<int:pk>/summary/versions/": page(Customer),
    "insights/<int:pk>/summary/versions/<int:number>/": page(
        Customer, extra=lambda t: {"number": t.summary().number}
    ),
    "insights/<int:pk>/summary/diff/": page(
        Customer, reader_status=(400,), note="needs ?a=&b= versions; 400 after the access check"
    ),
    "insights/<int:pk>/summary/export/": page(Customer, extra=lambda t: t.summary() and {}),
    "insights/<int:pk>/plan/": page(Customer),
    "insights/<int:pk>/plan/strategy/": page(Customer),
    "insights/<int:pk>/plan/areas/<int:area_id>/": page(
        Customer,
        extra=lambda t: {"area_id": t.area().pk},
        mixed=False,
        reader_status=(403,),
        note="only the area's specialists edit it: a lead gets 403 after the account loads",
    ),
    "insights/<int:pk>/plan/strategy/items/<slug:kind>/": page(
        Customer, extra=lambda t: {"kind": "objective"}
    ),
    "insights/<int:pk>/plan/areas/<int:area_id>/items/<slug:kind>/": page(
        Customer,
        extra=lambda t: {"area_id": t.area().pk, "kind": "offer"},
        mixed=False,
        reader_status=(403,),
        note="areas are global; only the area's specialists add to it: a lead gets 403",
    ),
    "insights/<int:pk>/plan/items/<int:item_id>/": page(
        Customer, extra=lambda t: {"item_id": t.obj(PlanItem).pk}
    ),
    "insights/<int:pk>/plan/items/<int:item_id>/delete/": page(
        Customer, extra=lambda t: {"item_id": t.obj(PlanItem).pk}
    ),
    "insights/<int:pk>/plan/sections/<int:section_id>/submit/": page(
        Customer, extra=lambda t: {"section_id": t.obj(PlanSection).pk}
    ),
    "insights/<int:pk>/plan/sections/<int:section_id>/review/": page(
        Customer, extra=lambda t: {"section_id": t.obj(PlanSection).pk}
    ),
    "insights/<int:pk>/plan/sections/<int:section_id>/delete/": page(
        Customer, extra=lambda t: {"section_id": t.obj(PlanSection).pk}
    ),
    "insights/<int:pk>/plan/submit/": page(Customer),
    "insights/<int:pk>/plan/review/": page(Customer),
    "insights/<int:pk>/plan/comments/": page(Customer),
    # integrations: a user's own imports; the accounts they touch are checked when they run
    "integrations/imports/": page(),
    "integrations/imports/<int:pk>/": page(ImportRun, scope=USER),
    "integrations/imports/<int:pk>/map/": page(ImportRun, scope=USER),
    "integrations/imports/<int:pk>/run/": page(ImportRun, scope=USER),
    "integrations/imports/<int:pk>/check/": page(ImportRun, scope=USER),
    "integrations/imports/<int:pk>/undo/": page(ImportRun, scope=USER),
    "integrations/imports/<int:pk>/errors.csv": page(ImportRun, scope=USER),
    "insights/<int:pk>/plan/pdf/": page(Customer),
    # strategy
    "strategy/customers/<int:pk>/whitespace/": page(Customer),
    "strategy/customers/<int:pk>/whitespace.csv": page(Customer),
    "strategy/customers/<int:pk>/whitespace/<int:division_id>/<int:offering_id>/": page(
        Customer,
        extra=lambda t: {
            "division_id": t.obj(Division).pk,
            "offering_id": t.obj(WhitespaceCell).offering_id,
        },
    ),
    "strategy/customers/<int:pk>/divisions/new/": page(Customer),
    "strategy/customers/<int:pk>/divisions/<int:division_id>/": page(
        Customer, extra=lambda t: {"division_id": t.obj(Division).pk}
    ),
    "strategy/customers/<int:pk>/divisions/<int:division_id>/delete/": page(
        Customer, extra=lambda t: {"division_id": t.obj(Division).pk}
    ),
    "strategy/customers/<int:pk>/scorecard/": page(Customer),
    "strategy/customers/<int:pk>/playbook/": page(Customer, note="leads, managers and admins"),
    "strategy/customers/<int:pk>/value/": page(Customer),
    "strategy/proposals/<int:pk>/value/": page(Proposal),
    "strategy/customers/<int:pk>/swot/": page(Customer),
    "strategy/customers/<int:pk>/swot/items/": page(Customer),
    "strategy/customers/<int:pk>/swot/items/<int:item_id>/reviewed/": page(
        Customer, extra=lambda t: {"item_id": t.obj(AnalysisItem).pk}
    ),
    "strategy/customers/<int:pk>/swot/items/<int:item_id>/delete/": page(
        Customer, extra=lambda t: {"item_id": t.obj(AnalysisItem).pk}
    ),
    "strategy/customers/<int:pk>/swot/suggestions/<slug:answer>/": page(
        Customer,
        extra=lambda t: {"answer": "ignore"},
        note="POST kind= and source= name one of the account's records (400 when missing)",
    ),
    "integrations/webhooks/": page(reader_status=(403,), note="admins and managers only"),
    "integrations/webhooks/<int:pk>/": page(WebhookEndpoint, scope=USER, owner_field="owner"),
    "integrations/webhooks/<int:pk>/test/": page(WebhookEndpoint, scope=USER, owner_field="owner"),
    "integrations/webhooks/<int:pk>/delete/": page(
        WebhookEndpoint, scope=USER, owner_field="owner"
    ),
    "integrations/webhooks/<int:pk>/reenable/": page(
        WebhookEndpoint, scope=USER, owner_field="owner", note="the owner, or an admin"
    ),
    "integrations/webhooks/deliveries/<int:pk>/resend/": page(
        WebhookDelivery, scope=USER, owner_field="endpoint__owner"
    ),
    # mailin: a sender's own inbox; a logged email is also readable with its account
    "mailin/": page(note="the signed-in user's own unmatched emails"),
    "mailin/emails/<int:pk>/": page(
        InboundEmail, note="an email logged on the account (or the sender's own, in the inbox)"
    ),
    "mailin/emails/<int:pk>/assign/": page(InboundEmail, scope=USER, owner_field="sender"),
    "mailin/emails/<int:pk>/discard/": page(InboundEmail, scope=USER, owner_field="sender"),
    "mailin/attachments/<int:pk>/": page(
        InboundAttachment, note="a file of an email logged on the account (or the sender's own)"
    ),
    "mailin/address/": page(note="the signed-in user's own forwarding address"),
    "mailin/address/renew/": page(note="POST only: the signed-in user's own address"),
    "mailin/customers/<int:pk>/address/": page(Customer),
    "mailin/customers/<int:pk>/address/renew/": page(Customer),
    "mailin/inbound/<slug:provider>/": Rule(
        TOKEN,
        note="a mail provider's inbound webhook: 404 until ANYMAIL WEBHOOK_SECRET is set, then "
        "HTTP basic auth and the provider's signature (tests/mailin/test_webhook.py)",
    ),
    # core
    "customers/<int:pk>/audit/": page(Customer, note="leads, managers and admins only"),
    "customers/<int:pk>/trash/": page(Customer, note="leads, managers and admins only"),
    "customers/<int:pk>/trash/<slug:kind>/<int:record_id>/restore/": page(
        Customer, extra=lambda t: {"kind": "meetings", "record_id": t.obj(Meeting).pk}
    ),
    # space: the lead's pages
    "space/customers/<int:pk>/": page(Customer),
    "space/customers/<int:pk>/open/": page(Customer),
    "space/customers/<int:pk>/share/": page(Customer),
    "space/customers/<int:pk>/introduction/": page(Customer),
    "space/customers/<int:pk>/milestones/": page(Customer),
    "space/customers/<int:pk>/steps/": page(Customer),
    "space/customers/<int:pk>/proposals/": page(Customer),
    "space/customers/<int:pk>/guests/": page(Customer),
    "space/customers/<int:pk>/messages/": page(Customer),
    "space/customers/<int:pk>/plan.pdf": page(
        Customer, extra=lambda t: t.obj(SharedSpace) and {}, note="404 until the space exists"
    ),
    "space/steps/<int:pk>/status/": page(PlanStep),
    "space/steps/<int:pk>/delete/": page(PlanStep),
    "space/milestones/<int:pk>/delete/": page(Milestone),
    "space/proposals/<int:pk>/unshare/": page(SharedProposal),
    "space/proposals/<int:pk>/attachment/": page(SharedProposal),
    "space/guests/<int:pk>/revoke/": page(Guest),
    "space/feedback/<int:pk>/accept/": page(Feedback),
    "space/feedback/<int:pk>/decline/": page(Feedback),
    # space: the guests' pages (their own cookie; see test_guest.py)
    "shared/": Rule(GUEST),
    "shared/sign-in/": Rule(
        PUBLIC,
        note="asks for a guest's link: the same answer whether the address is invited; "
        "rate limited per client address (429) and per email address (nothing more sent)",
    ),
    "shared/sign-out/": Rule(PUBLIC, note="POST only; ends the guest session of the cookie"),
    "shared/link/<str:token>/": Rule(
        PUBLIC, note="the emailed link: signed, single use, SPACE_LINK_SECONDS (<= 15 min)"
    ),
    "shared/items/<int:pk>/confirm/": Rule(GUEST, model=SharedItem),
    "shared/items/<int:pk>/correct/": Rule(GUEST, model=SharedItem),
    "shared/items/<int:pk>/rank/": Rule(GUEST, model=SharedItem),
    "shared/items/<int:pk>/irrelevant/": Rule(GUEST, model=SharedItem),
    "shared/suggest/": Rule(GUEST),
    "shared/steps/<int:pk>/": Rule(GUEST, model=PlanStep),
    "shared/messages/": Rule(GUEST),
    "shared/proposals/<int:pk>/attachment/": Rule(GUEST, model=SharedProposal),
    "shared/plan.pdf": Rule(GUEST),
    # API
    "api/auth/token/": Rule(PUBLIC, note="the API sign-in; rate limited by django-axes"),
    "api/webhook-endpoints/<pk>/reenable/": api(
        WebhookEndpoint, scope=USER, owner_field="owner", note="the owner, or an admin"
    ),
    "api/notifications/": api(scope=USER),
    "api/notifications/read-all/": api(scope=USER),
    "api/notifications/<pk>/": api(scope=USER),
    "api/notifications/<pk>/read/": api(scope=USER),
    "api/customers/": api(),
    "api/customers/<pk>/": api(),
    "api/search/": api(list_complete=False, note="search results, tested by tests/search"),
    "api/meetings/": api(),
    "api/meetings/<pk>/": api(),
    "api/action-items/": api(),
    "api/action-items/<pk>/": api(),
    "api/health/": api(list_complete=False, note="per-account health, not a model list"),
    "api/dashboard/": api(Customer, id_field="customer"),
    "api/customers/<pk>/business-model/": api(Customer),
    "api/customers/<customer_pk>/members/": api(AccountMembership),
    "api/customers/<customer_pk>/members/<user>/": api(
        AccountMembership, extra=lambda t: {"user": t.member().user_id}
    ),
    "api/plan-items/": api(),
    "api/plan-items/<pk>/": api(),
    "api/goals/": api(),
    "api/goals/<pk>/": api(),
    "api/problems/": api(),
    "api/problems/<pk>/": api(),
    "api/stakeholders/": api(),
    "api/stakeholders/<pk>/": api(),
    "api/processes/": api(),
    "api/processes/<pk>/": api(),
    "api/strategic-moves/": api(),
    "api/strategic-moves/<pk>/": api(),
    "api/options/": api(),
    "api/options/<pk>/": api(),
    "api/proposals/": api(),
    "api/proposals/<pk>/": api(),
    "api/proposals/<pk>/transition/": api(),
    "api/contributions/": api(Contribution),
    "api/contributions/<pk>/": api(Contribution),
    "api/contributions/<pk>/accept/": api(Contribution),
    "api/contributions/<pk>/decline/": api(Contribution),
    "api/contributions/<pk>/done/": api(Contribution),
    "api/contributions/<pk>/reopen/": api(Contribution),
    "api/comments/": api(Comment),
    "api/comments/<pk>/": api(Comment),
    "api/partners/": api(scope=GLOBAL, note="shared catalogue"),
    "api/partners/<pk>/": api(scope=GLOBAL, note="shared catalogue"),
    "api/summaries/": api(),
    "api/summaries/<pk>/": api(),
    "api/customers/<int:pk>/rebuild-summary/": api(Customer),
    "api/customers/<int:customer_pk>/trash/": api(
        Customer, list_complete=False, note="the account's deleted records, leads and managers"
    ),
    "api/customers/<int:customer_pk>/trash/<slug:kind>/<int:record_id>/restore/": api(
        Customer,
        extra=lambda t: {"kind": "meetings", "record_id": t.obj(Meeting).pk},
        mixed=False,
        note="the record is looked up under the account (tests/integrity/test_trash.py)",
    ),
    "api/shared-spaces/": api(),
    "api/shared-spaces/<pk>/": api(),
    "api/space-steps/": api(),
    "api/space-steps/<pk>/": api(),
    "api/space-steps/<pk>/accept-date/": api(PlanStep, note="leads, managers and admins"),
    "api/space-feedback/": api(),
    "api/space-feedback/<pk>/": api(),
    "api/space-feedback/<pk>/accept/": api(Feedback, note="leads, managers and admins"),
    "api/space-feedback/<pk>/decline/": api(Feedback, note="leads, managers and admins"),
    "api/divisions/": api(),
    "api/divisions/<pk>/": api(),
    "api/offerings/": api(scope=GLOBAL, note="shared catalogue"),
    "api/offerings/<pk>/": api(scope=GLOBAL, note="shared catalogue"),
    "api/whitespace-cells/": api(),
    "api/whitespace-cells/<pk>/": api(),
    "api/analysis-items/": api(),
    "api/analysis-items/<pk>/": api(),
    "api/playbooks/": api(scope=GLOBAL, note="admins' playbooks per segment"),
    "api/playbooks/<pk>/": api(scope=GLOBAL, note="admins' playbooks per segment"),
    "api/scorecards/": api(StoredScorecard),
    "api/scorecards/<customer>/": api(
        StoredScorecard, extra=lambda t: {"customer": t.obj(StoredScorecard).customer_id}
    ),
    "api/proposal-values/": api(),
    "api/proposal-values/<pk>/": api(),
    "api/schema/": Rule(STAFF),
    "api/docs/": Rule(STAFF),
}

# Whole subtrees with one rule.
PREFIX_POLICY: dict[str, Rule] = {
    "admin/": Rule(STAFF, note="Django admin: staff, and MFA where enforced"),
}

# Objects to use for kwargs the tests cannot infer.
MEMBER_MODEL = AccountMembership


def rule_for(key: str) -> Rule | None:
    if key in POLICY:
        return POLICY[key]
    for prefix, rule in PREFIX_POLICY.items():
        if key.startswith(prefix):
            return rule
    return None
