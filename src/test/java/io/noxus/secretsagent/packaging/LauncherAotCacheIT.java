package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.HostileServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher on Java 25 and later: the first installed-kind ({@code NOXUS_AGENT_CDS=app}) {@code render} records an
 * AOT cache, later one-shot commands run with it ({@code -XX:AOTMode=on} fails a run that cannot use it), the
 * command's output and exit code stay what they are without it, a failed or signalled first render leaves nothing
 * behind (the signal reaches its JVM), no secret value reaches the cache folder, and a checkout's default
 * ({@code lib}) keeps the archive only. Needs a JDK 25 or later: {@code NOXUS_TEST_JAVA25_HOME}, else the newest one
 * in /usr/lib/jvm.
 */
class LauncherAotCacheIT {
    static final String CANARY_ASCII = "canary-aot-" + UUID.randomUUID();
    /** Not Latin-1, so the JVM holds it as UTF-16. */
    static final String CANARY_WIDE = "canary-\u0133-" + UUID.randomUUID();

    @TempDir
    Path dir;
    Path cds;
    Path config;

    @BeforeEach
    void copyCheckoutAndConfig() throws IOException {
        CheckoutCopy.into(dir);
        cds = dir.resolve("cds");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        PrivateFiles.write(conf, "secrets.yaml", "db:\n  url: \"" + CANARY_ASCII + "\"\nAPI_KEY: \"" + CANARY_WIDE + "\"\n");
        config = PrivateFiles.write(conf, "config.yaml", """
                roots: [../out]
                state_dir: ../out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                services:
                  backend: {role: backend, output: {path: ../out/backend.env, format: systemd}}
                mappings:
                  - {env: DATABASE_URL, ref: "file:db#url", scope: global}
                  - {env: API_KEY, ref: "file:API_KEY", scope: global}
                """);
    }

    @Test
    void theFirstRenderTrainsTheCacheAndLaterOneShotsRunWithIt() throws Exception {
        Exec.Result first = agent("app", "", "render", "-c", config.toString(), "--no-act", "--detailed-exitcode",
                "--output", "json");
        assertThat(first.exitCode()).as(first.stderrText()).isEqualTo(2);
        assertThat(first.stderrText()).as("nothing from the JVM's recording on stderr").isEmpty();
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        assertThat(strict.readTree(first.stdout()).get("changed").asBoolean())
                .as("stdout is the command's JSON alone: " + first.stdoutText()).isTrue();
        assertThat(Files.readString(dir.resolve("out/backend.env"))).contains(CANARY_ASCII, CANARY_WIDE);
        Path cache = cacheFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");

        Exec.Result again = agent("app", "-XX:AOTMode=on", "render", "-c", config.toString(), "--no-act",
                "--detailed-exitcode");
        assertThat(again.exitCode()).as("a render that must use the cache: " + again.stderrText()).isZero();
        Exec.Result version = agent("app", "-XX:AOTMode=on", "version");
        assertThat(version.exitCode()).as(version.stderrText()).isZero();
        assertThat(version.stdoutText()).contains("(Java 2");
        assertThat(cacheFile()).as("not trained again").isEqualTo(cache);
        assertThat(Files.getLastModifiedTime(cacheFile())).isEqualTo(Files.getLastModifiedTime(cache));
        assertNoCanaryIn(cds);
    }

    @Test
    void aFailedFirstRenderLeavesNoCacheAndTheNextRenderTrains() throws Exception {
        String good = Files.readString(config);
        Files.writeString(config, good.replace("file:API_KEY", "file:NO_SUCH_KEY"));
        Exec.Result failed = agent("app", "", "render", "-c", config.toString(), "--no-act");
        assertThat(failed.exitCode()).as(failed.stderrText()).isNotIn(0, 2);
        assertThat(failed.stdoutText()).as("the report names the key").contains("NO_SUCH_KEY");
        assertThat(cacheFiles()).as("no cache and nothing half-made").isEmpty();

        Files.writeString(config, good);
        Exec.Result fixed = agent("app", "", "render", "-c", config.toString(), "--no-act");
        assertThat(fixed.exitCode()).as(fixed.stderrText()).isZero();
        cacheFile();
        assertNoCanaryIn(cds);
    }

