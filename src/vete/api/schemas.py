"""Request bodies of the JSON API (responses are the booking and store dataclasses)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from vete.booking.models import MAX_TEXT_CHARS, Status

ItemType = Literal["product", "service"]
#: The booking functions refuse longer text (TEXT_TOO_LONG); here it is a 422 naming the field.
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


def _in_utc_years_1_to_9999(value: datetime) -> datetime:
    # 9999-12-31T23:59-12:00 is year 10000 in UTC: PostgreSQL would store it, and then no
    # Python client could read the row back. The booking horizon refuses it anyway; this
    # answers before the database, naming the field.
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must fall between the years 1 and 9999 in UTC") from None
    return value


#: An aware datetime whose instant Python can represent in UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc_years_1_to_9999)]
#: PostgreSQL's int: a larger number would not even reach the SQL function's own check.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BookRequest(Body):
    """Book ``pet_id`` with ``vet_id`` at ``start_time`` for ``service_id``."""

    pet_id: UUID
    service_id: UUID
    vet_id: UUID
    start_time: Instant = Field(
        description="ISO 8601 with an offset; at most the clinic's booking horizon ahead."
    )
    duration_minutes: Int32 | None = Field(
        default=None,
        description="Default and, for owners, the only choice: the service's. Staff: 5-720.",
    )
    reason: Text | None = None
    notes: Text | None = None


class RescheduleRequest(Body):
    """Move an appointment; same vet, service and duration."""

    new_start_time: Instant


class CancelRequest(Body):
    """Cancel an appointment; the reason is required and recorded."""

    reason: Text


class StatusRequest(Body):
    """Move an appointment along its lifecycle."""

    status: Status
    reason: Text | None = None


class CartItem(BaseModel):
    """A cart line to add. Other keys are ignored: a line is id, type, name, price and
    quantity, and name and price come from the catalog."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, Field(min_length=1, max_length=200)]
    type: ItemType
    quantity: Int32 = 1


class QuantityRequest(Body):
    """The new quantity of one line (0 removes it)."""

    quantity: Int32


class MergeRequest(Body):
    """A device's cart, merged into the account's at sign-in."""

    items: list[dict[str, Any]] = Field(description="Lines as {id, type, quantity, ...}.")
    policy: Literal["max", "sum"] = "max"


class Health(BaseModel):
    """What /health reports."""

    status: Literal["ok", "degraded"]
    database: Literal["reachable", "unreachable"]
    migrations: dict[str, int]
    detail: str | None = None
