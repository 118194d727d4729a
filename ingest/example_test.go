package ingest_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"routewatch/ingest"
)

func ExampleOpen() {
	const file = "source,external_id,observed_at,lat,lon,transport_mode,nationalities\n" +
		"FRX,1,2024-05-01T10:30:00+02:00,35.5,12.6,Boat Rubber,SY;er\n" +
		"FRX,2,2024-05-01T11:00:00Z,\"12,5\",12.6,boat_rubber,\n"
	rd, err := ingest.Open(strings.NewReader(file), "may.csv", ingest.Options{
		Now: func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) },
	})
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		fmt.Println("refused:", fe.Reason)
		return
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if rec.Reject != nil {
			fmt.Printf("line %d rejected: %s: %s\n", rec.Line, rec.Reject.Code, rec.Reject.Reason)
			continue
		}
		s := rec.Sighting
		fmt.Printf("line %d: %s/%s %s %s %v\n", rec.Line, s.Source, s.ExternalID,
			s.ObservedAt.UTC().Format(time.RFC3339), s.TransportMode, s.Nationalities)
	}
	// Output:
	// line 2: FRX/1 2024-05-01T08:30:00Z boat_rubber [SY ER]
	// line 3 rejected: bad_coordinate: lat "12,5" uses a decimal comma; write decimal degrees with a point (12.5, not 12,5)
}

func ExampleLoadProfile() {
	p, err := ingest.LoadProfile("iom-mmp")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ingest.Profiles())
	fmt.Println(p.Dimensions())
	// Output:
	// [iom-mmp iom-mmp-2026]
	// [incident_type region country_of_incident cause_of_death country_of_origin region_of_origin unsd_region]
}
