"""Behind nginx every request comes from 127.0.0.1: the client's address is taken from nginx's
X-Real-IP, and only when the request comes from a trusted proxy (core/proxy.py)."""

import pytest
from django.test import Client, override_settings

from core.models import AuditEvent
from tests import factories

LOGIN = "/accounts/login/"
BEHIND_NGINX = {"TRUSTED_PROXIES": ["127.0.0.1", "::1"]}


@pytest.fixture
def sam(db):
    return factories.UserFactory(username="sam")


def sign_in(password: str, *, peer: str, real_ip: str | None = None):
    headers = {"HTTP_X_REAL_IP": real_ip} if real_ip else {}
    return Client().post(
        LOGIN, {"username": "sam", "password": password}, REMOTE_ADDR=peer, **headers
    )


@override_settings(**BEHIND_NGINX)
def test_lockout_counts_the_real_client_not_the_proxy(sam):
    for _ in range(5):
        sign_in("wrong-password-123", peer="127.0.0.1", real_ip="203.0.113.5")
    assert sign_in(factories.PASSWORD, peer="127.0.0.1", real_ip="203.0.113.5").status_code == 429
    # Another person signing in through the same nginx is not locked out.
    assert sign_in(factories.PASSWORD, peer="127.0.0.1", real_ip="198.51.100.7").status_code == 302
    failed = AuditEvent.objects.filter(action="login_failed", username="sam")
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@override_settings(**BEHIND_NGINX)
def test_x_real_ip_from_anyone_else_is_ignored(sam):
    for n in range(5):
        sign_in("wrong-password-123", peer="192.0.2.10", real_ip=f"198.51.100.{n}")
    assert (
        sign_in(factories.PASSWORD, peer="192.0.2.10", real_ip="198.51.100.99").status_code == 429
    )
    failed = AuditEvent.objects.filter(action="login_failed", username="sam")
    assert set(failed.values_list("ip_address", flat=True)) == {"192.0.2.10"}


@override_settings(**BEHIND_NGINX)
def test_a_malformed_x_real_ip_keeps_the_proxys_address(sam):
    sign_in("wrong-password-123", peer="127.0.0.1", real_ip="not-an-address")
    assert AuditEvent.objects.get(action="login_failed").ip_address == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_means_nothing(sam):
    sign_in("wrong-password-123", peer="127.0.0.1", real_ip="203.0.113.5")
    assert AuditEvent.objects.get(action="login_failed").ip_address == "127.0.0.1"
