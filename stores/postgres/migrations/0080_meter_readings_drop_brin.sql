-- meter_readings kept a BRIN index on ts from seed 000 after 0050 added a B-tree on ts. The B-tree serves
-- every query the BRIN did (all of them filter a ts range, and rows arrive in time order, so a B-tree range
-- scan reads the heap nearly in order too), and the BRIN cost every insert: readings arrive with a rising
-- ts, so nearly every row widened the last range's summary and wrote WAL for it. Dropping it took
-- PostgreSQL's CPU per stored reading in the ingest benchmark from 9.4-10.3 to 8.6 µs (bench/README.md).
DROP INDEX IF EXISTS meter_readings_ts_brin;
