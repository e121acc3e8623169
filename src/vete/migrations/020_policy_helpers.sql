-- 020: three policies read through functions instead of subqueries (issue 15).
-- vete:expect-notice vete 020 policy helpers ready
--
-- Citus refuses a policy whose expression holds a subquery ("Subqueries are not supported
-- in policies on distributed tables"), so appointment_events, store_inventory and
-- store_order_items could not be distributed. Their EXISTS subqueries move into small
-- SQL functions (definitions/identity/policy_helpers.sql): security invoker, STABLE, no
-- SET clause, so on a single node the planner inlines them back into the same query and
-- row-level security still applies to what they read. This migration only lists them in
-- vete.intended_grants, as 019 does; the definitions, applied after it, create them.

INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES
    ('function', 'vete.sees_appointment(text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.product_on_sale(text, uuid)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.sees_order(text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}');
SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 020 policy helpers ready'; END $$;
