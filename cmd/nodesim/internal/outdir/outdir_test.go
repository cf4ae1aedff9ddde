package outdir

import (
	"os"
	"path/filepath"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

func TestWriteAllFilesAndNoTemporaries(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "review")
	if err := Write(dir, []File{{"results.json", []byte("{}")}, {"report.md", []byte("# r")}}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 2 || got[0] != "report.md" || got[1] != "results.json" {
		t.Fatalf("files = %v, want exactly report.md and results.json", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	if string(b) != "{}" {
		t.Fatalf("results.json = %q", b)
	}
}

func TestWriteLeavesNothingOnError(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "review")
	err := Write(dir, []File{{"results.json", []byte("{}")}, {"../escape", nil}})
	if err == nil {
		t.Fatal("bad name accepted")
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Fatalf("output directory created on error: %v", statErr)
	}
	// A rename that fails (a directory in the way) removes what was staged.
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "report.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, []File{{"results.json", []byte("{}")}, {"report.md", []byte("x")}}); err == nil {
		t.Fatal("rename over a directory succeeded")
	}
	if got := names(t, dir); len(got) != 1 || got[0] != "report.md" {
		t.Fatalf("left behind %v, want only the pre-existing report.md directory", got)
	}
}

func TestCheckRejectsAFile(t *testing.T) {
	t.Parallel()
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if Check(f) == nil {
		t.Fatal("a regular file accepted as --out")
	}
	if err := Check(filepath.Join(t.TempDir(), "new")); err != nil {
		t.Fatal(err)
	}
}

func TestPendingCommitAndAbort(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	path := filepath.Join(dir, "run.trace")
	p, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write([]byte("line\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("%s visible before Commit: %v", path, err)
	}
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	p.Abort() // after Commit: a no-op
	if b, err := os.ReadFile(path); err != nil || string(b) != "line\n" {
		t.Fatalf("after Commit: %q, %v", b, err)
	}
	if got := names(t, dir); len(got) != 1 {
		t.Fatalf("files = %v, want only run.trace", got)
	}

	// Abort leaves nothing, not even the directory Create made.
	dir = filepath.Join(t.TempDir(), "other")
	p, err = Create(filepath.Join(dir, "run.trace"))
	if err != nil {
		t.Fatal(err)
	}
	p.Write([]byte("partial"))
	p.Abort()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("directory left after Abort: %v", err)
	}
}

func TestCreateRejectsBadPaths(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir); err == nil {
		t.Error("a directory accepted as a file")
	}
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Create(filepath.Join(f, "run.trace")); err == nil {
		t.Error("a path under a regular file accepted")
	}
}
