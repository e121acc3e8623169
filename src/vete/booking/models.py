"""What the booking calls return: frozen dataclasses built from the SQL functions' JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

Status = Literal[
    "scheduled", "confirmed", "checked_in", "in_progress", "completed", "cancelled", "no_show"
]
#: Statuses that hold the vet's time; cancelled and no_show free it.
ACTIVE_STATUSES: frozenset[str] = frozenset(
    {"scheduled", "confirmed", "checked_in", "in_progress", "completed"}
)


def _instant(value: Any) -> datetime:
    """A timestamptz from the functions' JSON (ISO 8601 with offset) or from a row."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class Booking:
    """A booked appointment: book_appointment_atomic's success answer."""

    appointment_id: UUID
    start_time: datetime
    end_time: datetime
    status: Status

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Booking:
        return cls(
            appointment_id=UUID(str(data["appointment_id"])),
            start_time=_instant(data["start_time"]),
            end_time=_instant(data["end_time"]),
            status=data["status"],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Rescheduled:
    """A moved appointment: reschedule_appointment_atomic's success answer."""

    appointment_id: UUID
    old_start_time: datetime
    new_start_time: datetime
    new_end_time: datetime
    status: Status

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rescheduled:
        return cls(
            appointment_id=UUID(str(data["appointment_id"])),
            old_start_time=_instant(data["old_start_time"]),
            new_start_time=_instant(data["new_start_time"]),
            new_end_time=_instant(data["new_end_time"]),
            status=data["status"],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """A lifecycle step (including a cancellation): set_appointment_status's answer."""

    appointment_id: UUID
    old_status: Status
    status: Status
    changed_at: datetime

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatusChange:
        return cls(
            appointment_id=UUID(str(data["appointment_id"])),
            old_status=data["old_status"],
            status=data["status"],
            changed_at=_instant(data["changed_at"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    """A free slot: [start, end) with this vet."""

    start: datetime
    end: datetime
    vet_id: UUID
