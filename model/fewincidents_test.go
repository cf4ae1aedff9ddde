package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A crude figure cannot speak for incidents it saw fewer than
// minIncidents of: it says so, with how many were expected, and says
// nothing of specs seen often enough or replayed.
func TestFewIncidentsWarned(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	c.Simulation.Duration, c.Simulation.Replications = 24*time.Hour, 2
	c.APIServer.Incidents = []Incident{
		{Name: "rare", Every: Const(72 * time.Hour), Lasts: Const(time.Second), Effect: Unavailable},
		{Name: "often", Every: Const(time.Hour), Lasts: Const(time.Second), Effect: Unavailable},
	}
	require.NoError(t, c.Validate())
	m := &Replication{incidents: []int64{0, minIncidents}}
	w := fewIncidents(c, m)
	require.Len(t, w, 1)
	assert.Contains(t, w[0], "rare: 0 incidents after warmup (about 0.67 expected in 2 simulated days)")
	assert.Contains(t, w[0], "not in the figures at all; simulate longer, or --method rare conditions on them")
	c.APIServer.EtcdWriteCapacity = 1000 // the load model: the rare method refuses it
	assert.NotContains(t, fewIncidents(c, m)[0], "--method rare")
	c.APIServer.EtcdWriteCapacity = 0
	m.incidents[0] = 3
	assert.Contains(t, fewIncidents(c, m)[0], "rest on 3 of them")
	m.incidents[1] = minIncidents - 1
	assert.Len(t, fewIncidents(c, m), 2)
}
