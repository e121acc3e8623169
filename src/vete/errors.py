"""vete's one error hierarchy.

Every error vete raises on purpose derives from :class:`VeteError`; anything else is a
bug and is allowed to surface. Business outcomes carry the code the SQL functions
return (``SLOT_UNAVAILABLE`` …) so the HTTP layer can map them in one place.

    VeteError
    ├── ConfigError            bad configuration (malformed DATABASE_URL …)
    ├── DatabaseUnavailable    cannot reach or log in to the server
    ├── UnsupportedServer      server older than PostgreSQL 15
    ├── EmbeddedServerError    the embedded PostgreSQL failed to init or start
    ├── SchemaMissing          vete's schema is not deployed in the database
    ├── Unauthenticated        no valid bearer token (HTTP 401)
    ├── ServiceUnavailable     no pooled connection in time, database away (HTTP 503)
    ├── NotFound               a referenced row does not exist (or is not yours to see)
    ├── Conflict               the request clashes with current state
    │   ├── SlotUnavailable    the time range is taken
    │   └── OutOfStock         not enough units left
    ├── Forbidden              the session may not do this
    ├── InvalidInput           the arguments are wrong
    └── DeployError            a deployment step failed
        ├── LockBusy           another deploy holds the deploy lock
        ├── ChecksumMismatch   an applied migration file was edited
        ├── VerifyFailed       what was deployed does not work when called
        ├── BackupFailed       pg_dump / restore proof failed
        ├── MigrationFileError duplicate versions, bad names or directives
        ├── LintFailed         an error-level lint finding in a pending migration
        ├── TargetNotConfirmed a non-local target was not confirmed
        ├── AdoptRefused       the database is neither empty nor the original platform's
        └── AdoptConflicts     its data breaks a rule vete would enforce (adopt --resolve)

The SQL functions answer a business failure as ``{success: false, error: CODE, message}``.
Each such code is registered here once, to the exception it becomes — one registry for
booking and store alike, looked up the way psycopg looks up a SQLSTATE
(``psycopg.errors.lookup``)::

    errors.lookup("SLOT_UNAVAILABLE")        # -> SlotUnavailable
    errors.from_failure("SLOT_UNAVAILABLE", "taken")   # -> SlotUnavailable("taken")

A new code the SQL returns is added to :data:`BUSINESS_CODES`; the test
``tests/test_error_registry.py`` reads every code the deployed functions can return and
fails on one that is not registered.
"""

from __future__ import annotations


class VeteError(Exception):
    """Base class of every error vete raises on purpose."""

    #: Exit code the CLI uses for this failure class (documented in docs/cli.md).
    exit_code: int = 1
    #: Business code, as the SQL functions return it (``SLOT_UNAVAILABLE`` …).
    code: str = "ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ConfigError(VeteError):
    """Raised when configuration, such as ``DATABASE_URL``, is malformed."""

    exit_code = 2
    code = "CONFIG_ERROR"


class DatabaseUnavailable(VeteError):
    """Raised when the server cannot be reached or refuses the login."""

    exit_code = 3
    code = "DATABASE_UNAVAILABLE"


class UnsupportedServer(VeteError):
    """Raised when the server is older than PostgreSQL 15."""

    exit_code = 4
    code = "UNSUPPORTED_SERVER"


class EmbeddedServerError(VeteError):
    """Raised when the embedded PostgreSQL cannot be initialised or started."""

    exit_code = 5
    code = "EMBEDDED_SERVER_ERROR"


class SchemaMissing(VeteError):
    """Raised when a command needs vete's schema and the database does not have it."""

    exit_code = 6
    code = "SCHEMA_MISSING"


class Unauthenticated(VeteError):
    """Raised when a request has no valid bearer token (missing, expired, badly signed)."""

    code = "UNAUTHENTICATED"


class ServiceUnavailable(VeteError):
    """Raised when no pooled connection is free in time, or the database is unreachable."""

    code = "SERVICE_UNAVAILABLE"


class NotFound(VeteError):
    """Raised when a referenced row does not exist or is not visible to the caller."""

    code = "NOT_FOUND"