    @Test
    void aSignalToTheLauncherDuringTheTrainingRenderEndsTheRenderAndLeavesNothing() throws Exception {
        Path conf = config.getParent();
        PrivateFiles.write(conf, "token", "t");
        try (HostileServer vault = HostileServer.start(HostileServer.Behaviour.SILENT)) {
            Path stalled = PrivateFiles.write(conf, "stalled.yaml", """
                    roots: [../out]
                    state_dir: ../out/.state
                    backends:
                      vault: {type: vault, address: "%s", request_timeout_seconds: 60, auth: {method: token, token_file: token}}
                    services:
                      backend: {role: backend, output: {path: ../out/backend.env, format: systemd}}
                    mappings:
                      - {env: DATABASE_URL, ref: "vault:secret/db#url", scope: global}
                    """.formatted(vault.address()));
            ProcessBuilder builder = new ProcessBuilder(CheckoutCopy.launcher(dir).toString(), "render", "-c",
                    stalled.toString(), "--no-act").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
            builder.environment().putAll(agentEnv("app", ""));
            Process launcher = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (vault.connections() == 0 && launcher.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(vault.connections()).as("the render reached the stalled server: " + Files.readString(dir.resolve("log")))
                    .isPositive();
            List<ProcessHandle> jvm = launcher.descendants().toList();
            assertThat(jvm).as("the training JVM runs under the launcher").isNotEmpty();
            launcher.destroy(); // SIGTERM to the launcher's shell
            assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("the launcher ended within 30 s").isTrue();
            assertThat(launcher.exitValue()).isNotIn(0, 2);
            for (ProcessHandle p : jvm) {
                assertThat(p.onExit().get(10, TimeUnit.SECONDS).isAlive()).as("the JVM got the signal too").isFalse();
            }
        }
        assertThat(cacheFiles()).as("no cache and no record left").isEmpty();
    }

    @Test
    void jvmOptionsTheRecordingRefusesLeaveTheRenderAsItIsWithoutACacheErrorsShown() throws Exception {
        Exec.Result sharingOff = agent("app", "-Xshare:off", "render", "-c", config.toString(), "--no-act");
        assertThat(sharingOff.exitCode()).as("-Xshare:off excludes recording: " + sharingOff.stderrText()).isZero();
        assertThat(cacheFiles()).isEmpty();

        Exec.Result typo = agent("app", "-XX:+NoSuchOption", "render", "-c", config.toString(), "--no-act");
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.stderrText()).as("the JVM's own error, not silenced").contains("NoSuchOption");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aCheckoutsDefaultKeepsTheDependencyArchiveOnly() throws Exception {
        Exec.Result render = agent(null, "", "render", "-c", config.toString(), "--no-act");
        assertThat(render.exitCode()).as(render.stderrText()).isZero();
        assertThat(cacheFiles()).isEmpty();
        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString().startsWith("lib-");
        }
    }

    private Exec.Result agent(String mode, String javaOpts, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(CheckoutCopy.launcher(dir).toString()));
        command.addAll(List.of(args));
        return Exec.run(command, agentEnv(mode, javaOpts), dir);
    }

    /** This environment with JAVA_HOME a JDK 25+, the test's cache folder, and NOXUS_AGENT_CDS=mode (null: unset). */
    private Map<String, String> agentEnv(String mode, String javaOpts) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JAVA_HOME", java25().toString());
        env.put("NOXUS_AGENT_CDS_DIR", cds.toString());
        env.put("NOXUS_AGENT_JAVA_OPTS", javaOpts);
        env.remove("NOXUS_AGENT_CDS");
        if (mode != null) {
            env.put("NOXUS_AGENT_CDS", mode);
        }
        return env;
    }

    /** The one cache file in the folder, with no recording or half-made cache beside it. */
    private Path cacheFile() throws IOException {
        List<Path> files = cacheFiles();
        assertThat(files).as("one aot-*.aot and nothing else of the training").singleElement().satisfies(
                f -> assertThat(f.getFileName().toString()).matches("aot-[0-9]+\\.aot"));
        return files.get(0);
    }

    private List<Path> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.list(cds)) {
            return files.filter(f -> f.getFileName().toString().contains("aot-")).toList();
        }
    }

    /** Neither canary in any file of the folder, as UTF-8, Latin-1 or UTF-16 (the JVM's string encodings). */
    static void assertNoCanaryIn(Path folder) throws IOException {
        List<byte[]> needles = new ArrayList<>();
        for (String canary : List.of(CANARY_ASCII, CANARY_WIDE)) {
            needles.add(canary.getBytes(StandardCharsets.UTF_8));
            needles.add(canary.getBytes(StandardCharsets.UTF_16LE));
            needles.add(canary.getBytes(StandardCharsets.UTF_16BE));
        }
        needles.add(CANARY_ASCII.getBytes(StandardCharsets.ISO_8859_1));
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (byte[] needle : needles) {
                    assertThat(bytes.contains(new String(needle, StandardCharsets.ISO_8859_1)))
                            .as("a canary's bytes in " + file.getFileName()).isFalse();
                }
            }
        }
    }

    /** A JDK 25 or later: NOXUS_TEST_JAVA25_HOME, else the newest in /usr/lib/jvm by its release file. */
    static Path java25() throws IOException {
        String given = System.getenv("NOXUS_TEST_JAVA25_HOME");
        if (given != null && !given.isEmpty()) {
            return Path.of(given);
        }
        Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
        Path best = null;
        int bestMajor = 0;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                    Matcher m = version.matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) > bestMajor) {
                        bestMajor = Integer.parseInt(m.group(1));
                        best = home;
                    }
                }
            }
        }
        assertThat(bestMajor).as("this test needs a JDK 25 or later: install one (e.g. Temurin 25 in /usr/lib/jvm) or "
                + "set NOXUS_TEST_JAVA25_HOME").isGreaterThanOrEqualTo(25);
        return best;
    }
}
