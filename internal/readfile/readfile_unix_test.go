//go:build unix

package readfile

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRegularRefusesDevicesAndPipes: /dev/zero used to be read until the
// machine ran out of memory (issue 19), and opening a pipe with no writer
// blocks forever.
func TestRegularRefusesDevicesAndPipes(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero": "not a regular file (a character device)",
		fifo:        "not a regular file (a named pipe)",
	} {
		if _, err := Regular(path, 1<<20); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Regular(%s) = %v, want %q", path, err, want)
		}
	}
}
