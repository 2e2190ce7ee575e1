from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.visibility import access_from_annotations
from customers.queries import customers_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My accounts: the customers the signed-in user can see, with their lead and role."""
    page = Paginator(customers_for_user(request.user), 50).get_page(request.GET.get("page"))
    rows = [(customer, access_from_annotations(customer, request.user)) for customer in page]
    return render(request, "accounts/home.html", {"page": page, "rows": rows})


@extend_schema(
    request=AuthTokenSerializer,
    responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    examples=[OpenApiExample("Login", value={"username": "sales1", "password": "..."})],
    tags=["auth"],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """Exchange a username and password for an API token."""
    serializer = AuthTokenSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
    return Response({"token": token.key})
