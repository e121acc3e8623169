-- Verify 009: every tenant table keeps tenant_id in its keys.
DO $$
DECLARE
    v_problems text;
BEGIN
    SELECT string_agg(format('%s %s: %s', table_name, constraint_name, problem), '; ')
        INTO v_problems FROM vete.tenant_key_violations();
    IF v_problems IS NOT NULL THEN
        RAISE EXCEPTION 'verify 009: %', v_problems;
    END IF;
END
$$;
