-- 014: a fast path for the common cart write, and vete.session_role() made inlinable.
-- vete:expect-notice vete 014 store merge fast path ready
-- vete:valid-checksum c79e2a2a147b73fbc9a6a2efa960600ec0238ff811db29cd4ec41a90af2acd20
-- vete:valid-checksum 94df867108d2c1d6d41aa4d34a6ecf23cb20a35ca4653c65fffeb68a94660b32
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- A merge used to cost ~3.5x the server CPU of a plain upsert of the same JSON: the one
-- statement of vete.store_cart_apply that validates, looks up the catalog and folds old
-- and new lines has some forty plan nodes to start on every call (docs/store.md,
-- "Benchmark"). Most writes are the plain case: a cart that exists, product lines that
-- are well formed and on sale, at most one line per id on each side. For those,
-- vete.store_cart_merge_fast does the same fold with a smaller statement and answers
-- exactly what the engine would; for anything else (a new cart, a bad item, a service
-- line, an unavailable product, a repeated line, more than 50 lines) it answers NULL and
-- vete.store_cart_write hands the call to the unchanged engine, which gives the detailed
-- errors and adjustments. tests/store/test_merge_fast_path.py compares the two.

DO $$ BEGIN RAISE NOTICE 'vete 014 store merge fast path ready'; END $$;
