package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    static final String CONFIG = """
            roots: [out]
            state_dir: out/.state
            backends:
              file: {type: file, path: secrets.yaml}
            services:
              api:
                role: backend
                output: {path: out/api.env, format: systemd}
                units: [noxus-backend.service]
              worker:
                role: worker
                output: {path: out/worker.env, format: compose}
            mappings:
              - {env: DB, ref: "file:db", scope: global}
              - {env: ETL, ref: "file:etl", scope: workers}
            """;

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        config = write("config.yaml", CONFIG);
        write("secrets.yaml", "db: \"pg://one\"\netl: \"pg://etl\"\n");
    }

    private Path write(String name, String text) {
        return PrivateFiles.write(dir, name, text);
    }

    private InProcess.Run run(String... args) {
        return InProcess.run(args);
    }

    @Test
    void detailedExitCodeSaysChangedThenUnchanged() {
        assertThat(run("render", "--no-act", "-c", config.toString(), "--detailed-exitcode").exit()).isEqualTo(2);
        assertThat(run("render", "--no-act", "-c", config.toString(), "--detailed-exitcode").exit()).isEqualTo(0);
        assertThat(run("render", "--no-act", "-c", config.toString()).exit()).isEqualTo(0);
    }

    @Test
    void aDryRunDiffNamesVariablesAndDueUnitsAndWritesNothing() throws IOException {
        run("render", "--no-act", "-c", config.toString());
        write("secrets.yaml", "db: \"pg://two\"\netl: \"pg://etl\"\n");
        InProcess.Run run = run("render", "--no-act", "-c", config.toString(), "--dry-run", "--diff",
                "--detailed-exitcode");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).contains("api", "would be changed", "~DB", "due: restart noxus-backend.service "
                + "(service api)", "2 outputs: 2 would change, 0 failed (dry run)");
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("pg://one");
    }

    @Test
    void jsonOutputCarriesStatusDiffAndActionsForAnsible() throws IOException {
        InProcess.Run run = run("render", "--no-act", "-c", config.toString(), "--output", "json", "--dry-run");
        assertThat(run.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("dry_run").asBoolean()).isTrue();
        assertThat(json.get("changed").asBoolean()).isTrue();
        assertThat(json.get("failed").asBoolean()).isFalse();
        JsonNode api = json.get("outputs").get(0);
        assertThat(api.get("name").asText()).isEqualTo("api");
        assertThat(api.get("status").asText()).isEqualTo("CREATED");
        assertThat(api.get("diff").get("added")).extracting(JsonNode::asText).containsExactly("DB");
        assertThat(json.get("actions").get(0).get("units").get(0).asText()).isEqualTo("noxus-backend.service");
    }

    @Test
    void aBadConfigExitsOneWithOneLocatedLine() throws IOException {
        write("config.yaml", CONFIG.replace("scope: workers", "scope: pool:x"));
        InProcess.Run run = run("render", "--no-act", "-c", config.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + config + ": mappings[1].scope: unknown scope 'pool:x': no "
                + "configured worker has pool x" + System.lineSeparator());
    }

    @Test
    void aMissingSecretExitsOneAndStillWritesTheOutputsThatDoNotNeedIt() throws IOException {
        write("secrets.yaml", "db: \"pg://one\"\n");
        InProcess.Run run = run("render", "--no-act", "-c", config.toString(), "--detailed-exitcode");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("error: file:etl: no key 'etl' in the secrets file " + dir.resolve("secrets.yaml")
                + "; add it or fix the reference");
        assertThat(dir.resolve("out/api.env")).exists();
        assertThat(dir.resolve("out/worker.env")).doesNotExist();
    }

    @Test
    void aReferenceToAKeyMissingFromTheSecretsFileExitsOneNamingKeyAndFile() throws Exception {
        Path fixture = Path.of(getClass().getResource("/config/bad-missing-key-in-secrets-file.yaml").toURI());
        InProcess.Run run = run("render", "-c", fixture.toString(), "--dry-run");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("    error: file:NO_SUCH_KEY: no key 'NO_SUCH_KEY' in the secrets file "
                + fixture.resolveSibling("secrets.yaml") + "; add it or fix the reference");
    }

    @Test
    void anAliasInTheSecretsFileFailsTheRenderInsteadOfWritingTheAnchorName() throws IOException {
        write("secrets.yaml", "db: &pw \"pg://one\"\netl: *pw\n");
        InProcess.Run run = run("render", "--no-act", "-c", config.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("error: file:etl: the secrets file " + dir.resolve("secrets.yaml") + ": db: "
                + "YAML anchor &pw near line 1, column 5: anchors and aliases are not supported; write the value out "
                + "in full").doesNotContain("pg://one");
        assertThat(dir.resolve("out/worker.env")).doesNotExist();
    }

    @Test
    void aSecondDocumentInTheConfigExitsOneNamingItsLine() throws IOException {
        write("config.yaml", CONFIG + "---\nroots: [elsewhere]\n");
        InProcess.Run run = run("check", "-c", config.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + config + ": a second YAML document starts near line 16, column 1; "
                + "a file holds one document: remove the '---' and merge the two, or use two files"
                + System.lineSeparator());
    }

    @Test
    void aWrongOptionExitsOneNotTheChangedCode() {
        InProcess.Run run = run("render", "--no-such-option");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void checkPrintsTheScopeMatrixAndWarnsAboutALooseSecretsFile() throws IOException {
        Files.setPosixFilePermissions(dir.resolve("secrets.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        InProcess.Run run = run("check", "-c", config.toString(), "--backends");
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).contains(
                "VARIABLE  REFERENCE  SCOPE    api  worker",
                "DB        file:db    global   x    x",
                "ETL       file:etl   workers  .    x",
                "warning: " + dir.resolve("secrets.yaml") + ": the secrets file of backend 'file' has mode 0644, so "
                        + "group or others may read or write it; run chmod 600 on it",
                "ok      file:db: ok");
    }

    @Test
    void checkWithBackendsFailsWhenAReferenceIsMissing() throws IOException {
        write("secrets.yaml", "db: \"pg://one\"\n");
        InProcess.Run run = run("check", "-c", config.toString(), "--backends");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED  file:etl: file:etl: no key 'etl'");
    }

    @Test
    void versionNamesTheProgram() {
        assertThat(run("version").out()).startsWith("noxus-secrets-agent ");
    }
}
