"""REST endpoints of the strategy tools, under the one visibility rule."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts.visibility import AccountAccess
from core.params import parse_id
from customers.access import get_access, require
from customers.api import RecordViewSet, _record_schema
from customers.models import Customer
from strategy import services
from strategy.models import (
    AnalysisItem,
    Division,
    Offering,
    Playbook,
    ProposalValue,
    StoredScorecard,
    WhitespaceCell,
)
from strategy.serializers import (
    AnalysisItemSerializer,
    DivisionSerializer,
    OfferingSerializer,
    PlaybookSerializer,
    ProposalValueSerializer,
    ScorecardSerializer,
    WhitespaceCellSerializer,
)


class OfferingViewSet(viewsets.ReadOnlyModelViewSet):
    """The offering catalogue (admins keep it in the admin)."""

    queryset = Offering.objects.select_related("area").order_by("area__name", "position", "id")
    serializer_class = OfferingSerializer


class PlaybookViewSet(viewsets.ReadOnlyModelViewSet):
    """Playbooks per segment (admins keep them in the admin)."""

    queryset = Playbook.objects.prefetch_related("required_areas", "required_offerings").order_by(
        "name", "id"
    )
    serializer_class = PlaybookSerializer


@_record_schema(())
class DivisionViewSet(RecordViewSet):
    model = Division
    serializer_class = DivisionSerializer
    prefetch = ("stakeholders", "goals")

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


@_record_schema(("status",))
class WhitespaceCellViewSet(RecordViewSet):
    model = WhitespaceCell
    serializer_class = WhitespaceCellSerializer
    choice_filters = ("status",)
    prefetch = ("goals", "problems")
    # A cell is cleared (status "") rather than deleted, so its history stays in one row.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


@_record_schema(("category",))
class AnalysisItemViewSet(RecordViewSet):
    model = AnalysisItem
    serializer_class = AnalysisItemSerializer
    choice_filters = ("category",)

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True, is_ignored=False)


@_record_schema(())
class ProposalValueViewSet(RecordViewSet):
    """Values at stake; whoever manages the proposal (its owner, the lead, managers) sets them."""

    model = ProposalValue
    serializer_class = ProposalValueSerializer
    select = ("proposal",)
    # An estimate is changed, not deleted: its history is the value's history.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def may_write(self, access: AccountAccess, record: Any) -> bool:
        return access.can_manage_proposal(record.proposal.owner_id)

    def perform_create(self, serializer: BaseSerializer) -> None:
        proposal = serializer.validated_data["proposal"]
        require(
            get_access(self.request.user, proposal.customer_id).can_manage_proposal(
                proposal.owner_id
            )
        )
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.pop("customer", None)
        data.pop("proposal")
        serializer.instance = services.save_proposal_value(
            proposal, expected_version=0, fields=data, by=self.request.user
        )


class ScorecardViewSet(viewsets.ReadOnlyModelViewSet):
    """Each visible account's stored plan scorecard (kept current by the change feed)."""

    serializer_class = ScorecardSerializer
    lookup_field = "customer"

    def get_queryset(self) -> QuerySet:
        queryset = StoredScorecard.objects.filter(
            customer__in=_visible_customers(self.request.user)
        ).order_by("customer_id")
        params = self.request.query_params
        if (customer := parse_id(params.get("customer"), name="customer")) is not None:
            queryset = queryset.filter(customer_id=customer)
        return queryset


def _visible_customers(user: Any) -> QuerySet:
    return Customer.objects.visible_to(user).values("pk")


router = SimpleRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("offerings", OfferingViewSet, basename="offering")
router.register("whitespace-cells", WhitespaceCellViewSet, basename="whitespace-cell")
router.register("analysis-items", AnalysisItemViewSet, basename="analysis-item")
router.register("playbooks", PlaybookViewSet, basename="playbook")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("proposal-values", ProposalValueViewSet, basename="proposal-value")
urlpatterns = router.urls
