"""What the store keeps, and for how long: a per-owner cap on conversations and turns, and a retention."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from advisor.errors import AdvisorError

__all__ = ["DAY", "OwnerUsage", "QuotaExceeded", "StoreLimits"]

DAY = 86_400.0


@dataclass(frozen=True)
class StoreLimits:
    """None: no limit. The server sets all three; the command line only the retention."""

    conversations_per_owner: int | None = None
    turns_per_owner: int | None = None  # answered turns, summed over the owner's conversations
    retention_days: float | None = None  # a conversation idle this long is deleted, with its feedback

    def check(self, usage: OwnerUsage, new: bool, now: float) -> None:
        """Raise QuotaExceeded when one more turn (in a new conversation, if `new`) is past a cap."""
        most_conversations, most_turns = self.conversations_per_owner, self.turns_per_owner
        if new and most_conversations is not None and usage.conversations >= most_conversations:
            raise QuotaExceeded("conversations", most_conversations, self._wait(usage, now))
        if most_turns is not None and usage.turns >= most_turns:
            raise QuotaExceeded("turns", most_turns, self._wait(usage, now))

    def _wait(self, usage: OwnerUsage, now: float) -> int | None:
        """Seconds until the owner's oldest conversation expires and frees its room; None: never."""
        if not self.retention_days or usage.oldest is None:
            return None
        return max(1, math.ceil(usage.oldest + self.retention_days * DAY - now))


@dataclass(frozen=True)
class OwnerUsage:
    conversations: int
    turns: int
    oldest: float | None  # the last activity of the owner's least recently used conversation


_SETTING = {
    "conversations": "ADVISOR_MAX_CONVERSATIONS_PER_OWNER",
    "turns": "ADVISOR_MAX_TURNS_PER_OWNER",
}


class QuotaExceeded(AdvisorError):
    """The caller keeps as many conversations, or turns, as the server stores for one owner."""

    status = 429
    code = "storage_quota_exceeded"

    def __init__(self, what: str, limit: int, retry_after: int | None) -> None:
        when = (
            f"; the least recently used conversation is deleted in {retry_after} s"
            if retry_after is not None
            else ""
        )
        super().__init__(
            f"this caller already keeps {limit} stored {what}, the most this server keeps for one "
            f"caller ({_SETTING[what]}){when}"
        )
        self.what, self.limit, self.retry_after = what, limit, retry_after

    def detail(self) -> dict[str, Any]:
        return {"limit": self.limit, "of": self.what, "setting": _SETTING[self.what],
                "retry_after_seconds": self.retry_after}  # fmt: skip

    def headers(self) -> dict[str, str]:
        return {"retry-after": str(self.retry_after)} if self.retry_after is not None else {}
