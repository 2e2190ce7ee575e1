"""The project's URLs plus views that fail on purpose (mounted only by tests that ask)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from config import urls as project_urls


class SecretError(Exception):
    pass


def boom(request: HttpRequest) -> HttpResponse:
    raise SecretError("SELECT password FROM accounts_user; /srv/accord/config/settings.py")


class ExplodingSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()

    def get_name(self, obj: object) -> str:
        raise SecretError("SECRET_KEY=p7#kq /srv/accord/customers/serializers.py line 12")


@api_view(["GET"])
def api_boom(request: Request) -> Response:
    raise SecretError("psycopg.errors.UndefinedTable: relation accounts_user_secret")


@api_view(["GET"])
def serializer_boom(request: Request) -> Response:
    return Response(ExplodingSerializer({"x": 1}).data)


urlpatterns = [
    path("__boom__/", boom),
    path("api/__boom__/", api_boom),
    path("api/__serializer_boom__/", serializer_boom),
    *project_urls.urlpatterns,
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
