package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"runtime/pprof"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
)

// cpuProfile records a CPU profile of the simulation in memory; write puts
// it at path atomically, so a failed or interrupted run leaves no file.
// `make pgo` uses it to refresh cmd/nodesim/default.pgo.
type cpuProfile struct {
	path string
	buf  bytes.Buffer
}

func startCPUProfile(path string) (*cpuProfile, error) {
	p := &cpuProfile{path: path}
	if err := outdir.Check(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("--cpuprofile %w", err)
	}
	if err := pprof.StartCPUProfile(&p.buf); err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return p, nil
}

// stop ends the profile; it is safe on a nil profile.
func (p *cpuProfile) stop() {
	if p != nil {
		pprof.StopCPUProfile()
	}
}

func (p *cpuProfile) write() error {
	if p == nil {
		return nil
	}
	p.stop()
	f := outdir.File{Name: filepath.Base(p.path), Data: p.buf.Bytes()}
	if err := outdir.Write(filepath.Dir(p.path), []outdir.File{f}); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	return nil
}
