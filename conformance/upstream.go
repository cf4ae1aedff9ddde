//go:build tools

// Package conformance replays nodesim traces through the real node
// lifecycle controller. This file is never built: it names the upstream
// packages the replay compiles, so go mod tidy records them.
package conformance

import (
	_ "github.com/google/go-cmp/cmp"
	_ "k8s.io/client-go/testing"
	_ "k8s.io/component-base/featuregate/testing"
	_ "k8s.io/kubernetes/pkg/controller/nodelifecycle"
	_ "k8s.io/kubernetes/pkg/controller/testutil"
	_ "k8s.io/kubernetes/pkg/util/node"
	_ "k8s.io/kubernetes/test/utils/ktesting"
	_ "k8s.io/utils/ptr"
)
