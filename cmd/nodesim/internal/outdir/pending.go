package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Pending is one output file too large to hold in memory (a --trace),
// streamed into a temporary file beside its final path. Commit renames it
// into place; Abort removes it, so an error or Ctrl-C leaves nothing.
type Pending struct {
	f       *os.File
	path    string
	created string // directory Create made, removed on Abort if empty
	done    bool   // committed, or cleaned up by a failed Commit
}

// Create starts writing path. Its directory is created if needed; path
// must not be a directory.
func Create(path string) (*Pending, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	dir := filepath.Dir(path)
	if err := Check(dir); err != nil {
		return nil, err
	}
	p := &Pending{path: path}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		p.created = dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		p.removeDir()
		return nil, err
	}
	p.f = f
	return p, nil
}

func (p *Pending) Write(b []byte) (int, error) { return p.f.Write(b) }

// Commit syncs the file and renames it to its path.
func (p *Pending) Commit() error {
	p.done = true
	err := p.f.Sync()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(p.f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(p.f.Name(), p.path)
	}
	if err != nil {
		os.Remove(p.f.Name())
		p.removeDir()
	}
	return err
}

// Abort discards the file. It is safe after Commit and on nil.
func (p *Pending) Abort() {
	if p == nil || p.done {
		return
	}
	p.done = true
	p.f.Close()
	os.Remove(p.f.Name())
	p.removeDir()
}

func (p *Pending) removeDir() {
	if p.created != "" {
		os.Remove(p.created) // only succeeds if empty
	}
}
