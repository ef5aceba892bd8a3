-- Migration 7: a placeholder on the long-tail branch only, so that migration 8
-- (0008-related-links.sql) follows 7 as articled requires (store_migrate.c: one by
-- one).  Number 7 is the settings change's, made on another branch: at the merge
-- this file is replaced by it.  It changes nothing.
SELECT 1;
