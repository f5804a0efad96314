"""Refuses webhook destinations that resolve to loopback, private, link-local or unique-local addresses.

Checked at registration (`check_url`) and again at send time by the resolver the HTTP client connects
through, so a name that later resolves somewhere inside our network is refused at the moment it matters.
"""

import asyncio
import socket
from collections.abc import Iterable
from ipaddress import ip_address, ip_network
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from notification.domain.destination_addresses import DestinationRefusedError, IpNetwork, refusal_reason

ALLOWED_SCHEMES = frozenset({"http", "https"})

__all__ = ["AddressGuard", "DestinationRefusedError", "GuardedResolver"]


class AddressGuard:
    def __init__(self, allowed_networks: Iterable[str] = ()) -> None:
        self.allowed_networks: tuple[IpNetwork, ...] = tuple(
            ip_network(network) for network in allowed_networks
        )

    def check_address(self, address: str) -> None:
        reason = refusal_reason(address, self.allowed_networks)
        if reason is not None:
            raise DestinationRefusedError(reason)

    def check_literal_host(self, url: str) -> None:
        """A URL naming an IP address connects without any lookup, so it is checked here instead."""
        host = _host_of(url)
        if _is_ip_address(host):
            self.check_address(host)

    async def check_url(self, url: str) -> None:
        host = _host_of(url)
        if _is_ip_address(host):
            self.check_address(host)
            return
        try:
            resolved = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise DestinationRefusedError(f"{host} does not resolve") from error
        for *_, socket_address in resolved:
            self.check_address(str(socket_address[0]))

    def resolver(self) -> "GuardedResolver":
        return GuardedResolver(self)


class GuardedResolver(AbstractResolver):
    def __init__(self, guard: AddressGuard, resolver: AbstractResolver | None = None) -> None:
        self._guard = guard
        self._resolver = resolver or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._resolver.resolve(host, port, family)
        for result in results:
            self._guard.check_address(result["host"])
        return results

    async def close(self) -> None:
        await self._resolver.close()


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise DestinationRefusedError("a webhook URL is http or https with a host")
    return parts.hostname


def _is_ip_address(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True
