// Package results states model.Results in words: the reading of a point,
// its replays and their explanations, and the findings against a
// baseline. The text summary, --format markdown and report.md all take
// their sentences from here, and their figures from internal/human, so
// the same figure never reads two ways.
package results
