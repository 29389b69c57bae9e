-- "Newest readings across plants" (/api/meter-readings/recent, the dashboard's tables) read the newest
-- rows first. BRIN alone made that a sort of every row in the window: 18 requests/s with 140,000 rows
-- (bench/README.md). Readings arrive in time order, so this B-tree grows at its right edge and costs an
-- insert little; BRIN stays for wide time-range scans.
CREATE INDEX meter_readings_ts ON meter_readings (ts);
