"""Which addresses a webhook may be sent to: public ones only, unless a network is explicitly allowed.

Without this rule a partner could register a URL that makes us call our own infrastructure (SSRF).
"""

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IpAddress = IPv4Address | IPv6Address
IpNetwork = IPv4Network | IPv6Network

UNIQUE_LOCAL = IPv6Network("fc00::/7")


class DestinationRefusedError(Exception):
    """Deliberately not an OSError: an HTTP client must not mistake it for a passing network failure."""


def refusal_reason(address: str | IpAddress, allowed: Iterable[IpNetwork] = ()) -> str | None:
    """Why we never send to this address, or None when we may."""
    parsed = ip_address(address) if isinstance(address, str) else address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if any(parsed in network for network in allowed):
        return None
    for kind, matches in (
        ("unspecified", parsed.is_unspecified),
        ("loopback", parsed.is_loopback),
        ("link-local", parsed.is_link_local),
        ("unique-local", isinstance(parsed, IPv6Address) and parsed in UNIQUE_LOCAL),
        ("private", parsed.is_private),
        ("multicast", parsed.is_multicast),
        ("reserved", parsed.is_reserved),
        ("not globally reachable", not parsed.is_global),
    ):
        if matches:
            return f"{parsed} is {kind}"
    return None
