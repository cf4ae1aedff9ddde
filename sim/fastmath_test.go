package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpMatchesMath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	worst := 0.0
	for i := 0; i < 1_000_000; i++ {
		x := (r.Float64()*2 - 1) * 720
		if i%2 == 0 {
			x = r.NormFloat64() * 3 // where lognormal samplers live
		}
		want := math.Exp(x)
		if want == 0 || math.IsInf(want, 0) {
			continue
		}
		worst = math.Max(worst, math.Abs(Exp(x)-want)/want)
	}
	t.Logf("worst relative error %.2g", worst)
	if worst > 1e-12 {
		t.Fatalf("worst relative error %g", worst)
	}
	for _, x := range []float64{0, 1, -1, 709.5, -745, math.Inf(1), math.Inf(-1)} {
		if got, want := Exp(x), math.Exp(x); got != want && math.Abs(got-want)/want > 1e-12 {
			t.Errorf("Exp(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Error("Exp(NaN)")
	}
}

func TestLogMatchesMath(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	worst := 0.0
	for i := 0; i < 1_000_000; i++ {
		x := math.Exp((r.Float64()*2 - 1) * 700)
		want := math.Log(x)
		err := math.Abs(Log(x) - want)
		if want != 0 {
			err /= math.Abs(want)
		}
		worst = math.Max(worst, err)
	}
	t.Logf("worst relative error %.2g", worst)
	if worst > 1e-12 {
		t.Fatalf("worst relative error %g", worst)
	}
	for _, x := range []float64{1, 2, math.E, 0.5, 1e-300, 1e300} {
		if got, want := Log(x), math.Log(x); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("Log(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{0, -1, math.Inf(1)} {
		if got, want := Log(x), math.Log(x); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("Log(%v) = %v, want %v", x, got, want)
		}
	}
}

var sink float64

func BenchmarkExp(b *testing.B) {
	for _, f := range []struct {
		name string
		fn   func(float64) float64
	}{{"sim", Exp}, {"math", math.Exp}} {
		b.Run(f.name, func(b *testing.B) {
			x := -5.3
			for b.Loop() {
				sink += f.fn(x)
				x += 1e-9
			}
		})
	}
}

func BenchmarkLog(b *testing.B) {
	for _, f := range []struct {
		name string
		fn   func(float64) float64
	}{{"sim", Log}, {"math", math.Log}} {
		b.Run(f.name, func(b *testing.B) {
			x := 10.07
			for b.Loop() {
				sink += f.fn(x)
				x += 1e-9
			}
		})
	}
}
