package ingest

import (
	"bufio"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"
)

// FuzzCSVScanner checks the hand-written scanner against encoding/csv: on
// input encoding/csv reads without error, both must give the same records
// starting on the same lines.
func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n1,2,3\n",
		"a,\"b\nc\",d\r\n\r\n\"x\"\"y\",,\n",
		"\"\"\n\"a\",\"\"\"\"\r\n",
		"a,b\r",
		"x\n\n\ny,\"\r\n\"\n",
		"a\rb,c\n",
		"\"a\"b,c\n",
		"a\"b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		type rec struct {
			Fields []string
			Line   int
		}
		var want []rec
		cr := csv.NewReader(strings.NewReader(data))
		cr.FieldsPerRecord = -1
		ok := true
		for {
			fields, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				ok = false
				break
			}
			line, _ := cr.FieldPos(0)
			want = append(want, rec{fields, line})
		}
		sc := newCSVScanner(bufio.NewReaderSize(strings.NewReader(data), 16), ',')
		var got []rec
		for n := 0; n < 1000; n++ {
			r, err := sc.next()
			if err != nil {
				break
			}
			if r.problem != "" {
				if ok {
					t.Fatalf("line %d: problem %q where encoding/csv reads fine", r.line, r.problem)
				}
				continue
			}
			got = append(got, rec{append([]string(nil), r.fields...), r.line})
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("scanner %+v\nencoding/csv %+v", got, want)
		}
	})
}

func TestCSVScannerLongLine(t *testing.T) {
	long := strings.Repeat("x", 200_000)
	data := "a,b\n" + long + ",\"" + long + "\n" + long + "\"\nc,d"
	sc := newCSVScanner(bufio.NewReaderSize(strings.NewReader(data), 16), ',')
	for i, want := range [][]string{{"a", "b"}, {long, long + "\n" + long}, {"c", "d"}} {
		r, err := sc.next()
		if err != nil || r.problem != "" || !reflect.DeepEqual(r.fields, want) {
			t.Fatalf("record %d: %v %q, got %d fields", i, err, r.problem, len(r.fields))
		}
	}
}
