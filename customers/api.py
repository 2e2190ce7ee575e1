from django.db import transaction
from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from accounts.visibility import access_from_annotations
from customers import services
from customers.access import require
from customers.models import Customer
from customers.queries import customers_for_user
from customers.serializers import CustomerSerializer


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers the caller can see. Creating one makes the caller its lead."""

    serializer_class = CustomerSerializer

    def get_queryset(self) -> QuerySet[Customer]:
        queryset = customers_for_user(self.request.user).order_by("name", "id")
        params = self.request.query_params
        if name := params.get("search", "").strip():
            queryset = queryset.filter(name__icontains=name[:200])
        if industry := params.get("industry", "").strip():
            queryset = queryset.filter(industry__iexact=industry[:100])
        if (lead := params.get("lead", "")).isdigit() and len(lead) < 19:
            queryset = queryset.filter(lead_id=int(lead))
        return queryset

    def perform_create(self, serializer: BaseSerializer) -> None:
        user: User = self.request.user
        require(user.role in {User.Role.SALESPERSON, User.Role.MANAGER} or user.is_admin)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = services.create_customer(lead=user, **data)
        serializer.instance = customers_for_user(user).get(pk=customer.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        customer = serializer.instance
        require(access_from_annotations(customer, self.request.user).can_edit_core)
        with transaction.atomic():
            serializer.save()
            services.record_account_change(customer.pk)


router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")

urlpatterns = router.urls
