-- public.resolve_clinic_local_time (first in 004).
-- vete:requires booking/failure
-- vete:requires calendar/clinic_zone

CREATE OR REPLACE FUNCTION public.resolve_clinic_local_time(
    p_tenant_id text, p_local_time timestamp, p_later boolean DEFAULT false
) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    DECLARE
        v_zone text := vete.clinic_zone(p_tenant_id);
        v_candidates timestamptz[];
        v_offset interval;
        v_instant timestamptz;
    BEGIN
        -- A wall-clock time in the clinic becomes zero instants (inside the spring-forward
        -- gap), one, or two (the repeated hour in autumn; p_later picks the second).
        IF v_zone IS NULL THEN
            RETURN vete.failure('TENANT_NOT_FOUND', 'Clínica no encontrada');
        END IF;
        IF p_local_time IS NULL THEN
            RETURN vete.failure('INVALID_TIME', 'Horario inválido');
        END IF;
        -- The zone's offsets a day before and a day after cover any one transition.
        FOREACH v_offset IN ARRAY ARRAY[
            ((p_local_time - interval '1 day') AT TIME ZONE v_zone AT TIME ZONE v_zone)
                - ((p_local_time - interval '1 day') AT TIME ZONE v_zone AT TIME ZONE 'UTC'),
            ((p_local_time + interval '1 day') AT TIME ZONE v_zone AT TIME ZONE v_zone)
                - ((p_local_time + interval '1 day') AT TIME ZONE v_zone AT TIME ZONE 'UTC')
        ] LOOP
            v_instant := (p_local_time - v_offset) AT TIME ZONE 'UTC';
            IF v_instant AT TIME ZONE v_zone = p_local_time
               AND NOT (v_instant = ANY (coalesce(v_candidates, '{}'))) THEN
                v_candidates := array_append(v_candidates, v_instant);
            END IF;
        END LOOP;
        IF v_candidates IS NULL THEN
            RETURN vete.failure('NONEXISTENT_LOCAL_TIME',
                'Esa hora no existe en la clínica (cambio de hora)');
        END IF;
        SELECT CASE WHEN p_later THEN max(c) ELSE min(c) END INTO v_instant FROM unnest(v_candidates) c;
        RETURN jsonb_build_object('success', true, 'instant', v_instant,
                                  'ambiguous', cardinality(v_candidates) > 1);
    END
    $$;

COMMENT ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean) IS
    'The instant of a wall-clock time in the clinic: NONEXISTENT_LOCAL_TIME inside a DST gap; p_later picks the second of a repeated hour.';

REVOKE ALL ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean) TO anon, authenticated, service_role;
