"""Whose X-Forwarded-For to believe.

Rate limits count per client address. Behind a reverse proxy every request comes from the
proxy, so the proxy's X-Forwarded-For names the client; from anyone else the header is a
free choice of the sender, so believing it would let one client count as thousands.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache


class TrustedProxies:
    """The addresses named by the `forwarded_allow_ips` setting ('' = none, '*' = all)."""

    def __init__(self, setting: str) -> None:
        entries = [entry.strip() for entry in setting.split(",") if entry.strip()]
        self.everyone = "*" in entries
        self.networks = [
            ipaddress.ip_network(entry, strict=False) for entry in entries if entry != "*"
        ]

    def __contains__(self, host: str) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


@lru_cache(maxsize=8)
def trusted_proxies(setting: str) -> TrustedProxies:
    return TrustedProxies(setting)


def client_address(peer: str, forwarded_for: str | None, trusted: TrustedProxies) -> str:
    """The client a request is from: the peer, unless a trusted proxy says who it forwarded.

    Proxies append to the header, so it is read from the right: the first address that is
    not a trusted proxy is the client (anything left of it may be forged).
    """
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else peer
