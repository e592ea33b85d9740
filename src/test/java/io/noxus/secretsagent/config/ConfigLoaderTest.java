package io.noxus.secretsagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    static Path fixture(String name) {
        try {
            return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One fixture per rule; {file} is the fixture's path, {dir} its folder. The whole message is compared. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        bad-unknown-key.yaml            | {file}: mappings[0].colour: unknown key; expected one of allow_process_control, bulk, env, prefix, ref, rotation, scope, transform. Remove it or fix its spelling
        bad-wrong-type.yaml             | {file}: mappings[0].ref: expected a string, found a list
        bad-unknown-scope.yaml          | {file}: mappings[0].scope: unknown scope 'team:x'; expected global, workers, pool:NAME or service:NAME
        bad-unknown-pool.yaml           | {file}: mappings[0].scope: unknown scope 'pool:finance': no configured worker has pool finance
        bad-unknown-backend.yaml        | {file}: mappings[0].ref: unknown backend 'vault'; configured backends: file
        bad-unknown-backend-type.yaml   | {file}: backends.file.type: unknown backend type 'hsm'; expected one of: file, vault, aws-secrets-manager, azure-key-vault
        bad-vault-address.yaml          | {file}: backends.vault.address: expected the server's base URL, like https://vault.example:8200 (no path)
        bad-vault-unknown-auth-method.yaml | {file}: backends.vault.auth.method: unknown auth method 'ldap'; expected one of: token, approle, cert
        bad-vault-token-source.yaml     | {file}: backends.vault.auth: token auth reads the token from token_env or token_file; set exactly one
        bad-vault-kv-version.yaml       | {file}: backends.vault.kv_versions.secret: KV engine version is 1 or 2
        bad-vault-cert-auth-without-client-cert.yaml | {file}: backends.vault.auth.method: cert auth logs in with the TLS client certificate; set client_cert_file and client_key_file on the backend
        bad-vault-concurrent-reads.yaml | {file}: backends.vault.max_concurrent_reads: at most 16; more reads at once shorten a fetch little and load the server like a test would
        bad-azure-concurrent-reads.yaml | {file}: backends.azure.max_concurrent_reads: expected a whole number above zero, found a number
        bad-vault-half-client-cert.yaml | {file}: backends.vault.client_key_file: client_cert_file and client_key_file go together; set both or neither
        bad-vault-missing-secret-id-file.yaml | {file}: backends.vault.auth.secret_id_file: file {dir}/no-such-secret-id does not exist or is not a regular file; create it or fix the path
        bad-azure-inline-secret.yaml    | {file}: backends.azure.client_secret.secret: a client secret never goes in the config file: put it in a file only root can read and name that file in secret_file
        bad-azure-two-credentials.yaml  | {file}: backends.azure: name exactly one credential, not client_secret and managed_identity
        bad-azure-vault-url.yaml        | {file}: backends.azure.vault_url: 'http://noxus.vault.azure.net' is not an https URL without a path (e.g. https://NAME.vault.azure.net)
        bad-azure-arc-client-id.yaml    | {file}: backends.azure.managed_identity.client_id: an Azure Arc machine has only its system-assigned identity, from the Arc agent's endpoint (IDENTITY_ENDPOINT, else http://localhost:40342/metadata/identity/oauth2/token): drop client_id
        bad-azure-arc-key-folder.yaml   | {file}: backends.azure.managed_identity.arc_key_folder: 'tokens' is not an absolute path (the Arc agent's key folder is /var/opt/azcmagent/tokens)
        bad-azure-tenant.yaml           | {file}: backends.azure.client_certificate.tenant_id: 'contoso' is not a tenant id (a GUID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47)
        bad-azure-missing-secret-file.yaml | {file}: backends.azure.client_secret.secret_file: file {dir}/no-such-client-secret does not exist or is not a regular file; create it or fix the path
        bad-duplicate-variable.yaml     | variable API_KEY is mapped twice at the same level for service worker-a: {file}: mappings[1] (pool:a) and {file}: mappings[2] (pool:a); remove one, or give one a narrower scope
        bad-invalid-variable-name.yaml  | {file}: mappings[0].env: 'API-KEY' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)
        bad-process-control-variable.yaml | {file}: mappings[0].env: 'LD_PRELOAD' changes how programs load or run: the dynamic loader reads every LD_* variable (LD_PRELOAD and LD_AUDIT load a library into the program, LD_LIBRARY_PATH chooses where libraries come from). A secret should not set it; if this mapping is meant, add allow_process_control: true to it
        bad-allow-process-control-on-a-data-variable.yaml | {file}: mappings[0].allow_process_control: 'API_KEY' is not a process-control variable; remove allow_process_control
        bad-allow-process-control-on-bulk.yaml | {file}: mappings[0].allow_process_control: a bulk mapping takes its names from the backend and never sets process-control variables; map such a variable on its own with env: and allow_process_control
        bad-process-control-bulk-prefix.yaml | {file}: mappings[0].prefix: every variable named 'LD_...' changes how programs load or run: the dynamic loader reads every LD_* variable (LD_PRELOAD and LD_AUDIT load a library into the program, LD_LIBRARY_PATH chooses where libraries come from). A bulk mapping never sets such names
        bad-missing-secrets-file.yaml   | {file}: backends.file.path: secrets file {dir}/no-such-secrets.yaml does not exist or is not a regular file; create it (mode 0600) or fix the path
        bad-missing-scope.yaml          | {file}: mappings[0].scope: missing required key
        bad-bulk-with-field.yaml        | {file}: mappings[0].bulk: a bulk mapping takes every field of a secret; drop the #field part
        bad-unknown-format.yaml         | {file}: services.backend.output.format: unknown format 'toml'; expected one of systemd, compose, docker, shell, dotenv
        bad-output-outside-roots.yaml   | {file}: services.backend.output.path: /etc/backend.env is outside the configured roots [{dir}/out]; move it or add its folder to roots
        bad-same-output-twice.yaml      | {file}: services.worker-a.output.path: {dir}/out/backend.env is also written by {file}: services.backend.output.path; give each its own file
        bad-action-without-units.yaml   | {file}: services.worker-a.action: action reload needs the systemd units to act on; add units: [...]
        bad-mode-for-others.yaml        | {file}: services.backend.output.mode: mode 0644 gives access to others; secrets may be readable by owner and group only (e.g. "0600" or "0640")
        bad-pool-on-non-worker.yaml     | {file}: services.backend.pool: only services with role worker belong to a pool
        bad-rotation-max-age-zero.yaml  | {file}: rotation.max_age_days: expected a whole number above zero, found a number
        bad-rotation-warn-not-below-max-age.yaml | {file}: rotation.warn_days: warn_days (90) must be less than max_age_days (90), or the secret is due on the day it is set; lower warn_days
        bad-rotation-override-below-default-warn.yaml | {file}: mappings[0].rotation.max_age_days: warn_days (14) must be less than max_age_days (7), or the secret is due on the day it is set; lower warn_days here (the default is 14)
        bad-rotation-unknown-key.yaml   | {file}: mappings[0].rotation.max_age: unknown key; expected one of max_age_days, warn_days. Remove it or fix its spelling
        bad-rotation-negative-warn.yaml | {file}: mappings[0].rotation.warn_days: expected a whole number, zero or more, found a number
        bad-rollback-without-restart.yaml | {file}: services.worker-a.rollback: rollback needs a restart or try-restart action (it restores the previous file when a restarted unit does not come up)
        bad-daemon-unknown-backend.yaml | {file}: daemon.backends.vault: unknown backend 'vault'; configured backends: file
        bad-daemon-backoff.yaml         | {file}: daemon.backoff_max_seconds: must not be below backoff_initial_seconds (10)
        bad-daemon-metrics-not-prom.yaml | {file}: daemon.metrics_textfile: node_exporter's textfile collector reads only files named *.prom; use a path like /var/lib/prometheus/node-exporter/noxus-secrets-agent.prom
        bad-yaml-syntax.yaml            | {file}: not valid YAML near line 13, column 40 (syntax error)
        bad-yaml-anchor.yaml            | {file}: services.backend.output: YAML anchor &shared near line 7, column 13: anchors and aliases are not supported; write the value out in full
        bad-yaml-alias.yaml             | {file}: mappings[1].ref: YAML alias *key near line 10, column 23: anchors and aliases are not supported; write the value out in full
        bad-yaml-merge-key.yaml         | {file}: services.worker-a.<<: YAML alias *defaults near line 9, column 9: anchors and aliases are not supported; write the value out in full
        bad-yaml-nesting.yaml           | {file}: nested deeper than 64 levels near line 4, column 74, the most the agent reads; flatten it
        bad-yaml-second-document.yaml   | {file}: a second YAML document starts near line 11, column 1; a file holds one document: remove the '---' and merge the two, or use two files
        bad-unknown-owner.yaml          | {file}: services.api.output.owner: no such user 'no-such-user-x' on this host; create it or fix the name
        bad-unknown-group.yaml          | {file}: files[0].group: no such group 'no-such-group-x' on this host; create it or fix the name
        bad-root-slash.yaml             | {file}: roots[0]: / is the whole file system; the agent would replace files the host depends on. List a folder of the agent's own instead, like /etc/noxus
        bad-root-system-folder.yaml     | {file}: roots[1]: /etc/systemd is a system folder; the agent would replace files the host depends on. List a folder of the agent's own instead, like /etc/noxus
        bad-root-lib-folder.yaml        | {file}: roots[0]: /lib64 is a system folder; the agent would replace files the host depends on. List a folder of the agent's own instead, like /etc/noxus
        bad-root-under-proc.yaml        | {file}: roots[0]: /proc/sys/kernel is a system folder; the agent would replace files the host depends on. List a folder of the agent's own instead, like /etc/noxus
        bad-state-dir-system-folder.yaml | {file}: state_dir: /var/lib is a system folder; the agent would replace files the host depends on. Use a folder of the agent's own, like /var/lib/noxus-secrets-agent
        bad-output-is-config-file.yaml  | {file}: services.backend.output.path: {file} is the config file; an output must never replace it: choose another path
        bad-output-in-conf-d.yaml       | {file}: services.backend.output.path: {dir}/conf.d/backend.yaml is inside the config's conf.d folder ({dir}/conf.d); outputs may not go there: choose a path outside it
        bad-output-is-secrets-file.yaml | {file}: files[0].path: {dir}/secrets.yaml is the secrets file of backend 'file'; an output must never replace it: choose another path
        bad-output-is-vault-token-file.yaml | {file}: services.backend.output.path: {dir}/vault-token is the token file of backend 'vault'; an output must never replace it: choose another path
        bad-output-in-state-dir.yaml    | {file}: services.backend.output.path: {dir}/out/.state/host.key is inside state_dir ({dir}/out/.state); outputs may not go there: choose a path outside it
        """)
    void rejectsEachBadConfigWithOneLocatedMessage(String name, String expected) {
        Path file = fixture(name);
        String message = expected.replace("{file}", file.toString()).replace("{dir}", file.getParent().toString());
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void everyErrorOfTheServicesAndBackendsIsReportedAtOnceEachWithItsKeyPath(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file)
                .replace("format: systemd}\n  worker-a", "format: nope}\n  worker-a")
                .replace("role: worker\n", "role: janitor\n")
                .replace("{type: file, path: secrets.yaml}", "{type: file, path: secrets.yaml, extra: 1}"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage("3 problems in the config:\n"
                + "  " + file + ": backends.file.extra: unknown key; expected one of path, type. Remove it or fix its "
                + "spelling\n"
                + "  " + file + ": services.backend.output.format: unknown format 'nope'; expected one of systemd, "
                + "compose, docker, shell, dotenv\n"
                + "  " + file + ": services.worker-a.role: unknown role; expected one of frontend, backend, worker, beat");
    }

    @Test
    void mappingsAreCheckedOnlyOnceTheirBackendsAndServicesAreSoNoErrorIsAConsequenceOfAnother(@TempDir Path dir)
            throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file)
                .replace("{type: file, path: secrets.yaml}", "{type: nope}")
                + "  - {env: OTHER, ref: \"file:OTHER\", scope: \"pool:zzz\"}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ": backends.file.type: ")
                .hasMessageNotContaining("pool:zzz").hasMessageNotContaining("problems");
    }

    @Test
    void everyBadMappingIsReportedAtOnce(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file)
                + "  - {env: ONE, ref: \"file:ONE\", scope: \"pool:zzz\"}\n"
                + "  - {env: TWO, ref: \"nowhere:TWO\", scope: global}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith("2 problems in the config:\n  "
                + file + ": mappings[1].scope: ").hasMessageContaining("\n  " + file + ": mappings[2].ref: ");
    }

    @Test
    void loadsTheMinimalConfigWithPathsResolvedAgainstItsFolder() {
        Path file = fixture("good-minimal.yaml");
        AgentConfig config = ConfigLoader.load(file);
        assertThat(config.roots()).containsExactly(file.getParent().resolve("out"));
        assertThat(config.services()).extracting(ServiceSpec::name).containsExactly("backend", "worker-a");
        assertThat(config.services().get(0).output().mode()).isEqualTo(0600);
        assertThat(config.mappings()).singleElement().satisfies(m -> {
            assertThat(m.env()).contains("API_KEY");
            assertThat(m.scope()).isEqualTo(Scope.GLOBAL);
        });
    }

    @Test
    void rotationPolicyDefaultsTo90And14AndAMappingOverridesOnlyTheKeysItSets() {
        assertThat(ConfigLoader.load(fixture("good-minimal.yaml")).mappings()).singleElement()
                .satisfies(m -> assertThat(m.rotation()).isEqualTo(new RotationPolicy(90, 14)));
        AgentConfig config = ConfigLoader.load(fixture("good-rotation.yaml"));
        assertThat(config.rotation()).isEqualTo(new RotationPolicy(60, 7));
        assertThat(config.mappings()).extracting(Mapping::rotation)
                .containsExactly(new RotationPolicy(30, 7), new RotationPolicy(60, 3));
    }

    @Test
    void loadsAProcessControlVariableOnlyWhenItsMappingAllowsIt() {
        AgentConfig config = ConfigLoader.load(fixture("good-allowed-process-control.yaml"));
        assertThat(config.mappings()).singleElement().satisfies(m -> {
            assertThat(m.env()).contains("NODE_OPTIONS");
            assertThat(m.allowProcessControl()).isTrue();
        });
        assertThat(ConfigLoader.load(fixture("good-minimal.yaml")).mappings())
                .allSatisfy(m -> assertThat(m.allowProcessControl()).isFalse());
    }

    @Test
    void refusesAConfigFileThatOthersMayWrite(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": refusing a config file that group or "
                + "others may write (mode 0664); run chmod go-w on it");
    }

    @Test
    void addsServicesAndMappingsFromConfDFragmentsAndRejectsRedefinitions(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/10-beat.yaml"), """
                services:
                  beat: {role: beat, output: {path: out/beat.env, format: shell}}
                mappings:
                  - {env: BEAT_ONLY, ref: "file:API_KEY", scope: "service:beat"}
                """);
        AgentConfig config = ConfigLoader.load(file);
        assertThat(config.services()).extracting(ServiceSpec::name).containsExactly("backend", "worker-a", "beat");
        assertThat(config.mappings()).extracting(m -> m.env().orElseThrow()).containsExactly("API_KEY", "BEAT_ONLY");
        assertThat(config.sources()).hasSize(2);

        Files.writeString(dir.resolve("conf.d/20-again.yaml"), "services:\n  backend: {role: backend, output: "
                + "{path: out/b2.env, format: shell}}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(dir.resolve("conf.d/20-again.yaml")
                + ": services.backend: defined twice (also in an earlier file); keep one definition");
    }

    @Test
    void unitsWithoutAnActionMeanRestartAndNoUnitsMeanNone(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file).replace("format: systemd}\n  worker-a:",
                "format: systemd}\n    units: [noxus-backend.service]\n  worker-a:"));
        AgentConfig config = ConfigLoader.load(file);
        assertThat(config.service("backend").orElseThrow().action().kind()).isEqualTo(ActionSpec.Kind.RESTART);
        assertThat(config.service("worker-a").orElseThrow().action().kind()).isEqualTo(ActionSpec.Kind.NONE);
    }

    @Test
    void maxConcurrentReadsIsReadPerBackendAndDefaultsToFour(@TempDir Path dir) throws IOException {
        Path file = PrivateFiles.write(dir, "config.yaml", "roots: [out]\nbackends:\n"
                + "  vault: {type: vault, address: 'https://vault.example:8200', max_concurrent_reads: 9,"
                + " auth: {method: token, token_env: VAULT_TOKEN}}\n"
                + "  azure: {type: azure-key-vault, vault_url: 'https://noxus.vault.azure.net', managed_identity: {}}\n"
                + "services:\n  backend: {role: backend, output: {path: out/backend.env, format: systemd}}\n");
        AgentConfig config = ConfigLoader.load(file);
        assertThat(((VaultBackendSettings) config.backends().get("vault")).maxConcurrentReads()).isEqualTo(9);
        assertThat(((AzureBackendSettings) config.backends().get("azure")).maxConcurrentReads()).isEqualTo(4);
    }

    @Test
    void refusesAnOutputOverTheAwsSdkSharedCredentialsFileWhenAnAwsBackendIsConfigured(@TempDir Path dir)
            throws IOException {
        Path credentials = Path.of(System.getenv().getOrDefault("AWS_SHARED_CREDENTIALS_FILE",
                System.getProperty("user.home") + "/.aws/credentials")).toAbsolutePath().normalize();
        Path file = dir.resolve("config.yaml");
        PrivateFiles.write(dir, "config.yaml", "roots: [" + credentials.getParent() + "]\nbackends:\n"
                + "  aws: {type: aws-secrets-manager, region: eu-west-1}\nservices:\n  backend:\n    role: backend\n"
                + "    output: {path: " + credentials + ", format: systemd}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, System.getenv())).hasMessage(file
                + ": services.backend.output.path: " + credentials + " is the AWS shared credentials file of backend 'aws'; an output must never replace "
                + "it: choose another path");
    }

    @Test
    void aBillionLaughsConfigFailsFastAtItsFirstAnchor(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        StringBuilder lol = new StringBuilder("roots: [out]\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            lol.append("x").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
        }
        Files.writeString(file, lol);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": x0: YAML anchor &a0 near line 2, "
                + "column 5: anchors and aliases are not supported; write the value out in full");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
    }

    @Test
    void theFirstProblemInTheFileIsReportedWhenThereAreSeveral(@TempDir Path dir) throws IOException {
        // The strict checks and Jackson read one stream of events: a key given twice before an anchor is reported.
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, "roots: [out]\nroots: [other]\nx: &a 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": not valid YAML near line 2, column 6 "
                + "(a key appears twice)");
        Files.writeString(file, "roots: [out]\nx: &a 1\nroots: [other]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": x: YAML anchor &a near line 2, "
                + "column 4: anchors and aliases are not supported; write the value out in full");
    }

    @Test
    void aSecondDocumentIsRefusedEvenWhenTheFirstIsComplete(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file) + "---\nother: &b [1]\n");
        long lines = Files.readAllLines(file).size();
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": a second YAML document starts near "
                + "line " + (lines - 1) + ", column 1; a file holds one document: remove the '---' and merge the two, "
                + "or use two files");
    }

    @Test
    void aConfigOverTheSixtyFourMebibyteBoundIsRefusedNamingTheBound(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(64L * 1024 * 1024 + 1);
        }
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": the file is larger than 64 MiB, the "
                + "most the agent reads; split it into smaller files");
    }

    @Test
    void anOwnerAndGroupThatExistByNameOrNumberAreAccepted(@TempDir Path dir) throws IOException {
        Path file = copy(dir, "good-minimal.yaml");
        Files.writeString(file, Files.readString(file)
                .replace("{path: out/backend.env, format: systemd}", "{path: out/backend.env, format: systemd, "
                        + "owner: root, group: root}")
                .replace("{path: out/worker-a.env, format: systemd}", "{path: out/worker-a.env, format: systemd, "
                        + "owner: \"0\", group: \"0\"}"));
        AgentConfig config = ConfigLoader.load(file);
        assertThat(config.service("backend").orElseThrow().output().owner()).contains("root");
        assertThat(config.service("worker-a").orElseThrow().output().group()).contains("0");
    }

    static Path copy(Path dir, String name) throws IOException {
        Files.copy(fixture("secrets.yaml"), dir.resolve("secrets.yaml"));
        Path file = dir.resolve("config.yaml");
        Files.copy(fixture(name), file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        return file;
    }
}
