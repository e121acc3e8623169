-- name: set_request_timeouts(statement_timeout, lock_timeout)^
-- Bound every statement and every lock wait of the request's transaction (LOCAL: they end
-- with it). A statement cancelled by either is an OperationalError: a 503, never a pile-up.
SELECT set_config('statement_timeout', :statement_timeout, true) AS statement_timeout,
       set_config('lock_timeout', :lock_timeout, true) AS lock_timeout;
