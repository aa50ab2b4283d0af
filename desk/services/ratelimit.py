"""Sliding-window rate limits of the citizen endpoints and of agent logins.

NOTE: the counters live in the memory of one desk process, and a restart
resets them. Several desk workers would each allow the full rate, so one
limit across workers needs a shared store such as Redis.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sanic import Request, Sanic

from desk.errors import DeskError
from desk.settings import Settings

# Paths of the citizen endpoints: the chat, its WebSocket, uploads and the
# public organisation lookups. Knowledge-base search is left out because the
# action server calls it for every message from the desk's own address.
CITIZEN_PATH = re.compile(r"^/api/(conversations|attachments|agencies|enterprises)\b")
CONVERSATION_WRITE_PATH = re.compile(
    r"^/api/conversations/(?P<id>[^/]+)/(messages|attachments|contact)$"
)
# Remembered keys are swept after this many calls, so idle keys free memory.
SWEEP_EVERY = 1000


class RateLimiter:
    """At most ``limit`` events per ``period`` seconds for each key."""

    def __init__(
        self,
        limit: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._calls = 0

    def retry_after(self, key: str) -> float | None:
        """Return the seconds until ``key`` may act again, None if it may now."""
        now = self._clock()
        events = self._prune(key, now)
        if events is not None and len(events) >= self.limit:
            return max(events[0] + self.period - now, 0.0)
        return None

    def hit(self, key: str) -> float | None:
        """Count one event for ``key`` unless it is over the limit.

        Returns None when the event is allowed and counted, else the seconds
        until the next event would be allowed.
        """
        self._sweep()
        wait = self.retry_after(key)
        if wait is not None:
            return wait
        self._events.setdefault(key, deque()).append(self._clock())
        return None

    def reset(self, key: str) -> None:
        """Forget every event of ``key``."""
        self._events.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - self.period:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _sweep(self) -> None:
        self._calls += 1
        if self._calls % SWEEP_EVERY:
            return
        now = self._clock()
        for key in list(self._events):
            self._prune(key, now)


@dataclass
class CitizenLimits:
    """The three limits of the citizen endpoints, from the settings."""

    requests: RateLimiter
    conversations: RateLimiter
    messages: RateLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> CitizenLimits:
        return cls(
            requests=RateLimiter(settings.requests_per_minute, 60),
            conversations=RateLimiter(settings.conversations_per_minute, 60),
            messages=RateLimiter(settings.messages_per_minute, 60),
        )


def too_many(what: str, limit: int, wait: float) -> DeskError:
    """Return the 429 error for a limit of ``limit`` per minute on ``what``."""
    seconds = max(1, math.ceil(wait))
    return DeskError(
        f"Too many {what}: the limit is {limit} per minute. Try again in {seconds} s.",
        status_code=429,
        headers={"Retry-After": str(seconds)},
        context={"limit": limit, "retry_after": seconds},
    )


def client_address(request: Request) -> str:
    """Return the client's address, from proxy headers when Sanic trusts them.

    Behind a reverse proxy, set Sanic's PROXIES_COUNT or REAL_IP_HEADER
    (environment SANIC_PROXIES_COUNT …), else every citizen shares the
    proxy's address and its limits.
    """
    return request.remote_addr or request.ip or "unknown"


def install_rate_limits(app: Sanic, settings: Settings) -> None:
    """Check the citizen limits before each request to a citizen endpoint."""
    limits = CitizenLimits.from_settings(settings)
    app.ctx.citizen_limits = limits

    async def check_citizen_limits(request: Request) -> None:
        # A CORS preflight does no work, and a widget on another site sends
        # one before most of its calls, so preflights are not counted.
        if request.method == "OPTIONS" or not CITIZEN_PATH.match(request.path):
            return
        address = client_address(request)
        wait = limits.requests.hit(address)
        if wait is not None:
            raise too_many("requests from your address", limits.requests.limit, wait)
        if request.method != "POST":
            return
        if request.path == "/api/conversations":
            wait = limits.conversations.hit(address)
            if wait is not None:
                raise too_many(
                    "new conversations from your address",
                    limits.conversations.limit,
                    wait,
                )
            return
        match = CONVERSATION_WRITE_PATH.match(request.path)
        if match is not None:
            wait = limits.messages.hit(match["id"])
            if wait is not None:
                raise too_many(
                    "messages in this conversation", limits.messages.limit, wait
                )

    # The highest priority runs first, before the database session opens.
    app.register_middleware(check_citizen_limits, "request", priority=100)
