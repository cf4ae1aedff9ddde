package sim

import (
	"context"
	"sync"
)

// Replicate runs replications 0..n-1 of run on up to workers goroutines and
// returns their results indexed by replication. Each replication must
// depend only on its index (seed its streams from it), so the results, and
// anything merged from them in index order, are identical for any worker
// count. done, if not nil, is called once per finished replication from the
// worker goroutines. On cancellation it returns ctx.Err() and no results.
func Replicate[R any](ctx context.Context, n, workers int, run func(rep int) R, done func(rep int)) ([]R, error) {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	out := make([]R, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := range next {
				out[rep] = run(rep)
				if done != nil {
					done(rep)
				}
			}
		}()
	}
	var err error
feed:
	for rep := 0; rep < n; rep++ {
		select {
		case next <- rep:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
