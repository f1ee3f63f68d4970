"""The client's address, also behind a TLS proxy.

``REMOTE_ADDR`` is the direct peer. When that peer is one of ``settings.TRUSTED_PROXIES``
(a list of networks in CIDR notation, e.g. ``["127.0.0.1/32", "10.0.0.0/8"]``), the
``X-Forwarded-For`` header is read from the right: each trusted proxy appends the address
it received the request from, so the right-most entry that is *not* a trusted proxy is the
client. Entries further left were written by the client itself and are ignored, so a
forged header changes nothing. With no trusted proxies (the default) the header is never
read.

django-ratelimit (``RATELIMIT_IP_META_KEY``) and django-axes (``AXES_CLIENT_IP_CALLABLE``)
both call :func:`client_ip`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of ``cidrs``; raises ``ImproperlyConfigured`` for an entry that is not one."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {cidr!r} is not an address or network") from exc
    return tuple(networks)


def _parse(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as a string (the direct peer's when no trusted proxy is involved)."""
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    peer = _parse(peer_text)
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if peer is None or not networks or not _is_trusted(peer, networks):
        return str(peer) if peer else peer_text
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(entry)
        if address is None:
            # Garbage where an address should be: nothing left of it can be believed.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
