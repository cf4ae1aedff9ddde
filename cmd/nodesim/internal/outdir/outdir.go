// Package outdir writes a run's output files into a directory all or
// nothing: every file is staged as a temporary file in the directory and
// renamed into place only once all are written, so an error or Ctrl-C
// never leaves a partial file behind.
package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// File is one output file.
type File struct {
	Name string // base name, e.g. "results.json"
	Data []byte
}

// Check reports whether dir can become an output directory, before any
// work is done: it must be a directory or not exist yet.
func Check(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s: exists and is not a directory", dir)
	}
	return nil
}

// Write creates dir if needed and writes files into it. On error it
// removes what it staged, and dir too if it created it.
func Write(dir string, files []File) (err error) {
	for _, f := range files {
		if f.Name == "" || strings.ContainsAny(f.Name, `/\`) || f.Name == "." || f.Name == ".." {
			return fmt.Errorf("outdir: bad file name %q", f.Name)
		}
	}
	created := false
	if _, statErr := os.Stat(dir); errors.Is(statErr, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var staged []string
	defer func() {
		if err == nil {
			return
		}
		for _, t := range staged {
			os.Remove(t)
		}
		if created {
			os.Remove(dir) // only succeeds if empty
		}
	}()
	for _, f := range files {
		t, err := stage(dir, f)
		if t != "" {
			staged = append(staged, t)
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		final := filepath.Join(dir, f.Name)
		if err := os.Rename(staged[i], final); err != nil {
			for _, g := range files[:i] { // all or nothing: undo this call's renames
				os.Remove(filepath.Join(dir, g.Name))
			}
			return err
		}
	}
	return nil
}

// stage writes f to a temporary file in dir, synced to disk.
func stage(dir string, f File) (string, error) {
	t, err := os.CreateTemp(dir, "."+f.Name+".tmp-*")
	if err != nil {
		return "", err
	}
	_, err = t.Write(f.Data)
	if err == nil {
		err = t.Sync()
	}
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(t.Name(), 0o644)
	}
	return t.Name(), err
}
