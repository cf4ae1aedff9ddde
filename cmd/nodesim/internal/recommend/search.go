package recommend

import "context"

// passFunc reports whether candidate i of a grid ordered from riskiest to
// safest meets the budget. It may be called at most once per index.
type passFunc func(ctx context.Context, i int) (bool, error)

// firstPassing returns the smallest index in [0, n) whose candidate
// passes, assuming passing is monotone in the index (common random
// numbers keep the rate so), or -1 when even the safest fails. It tries
// the safest end first, then the riskiest, then bisects: about log2(n)+2
// evaluations.
func firstPassing(ctx context.Context, n int, pass passFunc) (int, error) {
	if n == 0 {
		return -1, nil
	}
	ok, err := pass(ctx, n-1)
	if err != nil || !ok {
		return -1, err
	}
	if n == 1 {
		return 0, nil
	}
	if ok, err = pass(ctx, 0); err != nil || ok {
		return 0, err
	}
	lo, hi := 0, n-1 // lo fails, hi passes
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := pass(ctx, mid)
		if err != nil {
			return -1, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// grid is the candidate values min, min+res, ... up to max (max itself
// included even off the grid), in base units.
func grid(min, max, res float64) []float64 {
	var out []float64
	for i := 0; ; i++ {
		v := min + float64(i)*res
		if v > max*(1+1e-12) {
			break
		}
		out = append(out, v)
	}
	if last := out[len(out)-1]; max-last > res*1e-9 {
		out = append(out, max)
	}
	return out
}
