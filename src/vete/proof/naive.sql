-- A deliberately naive implementation, for `vete race --compare naive`: what the race
-- looks like without vete's guards. It lives in a scratch schema (vete_naive_<random>)
-- that the command creates and drops; every name below is resolved through search_path,
-- which the command points at that schema. Never deploy this.

-- name: create_naive#
-- The naive tables and functions: no exclusion constraint, no lock, no row created first.
CREATE TABLE naive_appointments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vet_id uuid NOT NULL,
    start_time timestamptz NOT NULL,
    end_time timestamptz NOT NULL CHECK (end_time > start_time)
);
COMMENT ON TABLE naive_appointments IS
    'vete race --compare naive: appointments with no overlap constraint (scratch, dropped after the run).';

CREATE TABLE naive_carts (
    customer_id uuid PRIMARY KEY,
    items jsonb NOT NULL DEFAULT '[]'::jsonb
);
COMMENT ON TABLE naive_carts IS
    'vete race --compare naive: one cart per customer, as the original platform had (scratch).';

CREATE FUNCTION naive_book(p_vet_id uuid, p_start timestamptz, p_end timestamptz) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
    DECLARE
        v_id bigint;
    BEGIN
        -- Check, then insert: under READ COMMITTED nothing locks an empty time range, so
        -- every concurrent caller can pass the check before any of them inserts.
        IF EXISTS (
            SELECT 1 FROM naive_appointments a
            WHERE a.vet_id = p_vet_id AND a.start_time < p_end AND p_start < a.end_time
        ) THEN
            RETURN jsonb_build_object('success', false, 'error', 'SLOT_UNAVAILABLE');
        END IF;
        -- 1 ms between check and insert makes the window reliable on a fast server (docs/operations.md).
        PERFORM pg_sleep(0.001);
        INSERT INTO naive_appointments (vet_id, start_time, end_time)
        VALUES (p_vet_id, p_start, p_end) RETURNING id INTO v_id;
        RETURN jsonb_build_object('success', true, 'appointment_id', v_id);
    END
    $$;
COMMENT ON FUNCTION naive_book(uuid, timestamptz, timestamptz) IS
    'Check-then-insert booking with no constraint and no lock: double-books under concurrency.';

CREATE FUNCTION naive_merge_cart(p_customer_id uuid, p_new_items jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
    DECLARE
        v_items jsonb;
        v_merged jsonb;
    BEGIN
        -- As the original did: with no cart row yet this locks nothing, so concurrent
        -- first merges all read an empty cart, and the last upsert overwrites the others.
        SELECT c.items INTO v_items FROM naive_carts c WHERE c.customer_id = p_customer_id FOR UPDATE;
        SELECT coalesce(jsonb_agg(m.line ORDER BY m.id, m.type), '[]'::jsonb) INTO v_merged
        FROM (
            SELECT DISTINCT ON (l ->> 'id', l ->> 'type')
                   l ->> 'id' AS id, l ->> 'type' AS type, l AS line
            FROM jsonb_array_elements(coalesce(v_items, '[]'::jsonb) || p_new_items) AS l
            ORDER BY l ->> 'id', l ->> 'type', (l ->> 'quantity')::int DESC
        ) AS m;
        PERFORM pg_sleep(0.001);
        INSERT INTO naive_carts (customer_id, items) VALUES (p_customer_id, v_merged)
        ON CONFLICT (customer_id) DO UPDATE SET items = EXCLUDED.items;
        RETURN jsonb_build_object('success', true, 'items', v_merged,
                                  'item_count', jsonb_array_length(v_merged));
    END
    $$;
COMMENT ON FUNCTION naive_merge_cart(uuid, jsonb) IS
    'The original platform''s cart merge: SELECT FOR UPDATE of a possibly missing row, then an overwriting upsert.';

-- name: book(vet, start, finish)$
SELECT naive_book(p_vet_id => :vet, p_start => :start, p_end => :finish) AS result;

-- name: merge(customer, items)$
SELECT naive_merge_cart(p_customer_id => :customer, p_new_items => :items) AS result;

-- name: overlapping_pairs(vet, since, until)$
-- Pairs of the vet's naive appointments that overlap, among those starting in [since, until).
SELECT count(*) AS pairs
FROM naive_appointments a
JOIN naive_appointments b
  ON b.vet_id = a.vet_id AND a.id < b.id
 AND a.start_time < b.end_time AND b.start_time < a.end_time
WHERE a.vet_id = :vet
  AND a.start_time >= :since AND a.start_time < :until
  AND b.start_time >= :since AND b.start_time < :until;

-- name: cart_lines(customer)
-- The naive cart, line by line.
SELECT l ->> 'id' AS id, l ->> 'type' AS type, (l ->> 'quantity')::int AS quantity
FROM naive_carts c CROSS JOIN LATERAL jsonb_array_elements(c.items) AS l
WHERE c.customer_id = :customer;
