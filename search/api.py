"""REST endpoint: /api/search/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from search.engine import TYPES, search
from search.forms import SEARCH_MAX_LENGTH


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=SEARCH_MAX_LENGTH, min_length=2)
    type = serializers.ChoiceField(choices=TYPES, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=50, default=1)


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPES)
    id = serializers.IntegerField(min_value=1)
    customer = serializers.IntegerField(source="customer_id", min_value=1, allow_null=True)
    customer_name = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200)
    snippet = serializers.CharField(
        max_length=2000, help_text=_("Escaped text; matches are wrapped in <mark>…</mark>.")
    )


class SearchPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, max_length=2000)
    previous = serializers.URLField(allow_null=True, max_length=2000)
    results = SearchHitSerializer(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 2, "maxLength": SEARCH_MAX_LENGTH},
            required=True,
            description=f"2 to {SEARCH_MAX_LENGTH} characters",
        ),
        OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES)),
        OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 50, "default": 1}),
    ],
    responses=SearchPageSerializer,
    tags=["search"],
)
@api_view(["GET"])
def search_api(request: Request) -> Response:
    """Search over the caller's accounts, grouped by type (accounts and people first), best
    match first within a type, with highlighted snippets."""
    params = SearchQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    page = params.validated_data["page"]
    hits, has_next = search(
        request.user,
        params.validated_data["q"],
        type=params.validated_data.get("type"),
        page=page,
    )
    url = request.build_absolute_uri()
    previous = None
    if page > 1:
        previous = (
            replace_query_param(url, "page", page - 1)
            if page > 2
            else remove_query_param(url, "page")
        )
    body = {
        "next": replace_query_param(url, "page", page + 1) if has_next else None,
        "previous": previous,
        "results": hits,
    }
    return Response(SearchPageSerializer(body).data)


urlpatterns = [path("search/", search_api, name="api-search")]
