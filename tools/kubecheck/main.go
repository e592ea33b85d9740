// Command kubecheck decodes Kubernetes manifests strictly against the real API definitions, so tests can prove
// that what `noxus-secrets-agent export kubernetes` writes (and what `helm template` renders from it) is exactly
// what the API server would accept, with no field silently dropped.
//
//	kubecheck CRD_DIR FILE...
//
// Each FILE holds one or more YAML documents. Core objects (v1 Secret, ConfigMap, ServiceAccount; apps/v1
// Deployment) are decoded into the k8s.io/api Go types with unknown fields as errors. External Secrets Operator
// objects (external-secrets.io SecretStore, ClusterSecretStore, ExternalSecret) are validated against the
// openAPIV3Schema of ESO's own CRDs in CRD_DIR (config/crds/bases of the pinned ESO module), made strict: every
// object schema that neither lists additionalProperties nor preserves unknown fields gets additionalProperties:
// false, and metadata is decoded into the k8s.io/apimachinery ObjectMeta type with unknown fields as errors.
// Any other kind or version is an error.
//
// Output: one line "ok FILE#N KIND NAME" per document. Exit 1 naming the file, document, kind and the first
// problem when any document fails; exit 2 on usage errors.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type header struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   json.RawMessage `json:"metadata"`
}

// core maps apiVersion/kind to a constructor of the k8s.io/api type it decodes into.
var core = map[string]func() any{
	"v1/Secret":          func() any { return &corev1.Secret{} },
	"v1/ConfigMap":       func() any { return &corev1.ConfigMap{} },
	"v1/ServiceAccount":  func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment": func() any { return &appsv1.Deployment{} },
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: kubecheck CRD_DIR FILE...")
		os.Exit(2)
	}
	schemas, err := loadCRDs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubecheck:", err)
		os.Exit(2)
	}
	failed := false
	for _, file := range os.Args[2:] {
		if err := checkFile(file, schemas); err != nil {
			fmt.Fprintln(os.Stderr, "kubecheck:", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(file string, schemas map[string]*jsonschema.Schema) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	reader := yamlutil.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s#%d: %v", file, n, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return fmt.Errorf("%s#%d: not strict YAML: %v", file, n, err)
		}
		var h header
		if err := json.Unmarshal(js, &h); err != nil {
			return fmt.Errorf("%s#%d: %v", file, n, err)
		}
		id := h.APIVersion + "/" + h.Kind
		if err := checkDoc(id, js, h, schemas); err != nil {
			return fmt.Errorf("%s#%d (%s): %v", file, n, id, err)
		}
		var meta metav1.ObjectMeta
		_ = json.Unmarshal(h.Metadata, &meta)
		fmt.Printf("ok %s#%d %s %s\n", file, n, h.Kind, meta.Name)
	}
}

func checkDoc(id string, js []byte, h header, schemas map[string]*jsonschema.Schema) error {
	if make, ok := core[id]; ok {
		return strictDecode(js, make())
	}
	schema, ok := schemas[id]
	if !ok {
		return fmt.Errorf("unknown apiVersion/kind (known: core v1 Secret, ConfigMap, ServiceAccount, apps/v1 Deployment, and the ESO CRDs)")
	}
	if err := strictDecode(h.Metadata, &metav1.ObjectMeta{}); err != nil {
		return fmt.Errorf("metadata: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return err
	}
	return schema.Validate(inst)
}

func strictDecode(js []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// loadCRDs compiles the served versions of every CRD in dir, keyed "group/version/Kind".
func loadCRDs(dir string) (map[string]*jsonschema.Schema, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no CRD files in %s", dir)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft4)
	type pending struct{ id, url string }
	var todo []pending
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Served bool   `json:"served"`
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(raw, &crd); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			id := crd.Spec.Group + "/" + v.Name + "/" + crd.Spec.Names.Kind
			url := "mem:///" + id + ".json"
			if err := compiler.AddResource(url, strict(v.Schema.OpenAPIV3Schema)); err != nil {
				return nil, err
			}
			todo = append(todo, pending{id, url})
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, p := range todo {
		s, err := compiler.Compile(p.url)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p.id, err)
		}
		out[p.id] = s
	}
	return out, nil
}

// strict rewrites an openAPIV3Schema into JSON schema that rejects unknown fields (the API server would prune
// them silently) and drops the Kubernetes extensions a JSON-schema validator does not know.
func strict(node any) any {
	switch n := node.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, v := range n {
			if strings.HasPrefix(k, "x-kubernetes-") {
				continue
			}
			out[k] = strict(v)
		}
		_, hasAdditional := n["additionalProperties"]
		preserve, _ := n["x-kubernetes-preserve-unknown-fields"].(bool)
		if n["type"] == "object" && !hasAdditional && !preserve && n["properties"] != nil {
			out["additionalProperties"] = false
		}
		if n["x-kubernetes-int-or-string"] == true {
			delete(out, "type")
			out["anyOf"] = []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = strict(v)
		}
		return out
	default:
		return node
	}
}

func stripComments(doc []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}
