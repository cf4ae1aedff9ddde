// Package validate checks nodesim's Kubernetes manifests (../*.yaml):
// each decodes strictly into its upstream API type (k8s.io/api), and the
// fields a sharded run depends on agree with each other and with nodesim.
// It is a module of its own so that nodesim's go.mod never gains the
// Kubernetes API; make test runs it (make deploy-check).
package validate
