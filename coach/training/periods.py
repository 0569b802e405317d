"""Report periods: a half-open time range and the one of the same length just before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


def as_utc(value: date | datetime) -> datetime:
    """A date (midnight UTC) or datetime as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    """``since <= t < until``, in UTC."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.until <= self.since:
            raise ValueError("the period is empty: --since must be before --until")

    @classmethod
    def of(
        cls,
        since: date | datetime | None,
        until: date | datetime | None = None,
        *,
        now: datetime | None = None,
        default_days: int = 28,
    ) -> Period:
        """From optional bounds: until defaults to now, since to ``default_days`` before until."""
        end = as_utc(until) if until is not None else as_utc(now or datetime.now(UTC))
        start = as_utc(since) if since is not None else end - timedelta(days=default_days)
        return cls(start, end)

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.since - (self.until - self.since), self.since)

    def as_dict(self) -> dict[str, str]:
        """ISO bounds for JSON."""
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}
