package sim

import "time"

// Time is virtual time: nanoseconds since the start of a run.
type Time int64

// Never is later than any time a run reaches.
const Never Time = 1<<63 - 1

// At converts an offset from the start of the run to a Time.
func At(d time.Duration) Time { return Time(d) }

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns t-u as a duration.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Seconds returns t in seconds since the start of the run.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// String formats t as an offset, e.g. "1m30s".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return time.Duration(t).String()
}
