-- Verify 007: the transition table is consistent, whatever later migrations add to it.
-- (The functions' checks are definitions/lifecycle/verify/cancel_appointment.sql.)
--   * every status of a transition is one the appointments.status CHECK allows, and it
--     stamps a real timestamp column of appointments;
--   * every allowed status is reachable from 'scheduled', and from every status a final one
--     (a status with no way out) is reachable: every appointment can end;
--   * a status that frees the vet's time (not vete.is_active_status: cancelled, no_show) is
--     final, so nothing ever re-activates a freed slot;
--   * nothing moves to itself. (Who may take a transition is the table's own CHECK.)
DO $$
DECLARE
    v_allowed text[];
    v_bad text;
BEGIN
    SELECT array_agg(m[1] ORDER BY m[1]) INTO v_allowed
    FROM pg_constraint c
    CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') m
    WHERE c.conrelid = 'public.appointments'::regclass AND c.contype = 'c'
      AND c.conkey = ARRAY[(SELECT a.attnum FROM pg_attribute a
                            WHERE a.attrelid = 'public.appointments'::regclass
                              AND a.attname = 'status')];
    IF v_allowed IS NULL OR NOT 'scheduled' = ANY (v_allowed) THEN
        RAISE EXCEPTION 'verify 007: no CHECK on appointments.status lists ''scheduled''';
    END IF;

    SELECT string_agg(format('%s -> %s', from_status, to_status), ', ') INTO v_bad
    FROM vete.appointment_status_transitions
    WHERE NOT (from_status = ANY (v_allowed) AND to_status = ANY (v_allowed));
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: transitions with a status appointments.status does not allow: %', v_bad;
    END IF;

    SELECT string_agg(format('%s -> %s', from_status, to_status), ', ') INTO v_bad
    FROM vete.appointment_status_transitions
    WHERE from_status = to_status;
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: transitions to the same status: %', v_bad;
    END IF;

    SELECT string_agg(format('%s -> %s (%s)', t.from_status, t.to_status, t.stamp_column), ', ')
    INTO v_bad
    FROM vete.appointment_status_transitions t
    WHERE t.stamp_column IS NOT NULL AND NOT EXISTS (
        SELECT FROM pg_attribute a
        WHERE a.attrelid = 'public.appointments'::regclass AND a.attname = t.stamp_column
          AND NOT a.attisdropped AND a.atttypid = 'timestamptz'::regtype);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: transitions stamping no timestamptz column of appointments: %', v_bad;
    END IF;

    SELECT string_agg(format('%s -> %s', from_status, to_status), ', ') INTO v_bad
    FROM vete.appointment_status_transitions
    WHERE NOT vete.is_active_status(from_status);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: transitions out of a status that frees the slot: %', v_bad;
    END IF;

    WITH RECURSIVE ends(status) AS (
        SELECT s FROM unnest(v_allowed) s
        WHERE NOT EXISTS (SELECT FROM vete.appointment_status_transitions t WHERE t.from_status = s)
        UNION
        SELECT t.from_status FROM vete.appointment_status_transitions t
        JOIN ends e ON e.status = t.to_status
    )
    SELECT string_agg(s, ', ') INTO v_bad
    FROM unnest(v_allowed) s
    WHERE s NOT IN (SELECT status FROM ends);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: statuses from which no final status is reachable: %', v_bad;
    END IF;

    WITH RECURSIVE reached(status) AS (
        SELECT 'scheduled'::text
        UNION
        SELECT t.to_status FROM vete.appointment_status_transitions t
        JOIN reached r ON r.status = t.from_status
    )
    SELECT string_agg(s, ', ') INTO v_bad
    FROM unnest(v_allowed) s
    WHERE s NOT IN (SELECT status FROM reached);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'verify 007: statuses not reachable from scheduled: %', v_bad;
    END IF;
END
$$;
