-- +goose Up
-- The reporting channel of a sighting: the agency or programme that produced the record when
-- its dataset (source) gathers several, e.g. "4Mi" in IOM's Missing Migrants data. NULL
-- means the source itself (every row loaded before this migration, and every row whose
-- channel is its source): readers take coalesce(channel, source). Adding a nullable
-- column rewrites nothing.
ALTER TABLE sightings ADD COLUMN channel text CHECK (channel IS NULL OR length(channel) BETWEEN 1 AND 200);

-- +goose Down
ALTER TABLE sightings DROP COLUMN channel;
