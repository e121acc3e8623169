"""What the booking calls return: frozen dataclasses built from the SQL functions' JSON."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

Status = Literal[
    "scheduled", "confirmed", "checked_in", "in_progress", "completed", "cancelled", "no_show"
]
#: Statuses that hold the vet's time; cancelled and no_show free it.
ACTIVE_STATUSES: frozenset[str] = frozenset(
    {"scheduled", "confirmed", "checked_in", "in_progress", "completed"}
)


#: The longest notes or reason the booking functions store, in characters (migration 016).
MAX_TEXT_CHARS = 2000
#: The longest idempotency key the booking functions accept, in characters.
MAX_IDEMPOTENCY_KEY_CHARS = 200

T = TypeVar("T")


def _instant(value: Any) -> datetime:
    """A timestamptz from the functions' JSON (ISO 8601 with offset) or from a row."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def from_json(cls: type[T], data: dict[str, Any]) -> T:
    """Build an answer dataclass from a function's success JSON, converting by field type."""
    convert: dict[str, Any] = {"UUID": lambda v: UUID(str(v)), "datetime": _instant}
    values = {
        f.name: convert.get(str(f.type), lambda v: v)(data[f.name])
        for f in fields(cls)  # type: ignore[arg-type]
    }
    return cls(**values)


@dataclass(frozen=True, slots=True, kw_only=True)
class Booking:
    """A booked appointment: book_appointment_atomic's success answer."""

    appointment_id: UUID
    start_time: datetime
    end_time: datetime
    status: Status


@dataclass(frozen=True, slots=True, kw_only=True)
class Rescheduled:
    """A moved appointment: reschedule_appointment_atomic's success answer."""

    appointment_id: UUID
    old_start_time: datetime
    new_start_time: datetime
    new_end_time: datetime
    status: Status


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """A lifecycle step (including a cancellation): set_appointment_status's answer."""

    appointment_id: UUID
    old_status: Status
    status: Status
    changed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    """A free slot: [start, end) with this vet."""

    start: datetime
    end: datetime
    vet_id: UUID
