"""Turn the SQL functions' ``{success:false, error:CODE}`` answers into vete's exceptions."""

from __future__ import annotations

from typing import Any

from vete.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SlotUnavailable,
    VeteError,
)

#: Every business code the booking functions return, and the exception it becomes.
ERROR_CODES: dict[str, type[VeteError]] = {
    "SLOT_UNAVAILABLE": SlotUnavailable,
    "NOT_FOUND": NotFound,
    "TENANT_NOT_FOUND": NotFound,
    "PET_NOT_FOUND": NotFound,
    "VET_NOT_FOUND": NotFound,
    "SERVICE_NOT_FOUND": NotFound,
    "UNAUTHORIZED": Forbidden,
    "DURATION_NOT_ALLOWED": Forbidden,
    "INVALID_STATUS": Conflict,
    "INVALID_TRANSITION": Conflict,
    "IDEMPOTENCY_CONFLICT": Conflict,
    "INVALID_TIME": InvalidInput,
    "NONEXISTENT_LOCAL_TIME": InvalidInput,
    "INVALID_DURATION": InvalidInput,
    "OUTSIDE_WORKING_HOURS": InvalidInput,
    "OUTSIDE_SERVICE_HOURS": InvalidInput,
    "DURING_BREAK": InvalidInput,
    "VET_TIME_OFF": InvalidInput,
    "REASON_REQUIRED": InvalidInput,
    "UNKNOWN_STATUS": InvalidInput,
    "INVALID_IDEMPOTENCY_KEY": InvalidInput,
    "START_TOO_FAR_AHEAD": InvalidInput,
    "TEXT_TOO_LONG": InvalidInput,
}


def unwrap(result: Any) -> dict[str, Any]:
    """The success JSON, or the mapped exception (carrying the SQL code) for a failure.

    A code this table does not know is a bug between SQL and Python: it raises the base
    :class:`VeteError` rather than being mistaken for a known outcome.
    """
    if not isinstance(result, dict) or "success" not in result:
        raise TypeError(f"unexpected answer from a booking function: {result!r}")
    if result["success"]:
        return result
    code = str(result.get("error"))
    message = str(result.get("message") or code)
    raise ERROR_CODES.get(code, VeteError)(message, code=code)
