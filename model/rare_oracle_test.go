package model

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hangingLease is a noiseless lease-mode cluster (v1.31: grace 40s, 5s
// passes on an exact grid) whose every request hangs past the client
// timeout with probability q. A renewal's sync retries a hung PUT after
// the 10s timeout, so k hangs in a row put its RenewTime 10+10k seconds
// after the previous one; the gridded monitor alarms on gaps over 45s
// for certain from 50s. So a false NotReady follows a renewal exactly when
// its first four PUTs hang: probability q⁴ (theory.md §3.5.4, "4
// consecutive failed or slow renewals"), about 8640·q⁴ per node-day.
func hangingLease(t *testing.T, q float64) *Config {
	c := exactConfig(t, "v1.31", 1000)
	c.Cluster.Zones = 3
	hang, err := NewMixture([]Dist{Const(0), Const(time.Hour)}, []float64{1 - q, q})
	require.NoError(t, err)
	c.APIServer.WriteLatency = hang
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour // only leases refresh the probe
	c.Simulation.Warmup = 10 * time.Minute
	require.NoError(t, c.Validate())
	return c
}

func TestPilotLearnsHangingLease(t *testing.T) {
	c := hangingLease(t, 1e-3)
	res, err := noisePilot(context.Background(), c)
	require.NoError(t, err)
	t.Logf("levels %v reached %v rate %.3g excursions %d work %.1f node-days", res.levels, res.reached, res.rate, res.excursions, res.workDays)
	t.Logf("write mix %v fail %v", res.prop.sites[leaseSites+siteWriteLatency].mix, res.prop.sites[leaseSites+siteWriteFails].fail)
	require.True(t, res.reached)
}

func TestRareHangingLeaseQ4(t *testing.T) {
	const q = 1e-3
	c := hangingLease(t, q)
	e, err := estimateRare(context.Background(), c, rareOptions{target: 0.2, maxWork: 1e6}, 2, nil)
	require.NoError(t, err)
	est, se := e.rate()
	var hb, days float64
	for _, b := range e.batches {
		hb += float64(b.heartbeats)
		days += b.nodeDays
	}
	want := q * q * q * q * hb / days
	t.Logf("%v; closed form %.4g", e, want)
	require.InDelta(t, want, est, 4*se)
}
