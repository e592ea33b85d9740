package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.util.ArrayList;
import java.util.List;
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

    private static String resource(String name) throws IOException {
        try (var in = MainTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private InProcess.Run run(String... args) {
        return InProcess.run(args);
    }

    /** systemctl on this test's host: records each call; a unit is failed while its env file holds "pg://bad". */
    private final List<String> systemctl = new ArrayList<>();

    private InProcess.Run acting(String... args) {
        CommandRunner fake = (argv, timeout) -> {
            systemctl.add(String.join(" ", argv));
            boolean bad = Files.exists(dir.resolve("out/api.env")) && read("out/api.env").contains("pg://bad");
            return new CommandRunner.Result(0, argv.contains("is-active") ? (bad ? "failed" : "active") : "", false);
        };
        return InProcess.run(TestHosts.on(new ManualClock(), fake), args);
    }

    private List<String> acted() {
        return systemctl.stream().filter(c -> !c.contains("is-active")).toList();
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void renderRestartsTheUnitsOfTheServicesWhoseFilesChangedAndNothingWhenNothingDid() {
        assertThat(acting("render", "-c", config.toString()).exit()).isZero();
        assertThat(acted()).containsExactly("systemctl restart noxus-backend.service");
        systemctl.clear();
        write("secrets.yaml", "db: \"pg://one\"\netl: \"pg://etl2\"\n");
        InProcess.Run second = acting("render", "-c", config.toString());
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("worker  " + dir.resolve("out/worker.env"));
        assertThat(acted()).as("the worker has no units; api's file did not change").isEmpty();
    }

    @Test
    void aRestartThatFailsRollsBackAndEveryLaterRenderHoldsTheRejectedContentUntilItChanges() throws IOException {
        write("config.yaml", CONFIG.replace("units: [noxus-backend.service]",
                "units: [noxus-backend.service]\n    rollback: true"));
        assertThat(acting("render", "-c", config.toString()).exit()).isZero();
        write("secrets.yaml", "db: \"pg://bad\"\netl: \"pg://etl\"\n");
        systemctl.clear();

        InProcess.Run rolledBack = acting("render", "-c", config.toString());
        assertThat(rolledBack.exit()).isEqualTo(1);
        assertThat(rolledBack.out()).contains("(service api): rolled back - noxus-backend.service is failed after the "
                + "restart; the previous file was restored and the units are active again");
        assertThat(read("out/api.env")).contains("pg://one");
        assertThat(acted()).containsExactly("systemctl restart noxus-backend.service",
                "systemctl restart noxus-backend.service");

        systemctl.clear();
        InProcess.Run held = acting("render", "-c", config.toString(), "--output", "json");
        assertThat(held.exit()).isEqualTo(1);
        JsonNode api = new ObjectMapper().readTree(held.out()).get("outputs").get(0);
        assertThat(api.get("status").asText()).isEqualTo("HELD");
        assertThat(api.get("errors").get(0).asText()).contains(dir.resolve("out/api.env") + ": held back since ",
                "this content made service api fail after a restart and was rolled back");
        assertThat(read("out/api.env")).contains("pg://one");
        assertThat(acted()).as("held content restarts nothing").isEmpty();
        assertThat(run("status", "-c", config.toString()).out()).startsWith("held back: " + dir.resolve("out/api.env")
                + " since ").contains("(service api failed with it and was rolled back");

        write("secrets.yaml", "db: \"pg://three\"\netl: \"pg://etl\"\n");
        InProcess.Run changedAgain = acting("render", "-c", config.toString());
        assertThat(changedAgain.exit()).isZero();
        assertThat(read("out/api.env")).contains("pg://three");
        assertThat(acted()).containsExactly("systemctl restart noxus-backend.service");
        assertThat(read("out/.state/held.json")).as("the hold ended when the content changed").isEqualTo("{ }");
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
    void aMistypedSubcommandGetsADidYouMeanHint() {
        InProcess.Run run = run("rendr");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: Unmatched argument at index 0: 'rendr'\n"
                + "Did you mean: noxus-secrets-agent render?\n"
                + "see: noxus-secrets-agent --help\n");
    }

    @Test
    void aMistypedOptionGetsADidYouMeanHint() {
        InProcess.Run run = run("render", "--dry-rnu");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Unknown option: '--dry-rnu'", "Possible solutions: --dry-run",
                "see: noxus-secrets-agent render --help");
    }

    @Test
    void helpNamesTheCommandsAndHelpRenderPrintsRendersUsage() {
        InProcess.Run all = run("help");
        assertThat(all.exit()).isZero();
        assertThat(all.out()).contains("Usage: noxus-secrets-agent", "render", "daemon", "status", "help");
        InProcess.Run render = run("help", "render");
        assertThat(render.exit()).isZero();
        assertThat(render.out()).startsWith("Usage: noxus-secrets-agent render").contains("--dry-run", "--diff",
                "Exit status:");
    }

    @Test
    void aRunBuildsOnlyTheCommandItNamesAndTheWholeTreeWhenItNamesNoneOrHelp() {
        assertThat(Main.commandLineFor(TestHosts.quiet(), "--log-level", "debug", "render", "--service", "check")
                .getSubcommands()).containsOnlyKeys("render");
        List<String> all = List.of("render", "daemon", "check", "status", "policy", "export", "version", "help");
        assertThat(Main.commandLineFor(TestHosts.quiet()).getSubcommands().keySet()).containsExactlyElementsOf(all);
        assertThat(Main.commandLineFor(TestHosts.quiet(), "rendr").getSubcommands().keySet())
                .containsExactlyElementsOf(all);
        assertThat(Main.commandLineFor(TestHosts.quiet(), "help", "render").getSubcommands().keySet())
                .containsExactlyElementsOf(all);
        assertThat(Main.commandLine(TestHosts.quiet()).getSubcommands().keySet()).containsExactlyElementsOf(all);
    }

    /* The top command and render are built with picocli's programmatic API (RenderCommand says why); these files
       hold what their annotated models printed, word for word. */
    @Test
    void theBuiltModelsOfTheTopCommandAndRenderPrintTheHelpTheirAnnotationsGave() throws IOException {
        assertThat(run("render", "--help").out()).isEqualTo(resource("cli/render-help.txt"));
        assertThat(run("--help").out()).isEqualTo(resource("cli/top-help.txt"));
    }

    @Test
    void renderTakesEachOptionItsHelpNames() throws IOException {
        InProcess.Run run = run("--log-level", "warn", "render", "-c", config.toString(), "--service", "api",
                "--dry-run", "--diff", "--no-act", "--output", "json",
                "--detailed-exitcode", "--lock-timeout", "5");
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("changed").asBoolean()).isTrue();
        assertThat(run.out()).contains("api.env").doesNotContain("worker.env");
        assertThat(Files.exists(dir.resolve("out/api.env"))).isFalse();
    }

    @Test
    void aSubcommandsHelpIsTheSameWhetherItIsBuiltAloneOrInTheWholeTree() {
        for (String command : List.of("render", "daemon", "check", "status", "policy", "export", "version")) {
            InProcess.Run alone = run(command, "--help");
            assertThat(alone.exit()).isZero();
            InProcess.Run fromHelp = run("help", command);
            assertThat(alone.out()).as(command).isEqualTo(fromHelp.out())
                    .startsWith("Usage: noxus-secrets-agent " + command).contains("--log-level", "Exit status",
                            "Files:");
        }
        assertThat(run("export", "kubernetes", "--help").out()).startsWith("Usage: noxus-secrets-agent export "
                + "kubernetes");
        assertThat(run("--help").out()).contains("render", "daemon", "policy", "version");
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
    void checkWarnsAboutEachExplicitlyAllowedProcessControlVariableAndTheServicesItReaches() {
        write("config.yaml", CONFIG + "  - {env: NODE_OPTIONS, ref: \"file:etl\", scope: workers, "
                + "allow_process_control: true}\n");
        InProcess.Run run = run("check", "-c", config.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).contains("NODE_OPTIONS  file:etl   workers  .    x")
                .anySatisfy(line -> assertThat(line).startsWith("warning: " + config + ": mappings[2]: NODE_OPTIONS "
                        + "changes how programs load or run: Node.js reads it").endsWith(
                        ". Allowed by allow_process_control; it reaches worker"));
        assertThat(run.out()).doesNotContain("mappings[0]: DB");
    }

    @Test
    void checkWarnsWhenAMappingReachesAShellOutputUnderANameTheShellManages() {
        write("config.yaml", CONFIG.replace("format: compose", "format: shell")
                + "  - {env: SHLVL, ref: \"file:etl\", scope: global}\n");
        InProcess.Run run = run("check", "-c", config.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).contains("warning: " + config + ": mappings[2]: SHLVL cannot be written to "
                + dir.resolve("out/worker.env") + " (format shell): bash or dash manage the name SHLVL themselves "
                + "(read-only, recomputed or checked on assignment), so sourcing the file would lose the value or "
                + "print an error; map the secret to another name or use another format for this output");
        assertThat(run.out()).doesNotContain("out/api.env (format");
    }

    @Test
    void checkWithBackendsFailsWhenAReferenceIsMissing() throws IOException {
        write("secrets.yaml", "db: \"pg://one\"\n");
        InProcess.Run run = run("check", "-c", config.toString(), "--backends");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED  file:etl: file:etl: no key 'etl'");
    }

    @Test
    void checkWithBackendsFailsABulkMappingWhoseVariableAnotherMappingGivesAServiceAtTheSameLevel() {
        write("secrets.yaml", "db: \"pg://one\"\netl: \"pg://etl\"\nnodes: {etl: \"pg://other\", openai: \"sk\"}\n");
        write("config.yaml", CONFIG + "  - {bulk: \"file:nodes\", transform: upper, scope: workers}\n");
        InProcess.Run run = run("check", "-c", config.toString(), "--backends");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED  file:nodes: variable ETL is mapped twice at the same level for service "
                + "worker: " + config + ": mappings[1] (workers) and " + config + ": mappings[2] (workers)")
                .contains("ok      file:etl: ok").doesNotContain("pg://");
        write("config.yaml", CONFIG + "  - {bulk: \"file:nodes\", transform: upper, scope: \"service:worker\"}\n");
        assertThat(run("check", "-c", config.toString(), "--backends").exit()).as("a narrower scope wins: no clash")
                .isZero();
    }

    @Test
    void versionNamesTheProgram() {
        assertThat(run("version").out()).startsWith("noxus-secrets-agent ");
    }

    @Test
    void logLevelIsTakenBeforeOrAfterTheSubcommandAndAnUnknownOneIsAUsageError() {
        assertThat(run("--log-level", "debug", "check", "-c", config.toString()).exit()).isZero();
        assertThat(run("check", "--log-level", "warn", "-c", config.toString()).exit()).isZero();
        InProcess.Run bad = run("check", "--log-level", "loud", "-c", config.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown log level 'loud'; use error, warn, info or debug");
    }
}
