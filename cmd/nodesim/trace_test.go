package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/nodesim/nodesim/model"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run with --trace prints byte-identical JSON to one without, and the
// trace is a header, records, and a closing "end" record.
func TestTraceDoesNotChangeResults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "run.jsonl")
	args := append([]string{"run", "default", "--format", "json", "--set", "apiserver.request-failure-probability=0.2"}, small...)
	plain, stderr, status := cli(t, args...)
	require.Zero(t, status, stderr)
	traced, stderr, status := cli(t, append(args, "--trace", path, "--trace-replication", "3")...)
	require.Zero(t, status, stderr)
	assert.Equal(t, plain, traced)

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var header struct {
		Version     int `json:"nodesim_trace"`
		Replication int `json:"replication"`
		Nodes       int `json:"nodes"`
	}
	require.True(t, sc.Scan())
	require.NoError(t, json.Unmarshal(sc.Bytes(), &header))
	assert.Equal(t, model.TraceVersion, header.Version)
	assert.Equal(t, 3, header.Replication)
	assert.Equal(t, 100, header.Nodes)
	var last string
	lines := 0
	for sc.Scan() {
		last = sc.Text()
		lines++
	}
	assert.Greater(t, lines, 1000)
	assert.True(t, strings.HasPrefix(last, `{"k":"end",`), "last record %q", last)
	tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*"))
	assert.Empty(t, tmp, "temporary files left")
}

// Bad input and interrupted runs leave no trace file (nor the directory
// --trace would have created).
func TestTraceNotWrittenOnFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "traces")
	path := filepath.Join(dir, "run.jsonl")
	_, _, status := cli(t, "run", "default", "--set", "cluster.nodes=0", "--trace", path)
	assert.Equal(t, 2, status)
	assert.NoDirExists(t, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(ctx, &out, &errb, []string{"run", "default", "--quiet", "--trace", path})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "interrupted")
	assert.NoDirExists(t, dir)
}
