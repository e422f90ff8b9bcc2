package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/yannh/kubeconform/pkg/validator"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomizations are the folders `kubectl apply -k` takes: the base and
// every overlay.
var kustomizations = []string{"k8s/base", "k8s/overlays/dev"}

func kustomize(t *testing.T, dir string) resmap.ResMap {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m
}

// TestKustomizeBuildsValidResources builds each kustomization and
// validates every resource with kubeconform in strict mode against the
// Kubernetes schemas (made offline, k8sschema_test.go).
func TestKustomizeBuildsValidResources(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			m := kustomize(t, dir)
			var kinds []gvk
			for _, r := range m.Resources() {
				k := gvk{r.GetApiVersion(), r.GetKind()}
				if !slices.Contains(kinds, k) {
					kinds = append(kinds, k)
				}
			}
			schemas := t.TempDir()
			writeSchemas(t, schemas, kinds)
			v, err := validator.New([]string{schemaLocation(schemas)}, validator.Opts{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			out, err := m.AsYaml()
			if err != nil {
				t.Fatal(err)
			}
			valid := 0
			for _, res := range v.Validate(dir, io.NopCloser(bytes.NewReader(out))) {
				switch res.Status {
				case validator.Valid:
					valid++
				case validator.Empty:
				default:
					sig, _ := res.Resource.Signature()
					t.Errorf("%s: %+v: status %d: %v", dir, sig, res.Status, res.Err)
					for _, e := range res.ValidationErrors {
						t.Errorf("  %s: %s", e.Path, e.Msg)
					}
				}
			}
			if valid != len(m.Resources()) {
				t.Errorf("%s: %d resources valid out of %d", dir, valid, len(m.Resources()))
			}
		})
	}
}

