-- One function's findings from plpgsql_check, called by its schema-qualified name wherever
-- the extension lives. fatal_errors off: every error of the body, not only the first.
-- Security warnings on: dynamic SQL open to injection, which matters in functions that run
-- with their owner's rights.
SELECT lineno, level, sqlstate, message, detail, hint
FROM {check_function}(
    CAST(%(signature)s AS regprocedure),
    CAST(%(relid)s AS oid)::regclass,
    fatal_errors => false,
    security_warnings => true,
    oldtable => %(oldtable)s,
    newtable => %(newtable)s
)
