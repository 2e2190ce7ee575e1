"""The client's address behind a reverse proxy on this host (nginx, deploy/nginx/accord.conf).

Behind nginx every request arrives from 127.0.0.1, so the sign-in lockout (django-axes, per
username and address), the audit log and the request log would see one address for everyone:
five wrong passwords from anyone would lock a user out for all. nginx always overwrites
`X-Real-IP` with the address it saw; this middleware puts that address in REMOTE_ADDR, but only
for requests that come from a proxy listed in settings.TRUSTED_PROXIES (ASVS 4.1.3). Requests
from anywhere else keep their own address, whatever headers they carry.
"""

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def address_in(address: str, networks: tuple[str, ...]) -> bool:
    """Whether `address` (an IP, possibly invalid) lies in one of the `networks` (CIDR or IP)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(networks))


class TrustedProxyMiddleware:
    """REMOTE_ADDR from X-Real-IP, for requests that a trusted proxy forwarded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.proxies and address_in(request.META.get("REMOTE_ADDR", ""), self.proxies):
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            try:
                ipaddress.ip_address(forwarded)
            except ValueError:
                pass  # no usable address from the proxy: keep the proxy's own
            else:
                request.META["REMOTE_ADDR"] = forwarded
        return self.get_response(request)
