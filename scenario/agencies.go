package scenario

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// agency is an invented reporting source. Codes follow the pattern
// AG-<country or EU/IO/NGO/OSINT>-<unit>; none is a real agency's code.
type agency struct {
	Code        string
	Description string
	reliability weighted // Admiralty source reliability A..F
	credibility weighted // Admiralty information credibility 1..6
	handling    weighted // handling code H0..H3
	zone        *time.Location
	precision   [2]int  // reported location precision range, metres
	unknownPrec float64 // share of reports without a precision
	idPrefix    string
	seq         int // last external id number used
}

// agencyTable lists every agency with its grading habits, as
// code | description | reliability | credibility | handling | UTC offset | precision m.
const agencyTable = `
AG-NE-POL|Niger national police, northern posts|C:5 D:3 B:2|3:4 2:3 4:2|H1:5 H2:4 H3:1|+1|2000-20000
AG-LY-DCIM|Libyan migration detention service|D:5 C:3 E:2|3:4 4:4 2:2|H2:6 H1:3 H3:1|+2|1000-15000
AG-LY-CG|Libyan coast guard|C:4 D:4 E:2|3:4 4:3 2:3|H2:6 H1:3 H3:1|+2|500-5000
AG-IT-CG|Italian coast guard MRCC|A:5 B:5|1:4 2:5 3:1|H1:6 H0:2 H2:2|+1|50-500
AG-IT-POL|Italian police, Sicily|B:7 A:3|2:6 1:2 3:2|H1:6 H2:4|+1|100-2000
AG-MT-AFM|Maltese armed forces maritime squadron|B:7 A:3|2:6 1:3 3:1|H1:5 H2:5|+1|100-1000
AG-EU-AERIAL|EU aerial surveillance pilot|A:6 B:4|1:5 2:5|H2:5 H1:5|+0|50-300
AG-TN-GN|Tunisian national guard|C:5 B:3 D:2|2:4 3:4 4:2|H2:5 H1:5|+1|200-3000
AG-GR-HCG|Greek coast guard|B:6 A:2 C:2|2:6 1:2 3:2|H1:5 H2:5|+2|100-1000
AG-GR-POL|Greek police, border units|B:6 C:4|2:5 3:5|H1:6 H2:4|+2|200-3000
AG-TR-CG|Turkish coast guard|B:6 C:4|2:5 3:5|H1:6 H2:4|+3|100-1000
AG-TR-JAN|Turkish gendarmerie|B:5 C:5|2:4 3:6|H1:5 H2:5|+3|500-5000
AG-NGO-AEGWATCH|Aegean monitoring NGO network|C:6 D:3 B:1|3:5 2:3 4:2|H0:7 H1:3|+2|50-2000
AG-NGO-ALARM|Distress hotline NGO (phone GPS)|C:5 D:4 B:1|3:5 2:3 4:2|H0:6 H1:4|+0|100-10000
AG-MA-GR|Moroccan gendarmerie|C:5 B:3 D:2|3:5 2:3 4:2|H2:6 H1:4|+1|500-5000
AG-ES-SM|Spanish maritime rescue|A:6 B:4|1:5 2:5|H0:3 H1:7|+0|50-500
AG-ES-GC|Spanish civil guard|B:7 A:3|2:6 1:3 3:1|H1:5 H2:5|+1|100-1000
AG-ES-POL|Spanish national police|B:6 C:4|2:6 3:4|H1:6 H2:4|+1|200-3000
AG-SN-MAR|Senegalese navy|C:5 B:4 D:1|2:4 3:5 4:1|H1:5 H2:5|+0|500-5000
AG-MR-GC|Mauritanian coast guard|C:5 D:4 B:1|3:5 4:3 2:2|H2:6 H1:4|+0|1000-10000
AG-FR-PAF|French border police|B:7 C:3|2:6 3:4|H1:6 H2:4|+1|100-2000
AG-FR-PREMAR|French maritime prefecture, Channel|A:5 B:5|1:4 2:6|H1:6 H2:4|+1|50-500
AG-UK-BF|UK border force maritime command|A:6 B:4|1:5 2:5|H1:5 H2:5|+0|50-500
AG-UK-HO|UK reception and processing|B:8 A:2|2:7 1:3|H1:6 H2:4|+0|100-1000
AG-MK-POL|North Macedonian police|C:6 B:4|3:6 2:4|H1:6 H2:4|+1|500-5000
AG-RS-BP|Serbian border police|C:5 B:5|3:5 2:5|H1:6 H2:4|+1|500-5000
AG-HU-POL|Hungarian police, southern border|B:7 C:3|2:6 3:4|H1:5 H2:5|+1|200-2000
AG-CO-MIG|Colombian migration authority|B:5 C:5|2:5 3:5|H0:3 H1:7|-5|500-5000
AG-CO-ARM|Colombian navy, Urabá|B:6 C:4|2:6 3:4|H1:6 H2:4|-5|200-2000
AG-PA-SNF|Panamanian border service|B:5 C:5|2:5 3:5|H1:6 H2:4|-5|500-10000
AG-PA-MIG|Panamanian migration service|B:6 C:4|2:6 3:4|H0:3 H1:7|-5|200-2000
AG-CR-MIG|Costa Rican migration directorate|B:6 C:4|2:6 3:4|H0:3 H1:7|-6|200-2000
AG-NGO-MEDAID|Medical NGO, Darién stations|C:7 B:3|2:4 3:6|H0:8 H1:2|-5|1000-10000
AG-EC-POL|Ecuadorian police|C:6 B:4|3:6 2:4|H1:6 H2:4|-5|500-5000
AG-PE-MIG|Peruvian migration superintendency|C:5 B:5|2:5 3:5|H0:3 H1:7|-5|500-5000
AG-CL-PDI|Chilean investigations police|B:7 C:3|2:6 3:4|H1:6 H2:4|-4|200-3000
AG-ET-POL|Ethiopian federal police|D:5 C:4 E:1|3:5 4:4 5:1|H2:6 H1:4|+3|2000-20000
AG-DJ-CG|Djiboutian coast guard|C:6 D:4|3:6 4:4|H1:5 H2:5|+3|500-5000
AG-YE-CG|Yemeni coast guard|D:5 E:3 C:2|4:5 3:3 5:2|H2:6 H1:4|+3|1000-20000
AG-SA-BG|Saudi border guard|C:5 B:5|2:5 3:5|H2:6 H3:2 H1:2|+3|200-3000
AG-BD-CG|Bangladesh coast guard|C:6 B:4|3:6 2:4|H1:6 H2:4|+6|500-5000
AG-ID-BAK|Indonesian maritime security agency|C:5 B:5|2:5 3:5|H1:6 H2:4|+7|200-3000
AG-ID-POL|Indonesian police, North Sumatra|C:6 B:4|3:6 2:4|H1:6 H2:4|+7|500-5000
AG-MY-MMEA|Malaysian maritime enforcement|B:6 C:4|2:6 3:4|H1:5 H2:5|+8|200-2000
AG-MY-POL|Malaysian police|B:6 C:4|2:6 3:4|H1:6 H2:4|+8|500-3000
AG-IO-DTM|International organisation, displacement tracking|B:6 C:4|2:6 3:4|H0:8 H1:2|+0|5000-25000
AG-OSINT-SM|Open-source social media monitoring|E:5 F:3 D:2|4:4 5:3 6:2 3:1|H0:5 H1:5|+0|5000-50000
`

