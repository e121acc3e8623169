"""Turn the SQL functions' ``{success:false, error:CODE}`` answers into vete's exceptions."""

from __future__ import annotations

from typing import Any

from vete.errors import from_failure


def unwrap(result: Any) -> dict[str, Any]:
    """The success JSON, or the mapped exception (carrying the SQL code) for a failure.

    Codes map through the one registry, :data:`vete.errors.BUSINESS_CODES`; a code it does
    not know is a bug between SQL and Python and raises the base :class:`VeteError`.
    """
    if not isinstance(result, dict) or "success" not in result:
        raise TypeError(f"unexpected answer from a booking function: {result!r}")
    if result["success"]:
        return result
    code = str(result.get("error"))
    message = str(result.get("message") or code)
    raise from_failure(code, message)
