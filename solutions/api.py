from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from accounts.visibility import can_manage_partners
from core.api import Conflict, expected_version
from core.params import parse_choice, parse_id
from customers.access import get_access, require
from solutions import queries, services
from solutions.models import Comment, Contribution, Partner, Proposal
from solutions.serializers import (
    CommentEditSerializer,
    CommentSerializer,
    ContributionSerializer,
    ContributionWriteSerializer,
    DeclineSerializer,
    PartnerSerializer,
    ProposalSerializer,
    TransitionSerializer,
)


def _id_param(request: Request, name: str) -> int | None:
    return parse_id(request.query_params.get(name), name=name)


def _choice_param(request: Request, name: str, choices: list[str]) -> str | None:
    return parse_choice(request.query_params.get(name), name=name, choices=choices)


def _illegal(exc: services.IllegalTransition) -> ValidationError:
    return ValidationError(
        {
            "to": [str(exc)],
            "allowed": exc.allowed,
        }
    )


def _param(
    name: str, kind: type, description: str, enum: list[str] | None = None
) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description, enum=enum)


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Proposals on accounts the caller can see. Status changes go through `transition`; a
    deleted proposal stays restorable for 30 days from the account's trash."""

    serializer_class = ProposalSerializer

    def get_queryset(self) -> QuerySet[Proposal]:
        queryset = (
            queries.live_proposals()
            .visible_to(self.request.user)
            .select_related("customer")
            .prefetch_related("problems", "options")
            .order_by("-updated_at", "-pk")
        )
        if self.action != "list":
            return queryset
        if (customer := _id_param(self.request, "customer")) is not None:
            queryset = queryset.filter(customer_id=customer)
        if status_ := _choice_param(self.request, "status", Proposal.Status.values):
            queryset = queryset.filter(status=status_)
        return queryset

    @extend_schema(
        parameters=[
            _param("customer", int, "Only this customer's proposals."),
            _param("status", str, "Only proposals in this status.", Proposal.Status.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("customer")
        require(get_access(self.request.user, customer.pk).can_contribute)
        serializer.instance = services.create_proposal(customer, by=self.request.user, **data)

    def get_object(self) -> Proposal:
        proposal = super().get_object()
        if self.action in {"update", "partial_update", "transition", "destroy"}:
            access = get_access(self.request.user, proposal.customer_id)
            require(access.can_manage_proposal(proposal.owner_id))
        return proposal

    def perform_destroy(self, instance: Proposal) -> None:
        services.delete_proposal(instance, by=self.request.user)

    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = expected_version(serializer, data)
        data.pop("customer", None)
        problems, options = data.pop("problems", None), data.pop("options", None)
        serializer.instance = services.update_proposal(
            serializer.instance,
            by=self.request.user,
            expected_version=version,
            changes=data,
            problems=problems,
            options=options,
        )

    @extend_schema(request=TransitionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the proposal along the workflow; an illegal move answers 400 naming the
        allowed ones, a concurrent move 409."""
        proposal = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.transition_proposal(
                proposal,
                to_status=body.validated_data["to"],
                by=request.user,
                note=body.validated_data["note"],
            )
        except services.IllegalTransition as exc:
            raise _illegal(exc) from exc
        except services.ConcurrentChange as exc:
            raise Conflict(str(exc)) from exc
        return Response(self.get_serializer(proposal).data)


class ContributionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Contributions to proposals the caller can see. Create one to request it; the asked
    specialist accepts, writes (update), marks done or declines it. Whoever asked for it, the
    proposal's owner, the lead and managers delete it: it goes to the account's trash, restorable
    for 30 days."""

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action in {"update", "partial_update"}:
            return ContributionWriteSerializer
        return ContributionSerializer

    def get_queryset(self) -> QuerySet[Contribution]:
        queryset = (
            Contribution.objects.visible_to(self.request.user)
            .filter(proposal__deleted_at__isnull=True)
            .select_related("proposal")
            .order_by("requested_at", "pk")
        )
        if self.action != "list":
            return queryset
        if (customer := _id_param(self.request, "customer")) is not None:
            queryset = queryset.filter(proposal__customer_id=customer)
        if (proposal := _id_param(self.request, "proposal")) is not None:
            queryset = queryset.filter(proposal_id=proposal)
        if status_ := _choice_param(self.request, "status", Contribution.Status.values):
            queryset = queryset.filter(status=status_)
        if _choice_param(self.request, "mine", ["true", "false"]) == "true":
            queryset = queryset.filter(specialist=self.request.user)
        return queryset

    @extend_schema(
        parameters=[
            _param("customer", int, "Only contributions on this customer's proposals."),
            _param("proposal", int, "Only this proposal's contributions."),
            _param("status", str, "Only contributions in this status.", Contribution.Status.values),
            _param("mine", bool, "Only contributions asked of the caller."),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        proposal = data.pop("proposal")
        access = get_access(self.request.user, proposal.customer_id)
        require(access.can_manage_proposal(proposal.owner_id))
        serializer.instance = services.request_contribution(proposal, by=self.request.user, **data)

    def get_object(self) -> Contribution:
        contribution = super().get_object()
        if self.action == "destroy":
            access = get_access(self.request.user, contribution.proposal.customer_id)
            require(
                access.can_delete_contribution(
                    contribution.requested_by_id, contribution.proposal.owner_id
                )
            )
        elif self.action != "retrieve":
            access = get_access(self.request.user, contribution.proposal.customer_id)
            require(
                access.can_answer_contribution(
                    contribution.specialist_id, contribution.proposal.owner_id
                )
            )
        return contribution

    def perform_update(self, serializer: BaseSerializer) -> None:
        contribution: Contribution = serializer.instance
        data = dict(serializer.validated_data)
        version = expected_version(serializer, data)
        try:
            serializer.instance = services.write_contribution(
                contribution,
                by=self.request.user,
                expected_version=version,
                description=data.get("description", contribution.description),
                effort_days=data.get("effort_days", contribution.effort_days),
                cost_estimate=data.get("cost_estimate", contribution.cost_estimate),
            )
        except ValueError as exc:
            raise ValidationError({"status": [str(exc)]}) from exc

    def perform_destroy(self, instance: Contribution) -> None:
        services.delete_contribution(instance, by=self.request.user)

    def _answer(self, request: Request, answer: str, **kwargs: Any) -> Response:
        contribution = kwargs.pop("contribution", None) or self.get_object()
        move = {
            "accept": services.accept_contribution,
            "decline": services.decline_contribution,
            "done": services.complete_contribution,
            "reopen": services.reopen_contribution,
        }[answer]
        try:
            contribution = move(contribution, by=request.user, **kwargs)
        except services.IllegalTransition as exc:
            raise _illegal(exc) from exc
        except services.ConcurrentChange as exc:
            raise Conflict(str(exc)) from exc
        except ValueError as exc:
            raise ValidationError({"status": [str(exc)]}) from exc
        return Response(
            ContributionSerializer(contribution, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=ContributionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Take the request on (requested -> in progress)."""
        return self._answer(request, "accept")

    @extend_schema(request=DeclineSerializer, responses=ContributionSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline the request with a reason."""
        # Load (404/403) before validating, so a stranger learns nothing from a 400.
        contribution = self.get_object()
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(
            request, "decline", contribution=contribution, reason=body.validated_data["reason"]
        )

    @extend_schema(request=None, responses=ContributionSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Mark the written contribution done."""
        return self._answer(request, "done")

    @extend_schema(request=None, responses=ContributionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Take a done contribution back into progress."""
        return self._answer(request, "reopen")


class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments on proposals and contributions. Authors edit and delete their own; a deleted
    comment keeps its place in the thread with no body."""

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action in {"update", "partial_update"}:
            return CommentEditSerializer
        return CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        queryset = (
            Comment.objects.visible_to(self.request.user)
            .filter(proposal__deleted_at__isnull=True)
            .select_related("author", "parent")
            .order_by("created_at", "pk")
        )
        if self.action != "list":
            return queryset
        if (customer := _id_param(self.request, "customer")) is not None:
            queryset = queryset.filter(customer_id=customer)
        if (proposal := _id_param(self.request, "proposal")) is not None:
            queryset = queryset.filter(proposal_id=proposal)
        if (contribution := _id_param(self.request, "contribution")) is not None:
            queryset = queryset.filter(contribution_id=contribution)
        return queryset

    @extend_schema(
        parameters=[
            _param("customer", int, "Only this customer's comments."),
            _param("proposal", int, "Only this proposal's comments (and its contributions')."),
            _param("contribution", int, "Only this contribution's comments."),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = serializer.validated_data
        proposal = data["proposal"]
        require(get_access(self.request.user, proposal.customer_id).can_contribute)
        serializer.instance = services.post_comment(
            proposal,
            author=self.request.user,
            body=data["body"],
            contribution=data.get("contribution"),
            parent=data.get("parent"),
        )

    def get_object(self) -> Comment:
        comment = super().get_object()
        if self.action != "retrieve":
            access = get_access(self.request.user, comment.customer_id)
            require(access.can_edit_own(comment.author_id))
        return comment

    def perform_update(self, serializer: BaseSerializer) -> None:
        comment: Comment = serializer.instance
        data = dict(serializer.validated_data)
        version = expected_version(serializer, data)
        try:
            serializer.instance = services.edit_comment(
                comment,
                by=self.request.user,
                body=data.get("body", comment.body),
                expected_version=version,
            )
        except ValueError as exc:
            raise ValidationError({"body": [str(exc)]}) from exc

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().update(request, *args, **kwargs)
        comment = self.get_queryset().get(pk=response.data["id"])
        return Response(CommentSerializer(comment, context=self.get_serializer_context()).data)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance: Comment) -> None:
        services.delete_comment(instance, by=self.request.user)


class PartnerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Partner companies (no account data): everyone signed in reads them; salespeople,
    managers and admins add, edit and delete them (a deleted partner goes to the catalogue's
    trash, restorable on the Recently deleted partners page)."""

    serializer_class = PartnerSerializer
    queryset = Partner.objects.order_by("name", "pk")

    def _require_editor(self) -> None:
        user: User = self.request.user
        require(can_manage_partners(user))

    def perform_create(self, serializer: BaseSerializer) -> None:
        self._require_editor()
        serializer.save()

    def perform_update(self, serializer: BaseSerializer) -> None:
        self._require_editor()
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance: Partner) -> None:
        self._require_editor()
        instance.soft_delete(by=self.request.user)


router = SimpleRouter()
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("comments", CommentViewSet, basename="comment")
router.register("partners", PartnerViewSet, basename="partner")

urlpatterns = router.urls
