# Sourced by the one-shot benchmarks (cds-vault.sh, instructions-ab.sh): the config of a render of N Vault KV v2
# fields secret/bench/s0..s(N-1)#value into one systemd file out/backend.env, mode 0600.
#   vault_render_config FILE N ADDRESS TOKEN_FILE
vault_render_config() {
    local file=$1 n=$2 address=$3 token_file=$4 i
    {
        echo "roots: [out]"
        echo "state_dir: out/.state"
        echo "backends:"
        echo "  vault: {type: vault, address: \"$address\", auth: {method: token, token_file: $token_file}}"
        echo "services:"
        echo "  backend: {role: backend, output: {path: out/backend.env, format: systemd}}"
        echo "mappings:"
        for ((i = 0; i < n; i++)); do echo "  - {env: S$i, ref: \"vault:secret/bench/s$i#value\", scope: global}"; done
    } > "$file"
    chmod 600 "$file"
}
