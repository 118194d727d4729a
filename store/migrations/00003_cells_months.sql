-- +goose Up
-- cells: every H3 cell at the rollup resolutions that holds a sighting, with its centre, so
-- a bbox selects rollup cells by centre without an H3 extension in the database. Filled by
-- the ingest transaction (store/cells.go), which computes centres with h3-go.
CREATE TABLE cells (
  res  smallint NOT NULL,
  cell bigint   NOT NULL,
  lat  float8   NOT NULL,
  lon  float8   NOT NULL,
  PRIMARY KEY (res, cell)
);
CREATE INDEX cells_res_lat_lon ON cells (res, lat, lon);

-- cell_months: cell_days summed per calendar month (UTC), so long periods read one row per
-- month instead of one per day. Same key otherwise.
CREATE TABLE cell_months (LIKE cell_days INCLUDING ALL);
ALTER TABLE cell_months RENAME COLUMN day TO month;
ALTER TABLE cell_months ADD CHECK (month = date_trunc('month', month)::date);

-- +goose Down
DROP TABLE cell_months;
DROP TABLE cells;
