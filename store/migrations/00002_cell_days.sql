-- +goose Up
-- cell_days: sightings and persons per (H3 resolution, cell, UTC day, transport mode), per
-- filter dimension, split by handling code (clearance) and source reliability so those
-- filters stay exact. dim: 0 all (value ''), 2 modus_operandi (one row per tag),
-- 3 nationality (one row per code), 4 route_label, 5 source. Because every row carries the
-- transport mode, a mode filter, top modes, and a mode filter combined with one other
-- dimension are all answered here. Unknown values are ''. persons sums known person counts
-- (unknown counts as 0). Maintained by the ingest transaction (store/ingest_commit.go).
CREATE TABLE cell_days (
  res         smallint NOT NULL,
  cell        bigint   NOT NULL,
  day         date     NOT NULL,
  mode        text     NOT NULL,
  dim         smallint NOT NULL,
  value       text     NOT NULL,
  handling    smallint NOT NULL, -- 0..3 for H0..H3
  reliability text     NOT NULL, -- 'A'..'F' or '' when unknown
  sightings   integer  NOT NULL,
  persons     bigint   NOT NULL,
  PRIMARY KEY (res, dim, day, cell, value, mode, handling, reliability)
);

-- +goose Down
DROP TABLE cell_days;
