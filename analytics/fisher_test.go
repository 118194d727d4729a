package analytics

import "testing"

func TestFisherExact(t *testing.T) {
	cases := []struct {
		name       string
		a, b, c, d int64
		want, tol  float64
	}{
		// Fisher (1935), the lady tasting tea: 3/1/1/3. R's fisher.test(TeaTasting):
		// two-sided p-value = 0.4857 (= 34/70).
		{"tea tasting", 3, 1, 1, 3, 34.0 / 70, 1e-12},
		// Fisher (1962) convictions of like-sex twins, R's ?fisher.test example: one-sided
		// p = 0.0004652; the two-sided p adds the upper tables as probable: 0.0005367.
		{"convictions", 2, 10, 15, 3, 0.0005367, 5e-8},
		// Wikipedia, "Fisher's exact test" (dieting by sex, 1/9/11/3): two-sided p ≈ 0.002759.
		{"dieting", 1, 9, 11, 3, 0.002759, 5e-7},
		{"degenerate margin", 0, 5, 0, 7, 1, 0},
		// Symmetric table: every table is at least as extreme, p = 1.
		{"null", 2, 2, 2, 2, 1, 1e-12},
	}
	for _, c := range cases {
		if got := FisherExact(c.a, c.b, c.c, c.d); !near(got, c.want, c.tol) {
			t.Errorf("%s: got %.7f, want %.7f", c.name, got, c.want)
		}
	}
}
