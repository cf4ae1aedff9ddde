package main

import (
	"errors"
	"fmt"

	"github.com/nodesim/nodesim/scenarios"
)

// badInputError is a usage or input mistake: exit status 2.
type badInputError struct{ err error }

func (e *badInputError) Error() string { return e.err.Error() }
func (e *badInputError) Unwrap() error { return e.err }

// badInput marks err as the user's mistake.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &badInputError{err}
}

func badInputf(format string, a ...any) error { return badInput(fmt.Errorf(format, a...)) }

// isBadInput reports whether err, or any error it wraps, is bad input:
// ours or a scenario error.
func isBadInput(err error) bool {
	var bi *badInputError
	var se *scenarios.Error
	return errors.As(err, &bi) || errors.As(err, &se)
}
