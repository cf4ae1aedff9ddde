package main

import "github.com/nodesim/nodesim/scenarios"

// openBase opens the scenario that calibrate and import edit (--scenario:
// a built-in NAME or a TOML FILE) and loads it as it stands; errors are
// bad input.
func openBase(base string) (*scenarios.Text, *scenarios.Scenario, error) {
	text, err := scenarios.Open(base)
	if err != nil {
		return nil, nil, badInput(err)
	}
	sc, err := text.Load(nil)
	if err != nil {
		return nil, nil, badInput(err)
	}
	return text, sc, nil
}
