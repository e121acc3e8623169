-- 012: the public cart functions: merge_cart_atomic (the original's contract plus a
-- policy), get_cart and the edits add / set quantity / remove / clear.
-- vete:expect-notice vete 012 store cart functions ready
-- vete:valid-checksum 3f97814cf188b6cd9d13e76cb86442f89e726803faf6acea76941ee7c2caab55
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- All are SECURITY DEFINER with an explicit search_path, take identity from the session
-- (vete.store_resolve_customer) and serialize on the cart row (vete.store_lock_cart), so
-- concurrent writers from several devices queue instead of overwriting each other.

-- The original's three-argument merge_cart_atomic may exist (a database that ran its
-- migration 090): a named call would then be ambiguous next to the new signature.
-- (A DO block rather than DROP ... IF EXISTS, whose "skipping" NOTICE would be noise
-- among the notices the deployer checks.)
DO $$
BEGIN
    IF to_regprocedure('public.merge_cart_atomic(uuid, text, jsonb)') IS NOT NULL THEN
        DROP FUNCTION public.merge_cart_atomic(uuid, text, jsonb);
    END IF;
END
$$;

DO $$ BEGIN RAISE NOTICE 'vete 012 store cart functions ready'; END $$;
