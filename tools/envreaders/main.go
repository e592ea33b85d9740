// Command envreaders parses an env file with the real parser code of another tool and prints
// what that tool would deliver, so tests can round-trip our env-file writers through it.
//
//	envreaders compose FILE   Docker Compose's `env_file:` loader (compose-go dotenv, default format)
//	envreaders docker FILE    the docker CLI's `docker run --env-file` reader (pkg/kvfile)
//
// Output: one JSON object {"KEY":"value",...} on stdout. Member order: docker = order of first
// occurrence (the value is the last one, as the daemon merges duplicates); compose = sorted by key
// (compose-go returns a Go map, so the file order is lost).
// Exit 1 with the parser's error on stderr when the parser rejects the file; exit 2 on usage errors;
// exit 3 when a key or value is not valid UTF-8 (JSON cannot carry it byte-exactly).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/docker/cli/pkg/kvfile"
)

// Injected is what every variable lookup returns for compose, so any interpolation shows up in the output.
const Injected = "INJECTED"

func main() {
	if len(os.Args) != 3 {
		fail(2, "usage: envreaders <compose|docker> FILE")
	}
	var keys []string
	var vars map[string]string
	var err error
	switch os.Args[1] {
	case "compose":
		keys, vars, err = readCompose(os.Args[2])
	case "docker":
		keys, vars, err = readDocker(os.Args[2])
	default:
		fail(2, "usage: envreaders <compose|docker> FILE (unknown reader "+os.Args[1]+")")
	}
	if err != nil {
		fail(1, err.Error())
	}
	out, err := encodeOrdered(keys, vars)
	if err != nil {
		fail(3, err.Error())
	}
	os.Stdout.Write(out)
}

// readCompose loads FILE as compose-go's WithServicesEnvironmentResolved does for a service's
// env_file entry (types.loadEnvFile -> dotenv.ParseWithFormat with format "" = ".env"), with an
// empty service environment and a lookup that answers every name with Injected.
func readCompose(path string) ([]string, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	lookup := func(string) (string, bool) { return Injected, true }
	if err := dotenv.ParseWithFormat(f, path, vars, lookup, ""); err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, vars, nil
}

// readDocker reads FILE as `docker run --env-file` does (opts.ReadKVEnvStrings -> kvfile.Parse),
// except that the lookup for lines without '=' finds nothing (so those lines yield no variable).
func readDocker(path string) ([]string, map[string]string, error) {
	lines, err := kvfile.Parse(path, func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	vars := map[string]string{}
	for _, line := range lines {
		k, v, _ := strings.Cut(line, "=")
		if _, seen := vars[k]; !seen {
			keys = append(keys, k)
		}
		vars[k] = v
	}
	return keys, vars, nil
}

// encodeOrdered writes a JSON object with members in the given order. encoding/json would
// silently turn invalid UTF-8 into U+FFFD, so that case is refused instead.
func encodeOrdered(keys []string, vars map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if !utf8.ValidString(k) || !utf8.ValidString(vars[k]) {
			return nil, fmt.Errorf("variable %q: key or value is not valid UTF-8; JSON cannot carry it", k)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(vars[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

func fail(code int, msg string) {
	fmt.Fprintln(os.Stderr, "envreaders: "+msg)
	os.Exit(code)
}
