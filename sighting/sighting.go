// Package sighting holds the domain record shared by the scenario generator,
// ingest and the store: one geolocated, timestamped report of people on the
// move, and the canonical file layout that carries it.
//
// It is plain data: it imports nothing of the project and does no I/O.
package sighting

import "time"

// Sighting is one report at a place and time, as defined in DESIGN.md's data
// model. Optional text fields are empty when unknown; optional numbers and
// booleans are nil when unknown.
type Sighting struct {
	Source string // agency or dataset code; with ExternalID the natural key
	// Channel is the agency or programme that produced the record, when the dataset (Source)
	// gathers several, e.g. "4Mi" or "IOM Libya" in IOM's Missing Migrants data; empty means
	// the source itself. Coverage analysis reads it: a channel that starts or stops reporting
	// changes what a dataset sees without any change in movement.
	Channel    string
	ExternalID string    // the agency's own id for the report
	ObservedAt time.Time // when it was observed, with the reporter's offset
	Lat        float64   // WGS 84 latitude in degrees, -90..90
	Lon        float64   // WGS 84 longitude in degrees, -180..180

	PrecisionM *int // radius in metres within which the true point lies

	JourneyID          string   // links sightings of one group, vessel or case
	RouteLabel         string   // e.g. "Central Mediterranean"
	OriginCountry      string   // ISO 3166-1 alpha-2
	DestinationCountry string   // ISO 3166-1 alpha-2
	Nationalities      []string // ISO 3166-1 alpha-2 codes

	Persons             *int     // people seen; nil when unknown
	TransportMode       string   // controlled vocabulary (transport_modes)
	ModusOperandi       []string // controlled vocabulary (modus_operandi)
	FacilitatorDetected *bool

	SourceReliability string // Admiralty grade A..F
	InfoCredibility   int    // Admiralty grade 1..6; 0 when unknown
	HandlingCode      string // H0..H3: who may see it

	Attributes map[string]any // agency extras, kept as sent
}

// Columns is the canonical CSV header, in the order routewatch writes it.
// Readers accept the columns in any order.
var Columns = []string{
	"source", "external_id", "observed_at", "lat", "lon", "location_precision_m",
	"journey_id", "route_label", "origin_country", "destination_country", "nationalities",
	"persons", "transport_mode", "modus_operandi", "facilitator_detected",
	"source_reliability", "info_credibility", "handling_code", "channel",
}

// ListSeparator separates the values of list fields (nationalities,
// modus_operandi) inside one CSV field.
const ListSeparator = ";"

// TransportModes is the minimum seeded transport_mode vocabulary.
var TransportModes = []string{
	"foot", "car", "van", "truck", "bus", "train", "air",
	"boat_rubber", "boat_wooden", "boat_metal", "fishing_vessel", "cargo_ship",
}

// ModiOperandi is the minimum seeded modus_operandi vocabulary.
var ModiOperandi = []string{
	"concealment_vehicle", "concealment_cargo", "fraudulent_documents", "visa_abuse",
	"guided_foot_crossing", "mothership", "pushoff_unaccompanied", "online_recruitment",
	"hawala_payment", "crypto_payment",
}

// HandlingCodes are the handling codes from least to most restricted.
var HandlingCodes = []string{"H0", "H1", "H2", "H3"}
