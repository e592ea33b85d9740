package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way {@code export kubernetes} refuses a config, run in-process as the launcher would: exit 1, one exact
 * message naming the config key and what to do, nothing written, and no secret value printed. The structural errors
 * (service names, chart keys, file names) run in plain mode over a file backend, where the values are read, so a
 * message that quoted one would fail the test.
 */
class ExportKubernetesErrorsTest {
    static final String CANARY = "CANARY5e1d";
    static final String VAULT = """
            roots: [out]
            state_dir: state
            backends:
              vault:
                type: vault
                address: http://127.0.0.1:1
                kv_versions: {secret: 2, legacy: 1}
                auth: {method: token, token_file: vault.token}
              aws: {type: aws-secrets-manager}
            services:
              api: {role: backend, output: {path: out/api.env, format: systemd}}
            mappings:
            """;
    static final String PLAIN = """
            roots: [out]
            state_dir: state
            backends:
              file: {type: file, path: secrets.yaml}
            mappings:
              - {env: DB, ref: "file:db", scope: global}
            """;

    @TempDir
    Path dir;

    private InProcess.Run export(String config, String... extra) {
        PrivateFiles.write(dir, "vault.token", "s.not-used");
        PrivateFiles.write(dir, "secrets.yaml", "db: \"" + CANARY + "\"\nca: \"" + CANARY + "\"\n");
        Path file = PrivateFiles.write(dir, "config.yaml", config);
        String[] args = new String[6 + extra.length];
        System.arraycopy(new String[] {"export", "kubernetes", "-c", file.toString(), "--output-dir",
                dir.resolve("k8s").toString()}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        InProcess.Run run = InProcess.runHiding(CANARY, TestHosts.quiet(), args);
        assertThat(run.exit()).as(run.all()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("k8s")).as("nothing is written when the export is refused").doesNotExist();
        return run;
    }

    private Path config() {
        return dir.resolve("config.yaml");
    }

    private String error(String message) {
        return "error: " + message + "\n";
    }

    @Test
    void aVaultReferenceOutsideEveryListedKvMountNamesKvVersionsAndTheMountToAdd() {
        InProcess.Run run = export(VAULT + "  - {env: DB, ref: \"vault:other/noxus/app#db\", scope: global}\n");
        assertThat(run.err()).isEqualTo(error("backends.vault.kv_versions: export needs the KV mount and version of vault:other/noxus/app#db (ESO "
                + "cannot detect them); add its mount, e.g. kv_versions: {other: 2}"));
    }

    @Test
    void anAwsBackendWithoutRegionNamesItsRegionKey() {
        InProcess.Run run = export(VAULT + "  - {env: DB, ref: \"aws:noxus/app#db\", scope: global}\n");
        assertThat(run.err()).isEqualTo(error("backends.aws.region: export needs the region (ESO has no region chain); set it"));
    }

    @Test
    void aVersionPinOnAKvV1MountNamesThatMountsKvVersion() {
        InProcess.Run run = export(VAULT + "  - {env: DB, ref: \"vault:legacy/noxus/app?version=3#db\", scope: global}\n");
        assertThat(run.err()).isEqualTo(error("vault:legacy/noxus/app?version=3#db: a version pin needs KV version 2, and "
                + "backends.vault.kv_versions.legacy is 1; remove ?version=3, or set it to 2 if that mount is KV version 2"));
    }

    @Test
    void aServiceNameKubernetesRejectsNamesTheServiceToRename() {
        InProcess.Run run = export(PLAIN.replace("mappings:", """
                services:
                  worker_finance: {role: worker, output: {path: out/w.env, format: systemd}}
                mappings:"""), "--plain-secrets-with-values");
        assertThat(run.err()).isEqualTo(error("services.worker_finance: not usable as a Kubernetes name (lower-case letters, digits and '-', at "
                + "most 42 characters, starting and ending alphanumeric); rename the service"));
    }

    @Test
    void twoServicesOnOneChartKeyNameBothAndSayToExportThemSeparately() {
        InProcess.Run run = export(PLAIN.replace("mappings:", """
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}}
                  api-canary: {role: backend, output: {path: out/api-canary.env, format: systemd}}
                mappings:"""), "--plain-secrets-with-values");
        assertThat(run.err()).isEqualTo(error("services.api-canary and services.api both become the chart's backend; export them one at a time "
                + "with --service"));
    }

    @Test
    void twoFilesOfOneNameInOneWorkloadNameBothEntries() {
        InProcess.Run run = export(PLAIN.replace("mappings:", """
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}}
                files:
                  - {path: out/a/ca.pem, ref: "file:ca", scope: global}
                  - {path: out/b/ca.pem, ref: "file:ca", scope: "service:api"}
                mappings:"""), "--plain-secrets-with-values");
        assertThat(run.err()).isEqualTo(error(config() + ": files[1]: file name ca.pem is also used by " + config() + ": files[0] for service api; a "
                + "Secret key is the file name, so give the files different names"));
    }
}
