"""Rate limits of the public tip pages, without keeping the client's address.

A counter's key is a hash of the address with a random salt that lives only in the cache and is replaced
every ``SALT_SECONDS``; counters expire after their window. Nothing reaches the database or the logs: once
the salt is gone, no one can tell which address a counter belonged to (and the counters are gone too).
"""

import hashlib
import secrets
import time

from django.core.cache import cache

from accounts.security import client_ip

SALT_SECONDS = 6 * 3600
SUBMIT_LIMIT = (5, 3600)  # tips per client per hour
LOOKUP_LIMIT = (10, 900)  # wrong code/passphrase tries per client per 15 minutes
CODE_LIMIT = (5, 900)  # wrong passphrases per tip code per 15 minutes (whatever the address)


_SALTS: dict[int, str] = {}


def _salt() -> str:
    """The salt of the current period, shared by every process through the cache (asked once per period
    and process: a Redis round trip less per request)."""
    period = int(time.time() // SALT_SECONDS)
    salt = _SALTS.get(period)
    if salt is None:
        key = f"tips:salt:{period}"
        cache.add(key, secrets.token_hex(16), timeout=SALT_SECONDS + 60)
        salt = cache.get(key)
        if not salt:  # the cache lost it between the two calls: this request's own, not kept
            return secrets.token_hex(16)
        _SALTS.clear()
        _SALTS[period] = salt
    return salt


def client_key(request) -> str:
    """A short-lived, salted hash standing for the client in counters (never the address)."""
    return hashlib.sha256(f"{_salt()}|{client_ip(request) or ''}".encode()).hexdigest()[:32]


def _count_key(purpose: str, who: str, window: int) -> str:
    return f"tips:rl:{purpose}:{who}:{int(time.time() // window)}"


def hits(purpose: str, who: str, window: int) -> int:
    return cache.get(_count_key(purpose, who, window), 0)


def hit(purpose: str, who: str, window: int) -> int:
    key = _count_key(purpose, who, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        return 1


def over(purpose: str, who: str, limit: tuple[int, int]) -> bool:
    return hits(purpose, who, limit[1]) >= limit[0]


def hit_over(purpose: str, who: str, limit: tuple[int, int]) -> bool:
    """Count this attempt and say whether it goes beyond the limit (two cache calls)."""
    return hit(purpose, who, limit[1]) > limit[0]


def code_key(code: str) -> str:
    """The code itself is not a secret worth hiding from the cache, but hashed keys keep the cache boring."""
    return hashlib.sha256(code.encode()).hexdigest()[:32]
