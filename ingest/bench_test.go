package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// benchCSV generates n canonical rows that all validate, with some variety.
func benchCSV(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(strings.Join(benchHeader, ",") + "\n")
	modes := []string{"boat_rubber", "boat_wooden", "truck", "foot", "car"}
	nats := []string{"SY;ER", "AF", "SD;SS;ER", "", "MA"}
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "FRX,ev-%07d,%s,%.5f,%.5f,%d,j-%d,Central Mediterranean,LY,IT,%s,%d,%s,mothership;crypto_payment,%t,B,2,H1\n",
			i, t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), 30+float64(i%1000)/100, 10+float64(i%777)/100,
			100*(i%50), i/4, nats[i%len(nats)], i%60+1, modes[i%len(modes)], i%2 == 0)
	}
	return buf.Bytes()
}

var benchHeader = []string{
	"source", "external_id", "observed_at", "lat", "lon", "location_precision_m", "journey_id", "route_label",
	"origin_country", "destination_country", "nationalities", "persons", "transport_mode", "modus_operandi",
	"facilitator_detected", "source_reliability", "info_credibility", "handling_code",
}

// BenchmarkCSV parses and validates 100k generated canonical rows per
// iteration and reports rows/s.
func BenchmarkCSV(b *testing.B) {
	benchRead(b, benchCSV(b, 100_000), "bench.csv", 100_000)
}

// benchJSON converts the generated CSV rows to NDJSON lines or GeoJSON
// features.
func benchJSON(b *testing.B, n int, geo bool) []byte {
	sc := newCSVScanner(bufio.NewReader(bytes.NewReader(benchCSV(b, n))), ',')
	head, _ := sc.next()
	names := append([]string(nil), head.fields...)
	var buf bytes.Buffer
	if geo {
		buf.WriteString(`{"type":"FeatureCollection","features":[`)
	}
	for i := 0; ; i++ {
		rec, err := sc.next()
		if err != nil {
			break
		}
		obj := map[string]any{}
		var lat, lon json.RawMessage
		for j, v := range rec.fields {
			switch names[j] {
			case "nationalities", "modus_operandi":
				obj[names[j]] = splitList(v, new(box))
			case "lat":
				lat = json.RawMessage(v)
			case "lon":
				lon = json.RawMessage(v)
			default:
				obj[names[j]] = v
			}
		}
		if !geo {
			obj["lat"], obj["lon"] = lat, lon
			line, _ := json.Marshal(obj)
			buf.Write(append(line, '\n'))
			continue
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		f, _ := json.Marshal(map[string]any{"type": "Feature", "properties": obj,
			"geometry": map[string]any{"type": "Point", "coordinates": []json.RawMessage{lon, lat}}})
		buf.Write(f)
	}
	if geo {
		buf.WriteString("]}")
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, data []byte, name string, rows int) {
	opt := Options{Now: func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd, err := Open(bytes.NewReader(data), name, opt)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for ; ; n++ {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rec.Reject != nil {
				b.Fatalf("%v %+v", err, rec.Reject)
			}
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkNDJSON(b *testing.B) {
	benchRead(b, benchJSON(b, 20_000, false), "bench.ndjson", 20_000)
}

func BenchmarkGeoJSON(b *testing.B) {
	benchRead(b, benchJSON(b, 20_000, true), "bench.geojson", 20_000)
}
