-- vete.store_resolve_customer (first in 011).
-- vete:requires identity/session_role
-- vete:requires store/store_error

CREATE OR REPLACE FUNCTION vete.store_resolve_customer(p_tenant_id text, p_customer_id uuid)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    -- Decides whose cart the session may act on. A signed-in user acts on their own cart
    -- in a clinic they belong to (p_customer_id, when given, must be themselves); the
    -- platform (service_role) acts for any member it names. Returns {customer_id} or a
    -- business error; arguments are never trusted beyond that.
    DECLARE
        v_role text := vete.session_role();
        v_uid uuid;
        v_customer uuid;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RETURN vete.store_error('INVALID_INPUT', 'Falta la clínica (p_tenant_id).');
        END IF;
        IF v_role = 'service_role' THEN
            v_customer := p_customer_id;
            IF v_customer IS NULL THEN
                RETURN vete.store_error('INVALID_INPUT', 'Falta el cliente (p_customer_id).');
            END IF;
        ELSIF v_role = 'authenticated' THEN
            v_uid := auth.uid();
            IF v_uid IS NULL OR (p_customer_id IS NOT NULL AND p_customer_id <> v_uid) THEN
                RETURN vete.store_error('UNAUTHORIZED', 'No puede usar el carrito de otra persona.');
            END IF;
            v_customer := v_uid;
        ELSE
            RETURN vete.store_error('UNAUTHORIZED', 'Inicie sesión para usar el carrito.');
        END IF;
        PERFORM 1 FROM public.profiles p
        WHERE p.tenant_id = p_tenant_id AND p.id = v_customer AND p.deleted_at IS NULL;
        IF NOT FOUND THEN
            IF v_role = 'service_role' THEN
                RETURN vete.store_error('CUSTOMER_NOT_FOUND', 'El cliente no pertenece a esta clínica.');
            END IF;
            RETURN vete.store_error('UNAUTHORIZED', 'No pertenece a esta clínica.');
        END IF;
        RETURN jsonb_build_object('customer_id', v_customer);
    END
    $$;

COMMENT ON FUNCTION vete.store_resolve_customer(text, uuid) IS
    'Whose cart the session may use in a clinic: {customer_id}, or UNAUTHORIZED / CUSTOMER_NOT_FOUND / INVALID_INPUT.';

REVOKE ALL ON FUNCTION vete.store_resolve_customer(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_resolve_customer(text, uuid) TO service_role;
