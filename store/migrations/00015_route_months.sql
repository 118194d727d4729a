-- +goose Up
-- route_months: sightings per UTC month, route label ('' when none), reporting channel
-- (coalesce(channel, source)), destination country ('' when unknown) and handling code,
-- with the first and last observation. The analytics jobs read from it which route labels a
-- period holds and where they lead (store.RouteLabels) and which channels reported in it
-- (store.ActiveChannels), which otherwise scan every raw sighting of the period (12 s of a
-- 33 s modus-operandi run at 10M sightings). A few thousand rows; maintained by the ingest
-- transaction (store/ingest_commit.go).
CREATE TABLE route_months (
  month       date        NOT NULL CHECK (month = date_trunc('month', month)::date),
  route_label text        NOT NULL,
  channel     text        NOT NULL,
  destination text        NOT NULL,
  handling    smallint    NOT NULL,
  sightings   integer     NOT NULL,
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  PRIMARY KEY (month, route_label, channel, destination, handling)
);

INSERT INTO route_months
SELECT date_trunc('month', observed_at AT TIME ZONE 'UTC')::date, coalesce(route_label, ''),
       coalesce(channel, source), coalesce(destination_country, ''), substr(handling_code, 2)::smallint,
       count(*), min(observed_at), max(observed_at)
FROM sightings GROUP BY 1, 2, 3, 4, 5;

-- +goose Down
DROP TABLE route_months;
