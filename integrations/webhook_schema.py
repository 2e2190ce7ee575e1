"""The webhook payloads in the OpenAPI schema (its `webhooks` section, OpenAPI 3.1): one entry
per event, the body Accord POSTs to a subscribed URL. integrations/events.py builds them."""

from functools import cache
from typing import Any

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema, inline_serializer
from rest_framework import serializers

from customers.models import Customer, Problem
from dialogue.models import Meeting
from integrations.events import EVENTS, PAYLOAD_VERSION
from solutions.models import Contribution, Proposal

SIGNING = (
    "Signed as the Standard Webhooks specification says: the headers `webhook-id`, "
    "`webhook-timestamp` and `webhook-signature` (HMAC-SHA256 with the endpoint's secret). "
    "Answer with any 2xx status within 5 seconds; other answers are retried for about a day. "
    'Endpoints in the chat format receive `{"text": "..."}`, one line with a link, instead.'
)


@cache
def _account() -> serializers.Serializer:
    return inline_serializer(
        "WebhookAccount",
        {
            "id": serializers.IntegerField(),
            "name": serializers.CharField(),
            "url": serializers.URLField(),
        },
    )


@cache
def _problem() -> serializers.Serializer:
    return inline_serializer(
        "WebhookProblem",
        {
            "id": serializers.IntegerField(),
            "title": serializers.CharField(),
            "severity": serializers.ChoiceField(choices=Problem.Severity.choices),
            "status": serializers.ChoiceField(choices=Problem.Status.choices),
            "confirmed": serializers.BooleanField(),
        },
    )


@cache
def _contribution_data() -> dict[str, Any]:
    return {
        "contribution": inline_serializer(
            "WebhookContribution",
            {
                "id": serializers.IntegerField(),
                "status": serializers.ChoiceField(choices=Contribution.Status.choices),
                "area": serializers.CharField(allow_null=True),
                "specialist": serializers.CharField(allow_null=True),
                "partner": serializers.CharField(allow_null=True),
            },
        ),
        "proposal": inline_serializer(
            "WebhookProposalRef",
            {"id": serializers.IntegerField(), "title": serializers.CharField()},
        ),
    }


def _data(kind: str) -> dict[str, Any]:
    """The fields of `data` beside the account, per event."""
    if kind == "account.health_band_changed":
        bands = Customer.HealthBand.choices
        return {
            "from": serializers.ChoiceField(choices=bands, allow_null=True),
            "to": serializers.ChoiceField(choices=bands),
            "score": serializers.IntegerField(allow_null=True),
        }
    if kind == "meeting.logged":
        meeting = {
            "id": serializers.IntegerField(),
            "title": serializers.CharField(),
            "kind": serializers.ChoiceField(choices=Meeting.Kind.choices),
            "occurred_at": serializers.DateTimeField(),
        }
        return {"meeting": inline_serializer("WebhookMeeting", meeting)}
    if kind in ("problem.created", "problem.confirmed"):
        return {"problem": _problem()}
    if kind == "proposal.status_changed":
        proposal = {
            "id": serializers.IntegerField(),
            "title": serializers.CharField(),
            "status": serializers.ChoiceField(choices=Proposal.Status.choices),
        }
        return {"proposal": inline_serializer("WebhookProposal", proposal)}
    if kind in ("contribution.requested", "contribution.done"):
        return _contribution_data()
    if kind == "action_item.overdue":
        item = {
            "id": serializers.IntegerField(),
            "description": serializers.CharField(),
            "due_on": serializers.DateField(),
            "owner": serializers.CharField(),
            "meeting_id": serializers.IntegerField(allow_null=True),
        }
        return {"action_item": inline_serializer("WebhookActionItem", item)}
    plan = {
        "approved_at": serializers.DateTimeField(),
        "approved_by": serializers.CharField(allow_null=True),
        "comment": serializers.CharField(allow_blank=True),
    }
    return {"plan": inline_serializer("WebhookPlanApproval", plan)}


def _name(kind: str) -> str:
    return "Webhook" + "".join(part.title() for part in kind.replace("_", ".").split("."))


def _payload(kind: str) -> serializers.Serializer:
    if kind == "test":
        data = inline_serializer("WebhookTestData", {"message": serializers.CharField()})
    else:
        data = inline_serializer(f"{_name(kind)}Data", {"account": _account(), **_data(kind)})
    return inline_serializer(
        _name(kind),
        {
            "type": serializers.ChoiceField(choices=[kind]),
            "version": serializers.ChoiceField(
                choices=[PAYLOAD_VERSION], help_text="Changes whenever a payload changes shape."
            ),
            "timestamp": serializers.DateTimeField(),
            "data": data,
        },
    )


def _webhook(kind: str) -> OpenApiWebhook:
    return OpenApiWebhook(
        name=kind,
        decorator=extend_schema(
            summary=str(EVENTS[kind]),
            description=SIGNING,
            request=_payload(kind),
            responses={"2XX": OpenApiResponse(description="Received.")},
        ),
    )


# One name per event, as SPECTACULAR_SETTINGS["WEBHOOKS"] imports them (config/settings.py).
account_health_band_changed = _webhook("account.health_band_changed")
meeting_logged = _webhook("meeting.logged")
problem_created = _webhook("problem.created")
problem_confirmed = _webhook("problem.confirmed")
proposal_status_changed = _webhook("proposal.status_changed")
contribution_requested = _webhook("contribution.requested")
contribution_done = _webhook("contribution.done")
action_item_overdue = _webhook("action_item.overdue")
plan_approved = _webhook("plan.approved")
test = _webhook("test")
