package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUProfileWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "default.pgo")
	_, stderr, status := cli(t, append([]string{"run", "default", "--cpuprofile", path}, small...)...)
	require.Zero(t, status, stderr)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(data), 2)
	assert.Equal(t, []byte{0x1f, 0x8b}, data[:2], "a pprof profile is gzipped protobuf")
	tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*"))
	assert.Empty(t, tmp, "temporary files left")
}

func TestCPUProfileNotWrittenOnBadInput(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(notDir, nil, 0o644))
	_, stderr, status := cli(t, append([]string{"run", "default", "--cpuprofile", filepath.Join(notDir, "p.pgo")}, small...)...)
	assert.Equal(t, 2, status)
	assert.Contains(t, stderr, "--cpuprofile "+notDir+": exists and is not a directory")

	path := filepath.Join(dir, "p.pgo")
	_, _, status = cli(t, "run", "default", "--set", "cluster.nodes=0", "--cpuprofile", path)
	assert.Equal(t, 2, status)
	assert.NoFileExists(t, path)
}
