package io.noxus.secretsagent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.noxus.secretsagent.engine.OutputResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderEngineTest {
    static final String SECRETS = """
            platform: {database_url: "pg://global", redis_url: "redis://global"}
            backend_db: "pg://backend-only"
            etl: "pg://etl"
            bank: "bank-key"
            nodes: {weather: "w-key", search: "s-key"}
            pem: "-----BEGIN KEY-----\\nAAAA\\n-----END KEY-----\\n"
            """;
    static final String MAPPINGS = """
            mappings:
              - {env: DATABASE_URL, ref: "file:platform#database_url", scope: global}
              - {env: REDIS_URL, ref: "file:platform#redis_url", scope: global}
              - {env: DATABASE_URL, ref: "file:backend_db", scope: "service:backend"}
              - {env: ETL_DATABASE_URL, ref: "file:etl", scope: workers}
              - {env: BANKING_API_KEY, ref: "file:bank", scope: "pool:finance"}
              - {bulk: "file:nodes", prefix: NODE_, transform: upper, scope: workers}
            files:
              - {path: out/keys/signing.pem, ref: "file:pem", scope: "service:backend"}
            """;

    @TempDir
    Path dir;
    TestInstall install;

    @BeforeEach
    void setUp() {
        install = new TestInstall(dir).config(TestInstall.SERVICES + MAPPINGS).secrets(SECRETS);
    }

    @Test
    void eachServiceReceivesExactlyWhatItsScopeAllows() {
        install.render();
        assertThat(install.variables("frontend.env")).containsOnly(
                entry("DATABASE_URL", "pg://global"), entry("REDIS_URL", "redis://global"));
        assertThat(install.variables("beat.env")).isEqualTo(install.variables("frontend.env"));
        assertThat(install.variables("env.vm")).isEqualTo(install.variables("frontend.env"));
        assertThat(install.variables("backend.env")).containsOnly(
                entry("DATABASE_URL", "pg://backend-only"), entry("REDIS_URL", "redis://global"));
        assertThat(install.variables("worker-general.env")).containsOnly(
                entry("DATABASE_URL", "pg://global"), entry("REDIS_URL", "redis://global"),
                entry("ETL_DATABASE_URL", "pg://etl"), entry("NODE_WEATHER", "w-key"), entry("NODE_SEARCH", "s-key"));
        assertThat(install.variables("worker-finance.env")).containsOnly(
                entry("DATABASE_URL", "pg://global"), entry("REDIS_URL", "redis://global"),
                entry("ETL_DATABASE_URL", "pg://etl"), entry("NODE_WEATHER", "w-key"), entry("NODE_SEARCH", "s-key"),
                entry("BANKING_API_KEY", "bank-key"));
    }

    @Test
    void writesSecretFilesWithTheirOwnModeAndExactBytes() throws IOException {
        install.render();
        Path pem = install.out("keys/signing.pem");
        assertThat(Files.readString(pem)).isEqualTo("-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(install.out("backend.env"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aSecondRenderWritesNothing() throws IOException {
        install.render();
        Path file = install.out("worker-finance.env");
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, old);
        Object inode = Files.getAttribute(file, "unix:ino");
        RenderReport second = install.render();
        assertThat(second.outputs()).allMatch(o -> o.status() == Status.UNCHANGED);
        assertThat(second.changed()).isFalse();
        assertThat(second.actions()).isEmpty();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    }

    @Test
    void theDiffNamesAddedRemovedAndChangedVariablesAndTheDueActions() {
        install.render();
        install.secrets(SECRETS.replace("pg://etl", "pg://etl-rotated").replace("search: \"s-key\"", "maps: \"m\""));
        RenderReport report = install.dryRun();
        OutputResult general = install.result(report, "worker-general");
        assertThat(general.status()).isEqualTo(Status.CHANGED);
        assertThat(general.diff().added()).containsExactly("NODE_MAPS");
        assertThat(general.diff().removed()).containsExactly("NODE_SEARCH");
        assertThat(general.diff().changed()).containsExactly("ETL_DATABASE_URL");
        assertThat(install.result(report, "frontend").status()).isEqualTo(Status.UNCHANGED);
        assertThat(report.actions()).extracting(a -> a.service().name())
                .containsExactly("worker-general", "worker-finance");
        assertThat(report.actions().get(0).units()).containsExactly("noxus-worker@general.service");
        assertThat(install.variables("worker-general.env")).containsEntry("ETL_DATABASE_URL", "pg://etl");
    }

    @Test
    void aFileEditedOutsideTheAgentIsReportedAsUnknownPrevious() throws IOException {
        install.render();
        Files.writeString(install.out("beat.env"), "EDITED=\"by hand\"\n");
        OutputResult beat = install.result(install.render(), "beat");
        assertThat(beat.status()).isEqualTo(Status.CHANGED);
        assertThat(beat.diff().previousUnknown()).isTrue();
        assertThat(install.variables("beat.env")).containsOnlyKeys("DATABASE_URL", "REDIS_URL");
    }

    @Test
    void aFailedReferenceKeepsLastKnownGoodOnlyWhereItIsNeeded() throws IOException {
        install.render();
        String financeBefore = install.read("worker-finance.env");
        install.secrets(SECRETS.replace("bank: \"bank-key\"\n", "").replace("pg://global", "pg://rotated"));
        RenderReport report = install.render();
        OutputResult finance = install.result(report, "worker-finance");
        assertThat(finance.status()).isEqualTo(Status.FAILED);
        assertThat(finance.errors()).containsExactly("file:bank: no key 'bank' in the secrets file "
                + dir.resolve("secrets.yaml") + "; add it or fix the reference");
        assertThat(install.read("worker-finance.env")).isEqualTo(financeBefore);
        assertThat(install.variables("worker-general.env")).containsEntry("DATABASE_URL", "pg://rotated");
        assertThat(report.failed()).isTrue();
        assertThat(report.actions()).extracting(a -> a.service().name()).doesNotContain("worker-finance");
    }

    @Test
    void twoBulkMappingsGivingOneVariableAtOneLevelFailTheServicesTheyReach() {
        install.config(TestInstall.SERVICES + MAPPINGS.replace("files:", """
                  - {bulk: "file:platform", prefix: NODE_, transform: upper, scope: workers}
                  - {bulk: "file:nodes", prefix: NODE_, transform: upper, scope: "pool:general"}
                  - {env: NODE_WEATHER, ref: "file:bank", scope: "pool:general"}
                files:"""));
        RenderReport report = install.render();
        OutputResult general = install.result(report, "worker-general");
        assertThat(general.status()).isEqualTo(Status.FAILED);
        assertThat(general.errors()).singleElement().asString()
                .startsWith("variable NODE_WEATHER is mapped twice at the same level for service worker-general: ")
                .contains("mappings[7] (pool:general)", "mappings[8] (pool:general)");
        assertThat(install.result(report, "worker-finance").status()).isEqualTo(Status.CREATED);
        assertThat(install.variables("worker-finance.env")).containsKeys("NODE_DATABASE_URL", "NODE_WEATHER");
    }

    @Test
    void aDryRunWritesNothingAtAll() {
        RenderReport report = install.dryRun();
        assertThat(report.outputs()).allMatch(o -> o.status() == Status.CREATED);
        assertThat(install.dir.resolve("out")).doesNotExist();
    }

    @Test
    void restoresDriftedPermissionsWithoutCountingAValueChange() throws IOException {
        install.render();
        Files.setPosixFilePermissions(install.out("beat.env"), PosixFilePermissions.fromString("rw-r-----"));
        RenderReport report = install.render();
        assertThat(install.result(report, "beat").status()).isEqualTo(Status.PERMISSIONS);
        assertThat(report.actions()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(install.out("beat.env"))))
                .isEqualTo("rw-------");
    }

    @Test
    void renderingOneServiceTouchesOnlyItsOutputs() {
        RenderReport report = install.render(false, Set.of("backend"));
        assertThat(report.outputs()).extracting(OutputResult::name).containsExactly("backend", "file:signing.pem");
        assertThat(install.out("frontend.env")).doesNotExist();
    }

    @Test
    void aValueTheFormatCannotCarryFailsThatOutputNamingKeyAndOutput() throws IOException {
        install.config(TestInstall.SERVICES.replace("out/beat.env, format: systemd", "out/beat.env, format: docker")
                + MAPPINGS);
        install.render();
        String before = install.read("beat.env");
        install.secrets(SECRETS.replace("redis://global", "redis://a\\nb"));
        OutputResult beat = install.result(install.render(), "beat");
        assertThat(beat.status()).isEqualTo(Status.FAILED);
        assertThat(beat.errors()).containsExactly("variable REDIS_URL (file:platform#redis_url) cannot be written to "
                + install.out("beat.env") + " (format docker): it contains a line feed, which docker --env-file "
                + "cannot carry (the format has no quoting); use the systemd, compose or shell format for this output");
        assertThat(install.read("beat.env")).isEqualTo(before);
    }

    @Test
    void aBulkFieldThatBecomesAProcessControlNameAfterPrefixAndTransformFailsTheOutputsItReaches() {
        install.render();
        String before = install.read("worker-general.env");
        install.secrets(SECRETS.replace("search: \"s-key\"", "search: \"s-key\", options: \"--require /tmp/x.js\"")
                .replace("pg://global", "pg://rotated"));
        RenderReport report = install.render();
        for (String worker : new String[] {"worker-general", "worker-finance"}) {
            OutputResult result = install.result(report, worker);
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.errors()).singleElement().asString()
                    .startsWith("file:nodes: field 'options' gives the variable name 'NODE_OPTIONS', which changes "
                            + "how programs load or run: Node.js reads it")
                    .endsWith("map it with env: and allow_process_control: true if it is meant ("
                            + dir.resolve("config.yaml") + ": mappings[5])");
        }
        assertThat(install.read("worker-general.env")).isEqualTo(before);
        assertThat(install.variables("frontend.env")).containsEntry("DATABASE_URL", "pg://rotated");
        assertThat(report.failed()).isTrue();
    }

    @Test
    void anUpperCaseTransformIsCheckedOnTheFinalName() {
        install.config(TestInstall.SERVICES + MAPPINGS.replace("files:", """
                  - {bulk: "file:loader", transform: upper, scope: "service:beat"}
                files:"""));
        install.secrets(SECRETS + "loader: {ld_preload: \"/tmp/evil.so\", plain: \"p\"}\n");
        RenderReport report = install.render();
        OutputResult beat = install.result(report, "beat");
        assertThat(beat.status()).isEqualTo(Status.FAILED);
        assertThat(beat.errors()).singleElement().asString()
                .startsWith("file:loader: field 'ld_preload' gives the variable name 'LD_PRELOAD', which changes how "
                        + "programs load or run: the dynamic loader")
                .contains("mappings[6]");
        assertThat(install.out("beat.env")).doesNotExist();
        assertThat(install.result(report, "frontend").status()).isEqualTo(Status.CREATED);
    }

    @Test
    void theShellFormatRefusesANameTheShellManagesAndKeepsTheMainEnvFile() throws IOException {
        install.render();
        String before = install.read("env.vm");
        install.config(TestInstall.SERVICES + MAPPINGS.replace("files:", """
                  - {env: UID, ref: "file:bank", scope: global}
                files:"""));
        RenderReport report = install.render();
        OutputResult main = install.result(report, "main-env");
        assertThat(main.status()).isEqualTo(Status.FAILED);
        assertThat(main.errors()).containsExactly("variable UID (file:bank) cannot be written to "
                + install.out("env.vm") + " (format shell): bash or dash manage the name UID themselves (read-only, "
                + "recomputed or checked on assignment), so sourcing the file would lose the value or print an "
                + "error; map the secret to another name or use another format for this output");
        assertThat(install.read("env.vm")).isEqualTo(before);
        assertThat(install.variables("frontend.env")).containsEntry("UID", "bank-key");
    }
}
