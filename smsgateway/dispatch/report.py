"""The counts of a dispatch round."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    deferred: int = 0
    review: int = 0
    unknown: int = 0  # left for the lease sweep to ask the provider
    released: int = 0  # not sent because the process was stopping; planned again
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        """Add another round's counts to these."""
        for counter in fields(self):
            if counter.name != "errors":
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )
        self.errors.extend(other.errors)
