-- 013: checkout: one transaction that re-prices the cart, checks and decrements stock,
-- creates the order and empties the cart; idempotent by key.
-- vete:expect-notice vete 013 store checkout ready
-- vete:valid-checksum cba30c65812fc396c1cf9750a6668ba91828c28eb7c917fbc8a8f2c31b67046f
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Two locks make it hold under concurrency. The customer's cart row serializes that
-- customer's checkouts, so a retry with the same key finds the first call's order. The
-- inventory rows of the products bought are locked in product-id order (no deadlock
-- between two carts sharing products) before stock is compared, so concurrent checkouts
-- for the last units queue and the losers see what is left; stock_quantity >= 0 on the
-- table is the last line of defence.

DO $$ BEGIN RAISE NOTICE 'vete 013 store checkout ready'; END $$;
