package deploy

import (
	_ "github.com/compose-spec/compose-go/v2/loader"
	_ "github.com/moby/buildkit/frontend/dockerfile/parser"
	_ "github.com/yannh/kubeconform/pkg/validator"
	_ "sigs.k8s.io/kustomize/api/krusty"
	_ "sigs.k8s.io/kustomize/kyaml/openapi"
)
