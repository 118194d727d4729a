package ingest

import "strings"

// countryCodes are the ISO 3166-1 alpha-2 codes officially assigned today
// (249 codes; ISO 3166 Maintenance Agency). Exceptionally or transitionally
// reserved codes (UK, EU, AN, YU, ...) and user-assigned ones such as XK
// (Kosovo) are not in it.
const countryCodes = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW"

// countryTable maps (first letter, second letter) to the code's canonical
// string, "" when unassigned; indexing avoids a map lookup and an allocation.
var countryTable = func() (t [26 * 26]string) {
	for _, c := range strings.Fields(countryCodes) {
		t[int(c[0]-'A')*26+int(c[1]-'A')] = c
	}
	return t
}()

// countryCode returns the canonical (upper-case) form of an assigned
// ISO 3166-1 alpha-2 code given in either case, and false otherwise.
func countryCode(s string) (string, bool) {
	if len(s) != 2 {
		return "", false
	}
	a, b := upperASCII(s[0]), upperASCII(s[1])
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return "", false
	}
	c := countryTable[int(a-'A')*26+int(b-'A')]
	return c, c != ""
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
