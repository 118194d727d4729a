package api_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestOGCDevExplore(t *testing.T) {
	if os.Getenv("OGC_DEV") == "" {
		t.Skip()
	}
	f := newOGCFake(t, 2345)
	srv := newOGCServer(t, f, t.Logf)
	ds := "OAPIF:" + srv.URL + "/ogc"
	for _, args := range [][]string{
		{"ogrinfo", "-ro", "-q", ds, "corridors", "-where", "status = 'new' AND res = 4", "-fid", "5"},
		{"ogrinfo", "-ro", "-so", ds, "corridors", "-where", "status = 'new'"},
		{"ogrinfo", "-ro", "-so", ds, "corridors", "-where", "res = 4"},
		{"ogrinfo", "-ro", "-so", ds, "corridors", "-where", "first_seen >= '2024-06-01'"},
		{"ogrinfo", "-ro", "-so", ds, "corridors", "-where", "first_seen >= '2024-06-01 12:30' AND first_seen <= '2024-07-01'"},
		{"ogrinfo", "-ro", "-q", ds, "cells", "-where", "id = '8206d7fffffffff'"},
		{"ogrinfo", "-ro", "-q", ds, "flows", "-where", "id = '83384bfffffffff-83384dfffffffff'"},
		{"ogrinfo", "-ro", "-so", ds, "cells", "-spat", "170", "-30", "180", "0"},
	} {
		t.Logf("=== %s", strings.Join(args, " "))
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1")
		out, err := cmd.CombinedOutput()
		s := string(out)
		if len(s) > 3000 {
			s = s[:1500] + "\n...\n" + s[len(s)-1500:]
		}
		t.Logf("err=%v\n%s", err, s)
	}
}
