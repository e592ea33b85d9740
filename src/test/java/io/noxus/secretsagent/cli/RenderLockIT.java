package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.testsupport.PrivateFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.output.RenderLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes: this test holds the render lock the way a running render or the daemon would. */
class RenderLockIT {
    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        config = write("config.yaml", """
                roots: [out]
                state_dir: state
                backends: {file: {type: file, path: secrets.yaml}}
                services: {api: {role: backend, output: {path: out/api.env, format: systemd}}}
                mappings: [{env: DB, ref: "file:db", scope: global}]
                """);
        write("secrets.yaml", "db: \"pg://x\"\n");
    }

    @Test
    void aRenderWaitsForTheHolderAndWritesOnlyAfterItsRelease() throws Exception {
        Process process;
        try (RenderLock held = RenderLock.acquire(dir.resolve("state/render.lock"), Duration.ofSeconds(1),
                Clock.systemUTC(), d -> { })) {
            process = AgentProcess.start(dir, "render", "-c", config.toString(), "--lock-timeout", "60");
            awaitLine(dir.resolve("stderr"), "waiting for the render lock", process);
            assertThat(dir.resolve("out/api.env")).as("nothing is written while the lock is held").doesNotExist();
        }
        AgentProcess.Result result = AgentProcess.finish(process, dir);
        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("DB=\"pg://x\"");
    }

    @Test
    void aRenderGivesUpAfterItsLockTimeoutAndWritesNothing() throws Exception {
        try (RenderLock held = RenderLock.acquire(dir.resolve("state/render.lock"), Duration.ofSeconds(1),
                Clock.systemUTC(), d -> { })) {
            AgentProcess.Result result = AgentProcess.run(dir, "render", "-c", config.toString(), "--lock-timeout", "1");
            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).contains("error: " + dir.resolve("state/render.lock") + ": another render or the "
                    + "daemon still holds the lock after 1 s; try again, or raise --lock-timeout");
        }
        assertThat(dir.resolve("out/api.env")).doesNotExist();
    }

    /** Polls the other process's stderr for a line; bounded by that process staying alive and a deadline. */
    private static void awaitLine(Path file, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the render never reported waiting for the lock: " + Files.readString(file));
            }
            Thread.onSpinWait();
            Thread.sleep(20);
        }
    }

    private Path write(String name, String text) {
        return PrivateFiles.write(dir, name, text);
    }
}
