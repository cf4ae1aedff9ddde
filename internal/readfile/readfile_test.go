package readfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := Regular(small, 5); err != nil || string(b) != "12345" {
		t.Errorf("Regular(small, 5) = %q, %v", b, err)
	}
	for path, want := range map[string]string{
		dir:                           "not a regular file (a directory)",
		filepath.Join(dir, "missing"): "no such file or directory",
	} {
		if _, err := Regular(path, 1<<20); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Regular(%s) = %v, want %q", path, err, want)
		}
	}
	if _, err := Regular(small, 4); err == nil || err.Error() != "larger than the 4 bytes limit (5 bytes or more)" {
		t.Errorf("over the limit: %v", err)
	}
}

func TestLimited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, more, err := Limited(small, 5); err != nil || more || string(b) != "12345" {
		t.Errorf("Limited(small, 5) = %q, %v, %v", b, more, err)
	}
	if b, more, err := Limited(small, 4); err != nil || !more || b != nil {
		t.Errorf("Limited(small, 4) = %q, %v, %v; want more", b, more, err)
	}
	if _, _, err := Limited(filepath.Join(dir, "missing"), 5); err == nil || err.Error() != "no such file or directory" {
		t.Errorf("missing file: %v, want the bare cause (callers name the file)", err)
	}
}
