"""The n log n overlap search agrees with the obvious self-join, and --resolve leaves none."""

from __future__ import annotations

import uuid

import psycopg
from psycopg.rows import dict_row

from tests.adopt.conftest import rows
from vete.deploy import adopt_checks, adopt_overlaps, runner

VETS = ("a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002")
PET = "b0000000-0000-4000-8000-000000000010"

# Every pair the definition names: same vet, both active, times overlapping (the query the
# window replaced, kept here as the reference).
SELF_JOIN = """
SELECT a.id AS first_id, b.id AS second_id
FROM public.appointments a
JOIN public.appointments b
  ON b.tenant_id = a.tenant_id AND b.vet_id = a.vet_id AND b.id <> a.id
 AND (a.created_at, a.id::text) < (b.created_at, b.id::text)
 AND a.start_time < b.end_time AND b.start_time < a.end_time
WHERE a.status NOT IN ('cancelled', 'no_show') AND a.deleted_at IS NULL
  AND b.status NOT IN ('cancelled', 'no_show') AND b.deleted_at IS NULL
"""

# 400 appointments of two vets at random 15-minute starts over two days, lasting 15 to 120
# minutes, some cancelled or deleted: chains, nested and identical ranges all occur.
RANDOM_CALENDAR = """
INSERT INTO public.appointments
    (tenant_id, pet_id, vet_id, start_time, end_time, duration_minutes, status, deleted_at,
     created_at)
SELECT 'adris', %(pet)s, (%(vets)s::uuid[])[1 + (g %% 2)], s.start, s.start + s.len, s.mins,
       CASE WHEN random() < 0.1 THEN 'cancelled' WHEN random() < 0.05 THEN 'no_show'
            ELSE 'scheduled' END,
       CASE WHEN random() < 0.05 THEN now() END,
       timestamptz '2025-01-01' + (random() * 1000)::int * interval '1 minute'
FROM generate_series(1, 400) g
CROSS JOIN LATERAL (SELECT 15 * (1 + (random() * 7)::int) AS mins) m
CROSS JOIN LATERAL (
    SELECT timestamptz '2031-03-02 08:00Z' + (random() * 190)::int * interval '15 minutes' AS start,
           m.mins * interval '1 minute' AS len, m.mins
) s
"""


def _fill(url: str, seed: float) -> None:
    with psycopg.connect(url) as conn:
        # the original's own trigger would refuse the overlaps this calendar is made of
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("SELECT setseed(%s)", (seed,))
        conn.execute(RANDOM_CALENDAR, {"pet": PET, "vets": list(VETS)})


def test_clusters_find_exactly_the_pairs_of_the_self_join(original_url: str) -> None:
    for seed in (0.1, 0.5):
        _fill(original_url, seed)
    with psycopg.connect(original_url, row_factory=dict_row) as conn:
        found = {(p["first_id"], p["second_id"]) for p in adopt_overlaps.find_overlaps(conn)}
    expected = {(r["first_id"], r["second_id"]) for r in rows(original_url, SELF_JOIN)}
    assert len(expected) > 100
    assert found == expected


def test_resolving_keeps_the_earliest_booked_and_leaves_no_overlap(original_url: str) -> None:
    _fill(original_url, 0.3)
    active_before = rows(
        original_url,
        "SELECT id FROM public.appointments WHERE status NOT IN ('cancelled', 'no_show')"
        " AND deleted_at IS NULL",
    )
    with psycopg.connect(original_url, row_factory=dict_row, autocommit=True) as conn:
        runner.ensure_history(conn)  # schema vete, where the resolution log lives
        cancelled = adopt_checks.resolve(conn, str(uuid.uuid4())).cancelled
    assert rows(original_url, SELF_JOIN) == []
    assert cancelled
    # every cancelled appointment overlapped one that stayed active and was booked first
    for c in cancelled:
        keeper = rows(
            original_url,
            "SELECT k.status, k.created_at < a.created_at OR (k.created_at = a.created_at"
            " AND k.id::text < a.id::text) AS earlier,"
            " k.start_time < a.end_time AND a.start_time < k.end_time AS overlaps"
            " FROM public.appointments a JOIN public.appointments k ON k.id = %s"
            " WHERE a.id = %s",
            c["keeper_id"],
            c["appointment_id"],
        )[0]
        assert keeper == {"status": "scheduled", "earlier": True, "overlaps": True}
    logged = rows(
        original_url,
        "SELECT count(*) AS n FROM vete.adopt_resolutions WHERE kind = 'appointment_cancelled'",
    )[0]["n"]
    assert logged == len(cancelled) < len(active_before)