class Conflict(VeteError):
    """Raised when the request clashes with the current state."""

    code = "CONFLICT"


class SlotUnavailable(Conflict):
    """Raised when the requested time range overlaps an active appointment."""

    code = "SLOT_UNAVAILABLE"


class OutOfStock(Conflict):
    """Raised when fewer units are in stock than requested."""

    code = "OUT_OF_STOCK"


class Forbidden(VeteError):
    """Raised when the session's identity may not perform the operation."""

    code = "FORBIDDEN"


class InvalidInput(VeteError):
    """Raised when arguments are malformed or out of range."""

    code = "INVALID_INPUT"


class DeployError(VeteError):
    """Raised when a deployment step fails; the database is left as before that step."""

    exit_code = 10
    code = "DEPLOY_FAILED"


class LockBusy(DeployError):
    """Raised when another deploy holds the cluster-wide deploy lock."""

    exit_code = 11
    code = "LOCK_BUSY"


class ChecksumMismatch(DeployError):
    """Raised when an applied migration file was edited after it was applied."""

    exit_code = 12
    code = "CHECKSUM_MISMATCH"


class VerifyFailed(DeployError):
    """Raised when a verify script or a smoke probe of deployed code fails."""

    exit_code = 13
    code = "VERIFY_FAILED"


class BackupFailed(DeployError):
    """Raised when pg_dump fails or the backup does not restore."""

    exit_code = 14
    code = "BACKUP_FAILED"


class MigrationFileError(DeployError):
    """Raised when migration files are malformed: duplicate versions, bad names, bad directives."""

    exit_code = 16
    code = "MIGRATION_FILES"


class LintFailed(DeployError):
    """Raised when lint finds an error-level problem in a pending migration."""

    exit_code = 15
    code = "LINT_FAILED"


class TargetNotConfirmed(DeployError):
    """Raised when a non-local target was not confirmed with --yes or at the prompt."""

    exit_code = 17
    code = "NOT_CONFIRMED"


class AdoptRefused(DeployError):
    """Raised when ``vete db adopt`` does not recognise the database as the original's."""

    exit_code = 18
    code = "ADOPT_REFUSED"


class AdoptConflicts(DeployError):
    """Raised when ``vete db adopt`` finds data vete would refuse and --resolve was not given."""

    exit_code = 19
    code = "ADOPT_CONFLICTS"


class DistributeRefused(DeployError):
    """Raised when ``vete db distribute`` finds no Citus coordinator with an active worker,
    or a table its layout does not place."""

    exit_code = 23
    code = "DISTRIBUTE_REFUSED"


#: Every business code vete's SQL functions return, registered once, to the exception it
#: becomes (booking and store share this one table).
BUSINESS_CODES: dict[str, type[VeteError]] = {
    # booking (vete.failure)
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
    # store (vete.store_error)
    "CUSTOMER_NOT_FOUND": NotFound,
    "ITEM_NOT_FOUND": NotFound,
    "OUT_OF_STOCK": OutOfStock,
    "CART_EMPTY": Conflict,
    "INVALID_ITEMS": InvalidInput,
    "TOO_MANY_ITEMS": InvalidInput,
    "INVALID_POLICY": InvalidInput,
    "INVALID_INPUT": InvalidInput,
}


def lookup(code: str) -> type[VeteError]:
    """The exception class registered for a business ``code``.

    Raises :class:`KeyError` naming the code for one that is not registered, as
    ``psycopg.errors.lookup`` does for an unknown SQLSTATE.
    """
    try:
        return BUSINESS_CODES[code]
    except KeyError:
        raise KeyError(
            f"business code {code!r} is not registered in vete.errors.BUSINESS_CODES"
        ) from None


def from_failure(code: str, message: str) -> VeteError:
    """The exception for a SQL function's ``{success:false, error:code}`` answer.

    A code the registry does not know is a bug between SQL and Python: it becomes the
    base :class:`VeteError` (still carrying the code), never a known outcome.
    """
    cls = BUSINESS_CODES.get(code, VeteError)
    return cls(message, code=code)
