// Package progress shows a progress bar over replications on stderr when
// a person is watching: stderr is a terminal, --quiet is off and the CI
// environment variable is unset.
package progress

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar counts finished replications; the zero value and a nil *Bar do
// nothing, so callers need not check whether one is shown.
type Bar struct {
	bar *progressbar.ProgressBar
	mu  sync.Mutex // ChangeMax and Add from several workers
}

// New returns a bar over total replications, or a silent one.
func New(stderr io.Writer, total int, quiet bool) *Bar {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("CI") != "" {
		return &Bar{}
	}
	return &Bar{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("simulating"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("steps"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)}
}

// Add records one finished replication; safe from several goroutines.
func (b *Bar) Add() { b.Step(1, 0) }

// Step records finished units of work and added ones that the total did
// not foresee (a rare-event estimate plans its work as it goes).
func (b *Bar) Step(finished, added int) {
	if b == nil || b.bar == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if added > 0 {
		b.bar.ChangeMax(b.bar.GetMax() + added)
	}
	if finished > 0 {
		_ = b.bar.Add(finished)
	}
}

// Done clears the bar.
func (b *Bar) Done() {
	if b != nil && b.bar != nil {
		_ = b.bar.Finish()
		_ = b.bar.Clear()
	}
}
