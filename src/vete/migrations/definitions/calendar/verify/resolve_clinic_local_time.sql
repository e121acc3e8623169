-- Verify 004: wall-clock times resolve through the clinic's zone, DST gap included.
DO $$
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-004', 'verify', 'Europe/Madrid');
    IF public.resolve_clinic_local_time('vete-verify-004', '2027-03-28 02:30') ->> 'error'
       IS DISTINCT FROM 'NONEXISTENT_LOCAL_TIME' THEN
        RAISE EXCEPTION 'verify 004: a time inside the spring-forward gap resolved';
    END IF;
    IF (public.resolve_clinic_local_time('vete-verify-004', '2027-03-28 03:30') ->> 'instant')::timestamptz
       <> '2027-03-28 01:30Z' THEN
        RAISE EXCEPTION 'verify 004: 03:30 CEST did not resolve to 01:30 UTC';
    END IF;
    IF (public.resolve_clinic_local_time('vete-verify-004', '2027-10-31 02:30', true) ->> 'instant')::timestamptz
       <> '2027-10-31 01:30Z' THEN
        RAISE EXCEPTION 'verify 004: the second 02:30 of the autumn change is not 01:30 UTC';
    END IF;
END
$$;
