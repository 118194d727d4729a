-- +goose Up
-- cell_months: sightings and persons per (H3 resolution, cell, UTC calendar month, transport
-- mode, handling code, source reliability). The clearance (handling) and min_reliability
-- filters, a transport-mode filter and each cell's top modes are answered from it exactly;
-- the other filters (modus operandi, nationality, route, source) and periods that are not
-- whole months read the raw table (see docs/ARCHITECTURE.md). Months, not days: at the
-- data densities of a few million sightings a year, day rows barely aggregate and made
-- ingest several times slower. persons sums known person counts (unknown counts as 0).
-- Maintained by the ingest transaction (store/ingest_commit.go).
CREATE TABLE cell_months (
  res         smallint NOT NULL,
  month       date     NOT NULL CHECK (month = date_trunc('month', month)::date),
  cell        bigint   NOT NULL,
  mode        text     NOT NULL, -- '' when unknown
  handling    smallint NOT NULL, -- 0..3 for H0..H3
  reliability text     NOT NULL, -- 'A'..'F' or '' when unknown
  sightings   integer  NOT NULL,
  persons     bigint   NOT NULL,
  PRIMARY KEY (res, month, cell, mode, handling, reliability)
);

-- cells: every H3 cell at resolutions 0..6 that holds a sighting, with its centre, so a bbox
-- selects rollup cells by centre without an H3 extension in the database. Filled by the
-- ingest transaction (store/cells.go), which computes centres with h3-go.
CREATE TABLE cells (
  res  smallint NOT NULL,
  cell bigint   NOT NULL,
  lat  float8   NOT NULL,
  lon  float8   NOT NULL,
  PRIMARY KEY (res, cell)
);
CREATE INDEX cells_res_lat_lon ON cells (res, lat, lon);

-- filter_values: sightings per value of each filter dimension and handling code, for
-- GET /api/v1/vocabulary. Maintained by the ingest transaction.
CREATE TABLE filter_values (
  dim       text     NOT NULL CHECK (dim IN ('mode', 'mo', 'nationality', 'route', 'source')),
  value     text     NOT NULL,
  handling  smallint NOT NULL,
  sightings bigint   NOT NULL,
  persons   bigint   NOT NULL,
  PRIMARY KEY (dim, value, handling)
);

-- +goose Down
DROP TABLE filter_values;
DROP TABLE cells;
DROP TABLE cell_months;
