-- 011: the store's internal building blocks: who may touch a cart, catalog lookup, the
-- cart lock and the one merge engine (validation included) every cart write uses.
-- vete:expect-notice vete 011 store cart internals ready
-- vete:valid-checksum 4a99151f77d3bf5c01147c856379c3e255a5d54b2ecd0b992f2063c9d2dccf7b
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- These functions live in schema vete and are not executable by PUBLIC: the public
-- functions (012, 013) check the session's identity first and then call them with the
-- owner's rights. Every one of them answers all-NULL arguments with NULL or a business
-- error, never an exception.

DO $$ BEGIN RAISE NOTICE 'vete 011 store cart internals ready'; END $$;
