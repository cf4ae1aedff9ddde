package scenarios

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/model"
)

// dead-connection: lasts defaults to the HTTP/2 health check (45s),
// target to the kubelets, fraction to all of them.
func TestDeadConnectionExample(t *testing.T) {
	t.Parallel()
	s, err := Load("testdata/dead-connection.toml", nil)
	require.NoError(t, err)
	incs := s.Base.APIServer.Incidents
	require.Len(t, incs, 2)
	assert.Equal(t, model.DeadConnection, incs[0].Effect)
	assert.Equal(t, model.TargetKubelets, incs[0].Target)
	assert.Equal(t, 0.2, incs[0].Fraction)
	assert.Equal(t, model.Const(45*time.Second), incs[0].Lasts)
	assert.Equal(t, model.TargetControllerWatch, incs[1].Target)
	assert.Equal(t, 1.0, incs[1].Fraction)

	s, err = Load("default", []string{`apiserver.incident=[{every="1h", effect="dead-connection", lasts="1m"}]`})
	if err != nil {
		t.Skipf("--set of an incident array not supported: %v", err)
	}
	in := s.Base.APIServer.Incidents[0]
	assert.Equal(t, model.TargetKubelets, in.Target)
	assert.Equal(t, 1.0, in.Fraction)
	assert.Equal(t, 60.0, in.Lasts.A, "lasts overrides the health check")
}
