-- vete.refuse_event_change, appointment_events_append_only (first in 003).

CREATE OR REPLACE FUNCTION vete.refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
    BEGIN
        RAISE EXCEPTION 'appointment_events is append-only'
            USING ERRCODE = 'insufficient_privilege';
    END
    $$;

COMMENT ON FUNCTION vete.refuse_event_change() IS 'Keeps appointment_events append-only.';

CREATE OR REPLACE TRIGGER appointment_events_append_only
    BEFORE UPDATE OR DELETE ON public.appointment_events
    FOR EACH ROW EXECUTE FUNCTION vete.refuse_event_change();

COMMENT ON TRIGGER appointment_events_append_only ON public.appointment_events IS
    'Refuses UPDATE and DELETE of history rows.';

REVOKE ALL ON FUNCTION vete.refuse_event_change() FROM PUBLIC, anon, authenticated, service_role;