// The parts of the resources the checks below read.
type (
	object struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Data map[string]string `json:"data"`
		Spec struct {
			Replicas *int `json:"replicas"`
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			// a Service's selector is a plain map
			ServiceSelector map[string]string `json:"-"`
			Template        struct {
				Metadata struct {
					Labels map[string]string `json:"labels"`
				} `json:"metadata"`
				Spec podSpec `json:"spec"`
			} `json:"template"`
			PodSelector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"podSelector"`
			Ingress []struct {
				From []struct {
					PodSelector *struct {
						MatchLabels map[string]string `json:"matchLabels"`
					} `json:"podSelector"`
				} `json:"from"`
			} `json:"ingress"`
			Ports []struct {
				Port       int `json:"port"`
				TargetPort any `json:"targetPort"`
			} `json:"ports"`
		} `json:"spec"`
	}
	podSpec struct {
		SecurityContext struct {
			RunAsNonRoot *bool `json:"runAsNonRoot"`
		} `json:"securityContext"`
		Containers []container `json:"containers"`
		Volumes    []struct {
			Secret *struct {
				SecretName string `json:"secretName"`
			} `json:"secret"`
		} `json:"volumes"`
	}
	container struct {
		Name  string `json:"name"`
		Image string `json:"image"`
		Ports []struct {
			Name          string `json:"name"`
			ContainerPort int    `json:"containerPort"`
		} `json:"ports"`
		Env []struct {
			Name      string `json:"name"`
			Value     string `json:"value"`
			ValueFrom *struct {
				SecretKeyRef    *keyRef `json:"secretKeyRef"`
				ConfigMapKeyRef *keyRef `json:"configMapKeyRef"`
			} `json:"valueFrom"`
		} `json:"env"`
		EnvFrom []struct {
			ConfigMapRef *struct {
				Name string `json:"name"`
			} `json:"configMapRef"`
			SecretRef *struct {
				Name string `json:"name"`
			} `json:"secretRef"`
		} `json:"envFrom"`
		LivenessProbe  *probe `json:"livenessProbe"`
		ReadinessProbe *probe `json:"readinessProbe"`
		Resources      struct {
			Requests map[string]string `json:"requests"`
			Limits   map[string]string `json:"limits"`
		} `json:"resources"`
		SecurityContext struct {
			ReadOnlyRootFilesystem   *bool `json:"readOnlyRootFilesystem"`
			AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
		} `json:"securityContext"`
	}
	keyRef struct{ Name, Key string }
	probe  struct {
		HTTPGet *struct {
			Path string `json:"path"`
			Port any    `json:"port"`
		} `json:"httpGet"`
	}
)

func objects(t *testing.T, m resmap.ResMap) []object {
	t.Helper()
	var out []object
	for _, r := range m.Resources() {
		raw, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(raw)
		var o object
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatalf("%s %s: %v", r.GetKind(), r.GetName(), err)
		}
		if o.Kind == "Service" {
			var s struct {
				Spec struct {
					Selector map[string]string `json:"selector"`
				} `json:"spec"`
			}
			_ = json.Unmarshal(b, &s)
			o.Spec.ServiceSelector = s.Spec.Selector
		}
		out = append(out, o)
	}
	return out
}

// program is the Dockerfile target of a titrepro image ("titrepro/gateway:dev").
func program(image string) string {
	name, ok := strings.CutPrefix(image, "titrepro/")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	return name
}

func matches(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestKubernetesWorkloads: each Deployment runs a titrepro image as
// nonroot on a read-only root, with only variables its program reads,
// probes on /healthz and /readyz, bounded memory, a PodDisruptionBudget
// and a Service; the services admit the gateway only; the Secrets the
// cluster must provide are the ones k8s/README.md lists.
func TestKubernetesWorkloads(t *testing.T) {
	readme, err := os.ReadFile("k8s/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			objs := objects(t, kustomize(t, dir))
			configMaps := map[string]map[string]string{}
			for _, o := range objs {
				if o.Kind == "ConfigMap" {
					configMaps[o.Metadata.Name] = o.Data
				}
			}
			var deployed []string
			for _, d := range objs {
				if d.Kind != "Deployment" {
					continue
				}
				name, pod := d.Metadata.Name, d.Spec.Template.Spec
				if dir == "k8s/base" && (d.Spec.Replicas == nil || *d.Spec.Replicas < 2) {
					t.Errorf("%s: base replicas %v, want 2 or more (one pod lost keeps the service up)", name, d.Spec.Replicas)
				}
				if pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
					t.Errorf("%s: pod securityContext.runAsNonRoot is not true", name)
				}
				for _, v := range pod.Volumes {
					if v.Secret != nil && !strings.Contains(string(readme), "`"+v.Secret.SecretName+"`") {
						t.Errorf("%s: mounts Secret %s, which k8s/README.md does not list", name, v.Secret.SecretName)
					}
				}
				for _, c := range pod.Containers {
					prog := program(c.Image)
					if _, ok := programs[prog]; !ok {
						t.Errorf("%s/%s: image %q is not a titrepro image (titrepro/<Dockerfile target>)", name, c.Name, c.Image)
						continue
					}
					deployed = append(deployed, prog)
					var env []string
					for _, e := range c.Env {
						env = append(env, e.Name)
						if e.ValueFrom == nil {
							continue
						}
						if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
							if _, ok := configMaps[r.Name][r.Key]; !ok {
								t.Errorf("%s: %s from ConfigMap %s key %s, which does not exist", name, e.Name, r.Name, r.Key)
							}
						}
						if r := e.ValueFrom.SecretKeyRef; r != nil && !strings.Contains(string(readme), "`"+r.Name+"`") {
							t.Errorf("%s: %s from Secret %s, which k8s/README.md does not list", name, e.Name, r.Name)
						}
					}
					for _, from := range c.EnvFrom {
						if from.SecretRef != nil {
							t.Errorf("%s: envFrom Secret %s: name each secret variable instead, so that it is checked", name, from.SecretRef.Name)
						}
						if from.ConfigMapRef == nil {
							continue
						}
						data, ok := configMaps[from.ConfigMapRef.Name]
						if !ok {
							t.Errorf("%s: envFrom ConfigMap %s, which does not exist", name, from.ConfigMapRef.Name)
						}
						for k := range data {
							env = append(env, k)
						}
					}
					slices.Sort(env)
					checkProgramEnv(t, dir+" Deployment "+name, prog, env)
					checkServiceSettings(t, dir+" Deployment "+name, prog, envValues(c, configMaps))

					// The probes' port: METRICS_ADDR's for a service, the
					// HTTP address for the gateway.
					wantPort := 9464
					if prog == "gateway" {
						wantPort = 8080
					}
					for _, p := range []struct {
						what, path string
						probe      *probe
					}{{"liveness", "/healthz", c.LivenessProbe}, {"readiness", "/readyz", c.ReadinessProbe}} {
						if p.probe == nil || p.probe.HTTPGet == nil {
							t.Errorf("%s: no HTTP %s probe", name, p.what)
							continue
						}
						if p.probe.HTTPGet.Path != p.path {
							t.Errorf("%s: %s probe on %s, want %s", name, p.what, p.probe.HTTPGet.Path, p.path)
						}
						if port := containerPort(c, p.probe.HTTPGet.Port); port != wantPort {
							t.Errorf("%s: %s probe on port %v (%d), want %d", name, p.what, p.probe.HTTPGet.Port, port, wantPort)
						}
					}
					if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
						t.Errorf("%s: want cpu and memory requests and a memory limit, got %+v", name, c.Resources)
					}
					sc := c.SecurityContext
					if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
						t.Errorf("%s: want readOnlyRootFilesystem true and allowPrivilegeEscalation false", name)
					}
				}

				podLabels := d.Spec.Template.Metadata.Labels
				var pdb, svc, policy bool
				for _, o := range objs {
					switch o.Kind {
					case "PodDisruptionBudget":
						pdb = pdb || matches(o.Spec.Selector.MatchLabels, podLabels)
					case "Service":
						svc = svc || matches(o.Spec.ServiceSelector, podLabels)
					case "NetworkPolicy":
						policy = policy || matches(o.Spec.PodSelector.MatchLabels, podLabels)
					}
				}
				if !pdb || !svc || !policy {
					t.Errorf("%s: PodDisruptionBudget %v, Service %v, NetworkPolicy %v: want all three", name, pdb, svc, policy)
				}
			}
			slices.Sort(deployed)
			if want := []string{"assessment", "candidate", "certification", "gateway", "portfolio"}; !slices.Equal(deployed, want) {
				t.Errorf("deployed programs %v, want %v", deployed, want)
			}
			checkGatewayOnly(t, objs)
			gatewayEnv, grpc, ports := map[string]string{}, map[string]string{}, map[string][]string{}
			for _, o := range objs {
				switch o.Kind {
				case "Deployment":
					for _, c := range o.Spec.Template.Spec.Containers {
						for _, e := range c.Env {
							if o.Metadata.Name == "gateway" {
								gatewayEnv[e.Name] = e.Value
							} else if e.Name == "GRPC_ADDR" {
								grpc[o.Metadata.Name] = e.Value
							}
						}
					}
				case "Service":
					for _, p := range o.Spec.Ports {
						ports[o.Metadata.Name] = append(ports[o.Metadata.Name], fmt.Sprint(p.Port))
					}
				}
			}
			checkGatewayReachesServices(t, dir, gatewayEnv, grpc, ports)
		})
	}
}

// checkGatewayOnly: the gRPC ports of the services admit the gateway's
// pods, and only them.
func checkGatewayOnly(t *testing.T, objs []object) {
	t.Helper()
	var gatewayLabels map[string]string
	for _, o := range objs {
		if o.Kind == "Deployment" && o.Metadata.Name == "gateway" {
			gatewayLabels = o.Spec.Template.Metadata.Labels
		}
	}
	for _, d := range objs {
		if d.Kind != "Deployment" || d.Metadata.Name == "gateway" {
			continue
		}
		for _, p := range objs {
			if p.Kind != "NetworkPolicy" || !matches(p.Spec.PodSelector.MatchLabels, d.Spec.Template.Metadata.Labels) {
				continue
			}
			fromGateway := false
			for _, in := range p.Spec.Ingress {
				for _, f := range in.From {
					if f.PodSelector == nil {
						continue
					}
					if !matches(f.PodSelector.MatchLabels, gatewayLabels) {
						t.Errorf("NetworkPolicy %s admits pods %v into %s: only the gateway should", p.Metadata.Name, f.PodSelector.MatchLabels, d.Metadata.Name)
					}
					fromGateway = true
				}
			}
			if !fromGateway {
				t.Errorf("NetworkPolicy %s: %s does not admit the gateway", p.Metadata.Name, d.Metadata.Name)
			}
		}
	}
}

// containerPort resolves a probe's port, a number or a port name.
func containerPort(c container, port any) int {
	switch p := port.(type) {
	case float64:
		return int(p)
	case string:
		for _, cp := range c.Ports {
			if cp.Name == p {
				return cp.ContainerPort
			}
		}
	}
	return 0
}

// envValues are a container's variables as the kubelet sets them: the
// ConfigMaps of envFrom first, then env (which wins); a Secret's value is
// secretValue.
func envValues(c container, configMaps map[string]map[string]string) map[string]string {
	out := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil {
			for k, v := range configMaps[from.ConfigMapRef.Name] {
				out[k] = v
			}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out[e.Name] = e.Value
		case e.ValueFrom.SecretKeyRef != nil:
			out[e.Name] = secretValue
		case e.ValueFrom.ConfigMapKeyRef != nil:
			out[e.Name] = configMaps[e.ValueFrom.ConfigMapKeyRef.Name][e.ValueFrom.ConfigMapKeyRef.Key]
		}
	}
	return out
}