// newAgencies parses agencyTable; each call returns fresh id counters.
func newAgencies() map[string]*agency {
	out := map[string]*agency{}
	for _, line := range strings.Split(strings.TrimSpace(agencyTable), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 7 {
			panic("agency table: " + line)
		}
		a := &agency{
			Code: f[0], Description: f[1],
			reliability: mustWeighted(f[2]),
			credibility: mustWeighted(f[3]),
			handling:    mustWeighted(f[4]),
			unknownPrec: 0.05,
		}
		hours, err := strconv.Atoi(f[5])
		if err != nil {
			panic("agency table: " + line)
		}
		if hours == 0 {
			a.zone = time.UTC
		} else {
			a.zone = time.FixedZone("", hours*3600)
		}
		lo, hi, _ := strings.Cut(f[6], "-")
		pLo, err1 := strconv.Atoi(lo)
		pHi, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || pLo > pHi {
			panic("agency table: " + line)
		}
		a.precision = [2]int{pLo, pHi}
		a.idPrefix = strings.ReplaceAll(strings.TrimPrefix(f[0], "AG-"), "-", "")
		out[a.Code] = a
	}
	return out
}

// drawPrecision draws a stated precision in metres, -1 for none.
func (a *agency) drawPrecision(rng *rand.Rand) int {
	if rng.Float64() < a.unknownPrec {
		return -1
	}
	return a.precision[0] + rng.IntN(a.precision[1]-a.precision[0]+1)
}

// nextID returns the agency's next external id, e.g. "ITCG-00001234".
func (a *agency) nextID(buf []byte) string {
	a.seq++
	return string(appendID(buf[:0], a.idPrefix, '-', a.seq))
}

func appendID(b []byte, prefix string, sep byte, n int) []byte {
	b = append(b, prefix...)
	b = append(b, sep)
	var digits [8]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, digits[:]...)
}
