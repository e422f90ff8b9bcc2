// Package deploy holds the tests of the packaging files beside it: the
// Dockerfile (docker/), the compose topology (compose/) and the Kubernetes
// manifests (k8s/). It is a module of its own so that the validators it
// uses (compose-go, kustomize, kubeconform, buildkit's Dockerfile parser)
// never enter the services' builds; see docs/adr/0020-packaging.md.
package deploy
