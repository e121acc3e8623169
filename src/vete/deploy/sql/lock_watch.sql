-- What vete.deploy.lock_watch samples: the locks one backend holds that stop other
-- sessions' writes (SHARE and stronger conflict with ROW EXCLUSIVE) or also their reads
-- (ACCESS EXCLUSIVE), on tables that existed when the watch began.

-- name: existing_tables()
SELECT c.oid AS oid
FROM pg_class c
WHERE c.relkind IN ('r', 'p')
  AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace);

-- name: blocking_locks(pid, tables)
SELECT l.relation::regclass::text AS name, l.mode
FROM pg_locks l
WHERE l.pid = :pid AND l.granted AND l.locktype = 'relation'
  AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
  AND l.relation = ANY (CAST(:tables AS oid[]));
