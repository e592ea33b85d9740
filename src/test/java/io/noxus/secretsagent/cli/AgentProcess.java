package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.testsupport.RealReaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the packaged agent through its launcher, as an operator would, and captures everything it printed. */
final class AgentProcess {
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Process start(Path logDir, String... args) {
        return start(logDir, Map.of(), args);
    }

    /** Starts the agent with {@code env} added to this JVM's environment. */
    static Process start(Path logDir, Map<String, String> env, String... args) {
        Path launcher = RealReaders.repoRoot().resolve("agent/bin/noxus-secrets-agent");
        if (!Files.exists(RealReaders.repoRoot().resolve("target/noxus-secrets-agent.jar"))) {
            throw new IllegalStateException("target/noxus-secrets-agent.jar is missing: run the tests with mvn verify");
        }
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(logDir.resolve("stdout").toFile())
                    .redirectError(logDir.resolve("stderr").toFile());
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result finish(Process process, Path logDir) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the agent did not finish within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(logDir.resolve("stdout"), StandardCharsets.UTF_8),
                    Files.readString(logDir.resolve("stderr"), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result run(Path logDir, String... args) {
        return run(logDir, Map.of(), args);
    }

    static Result run(Path logDir, Map<String, String> env, String... args) {
        try {
            Path runDir = Files.createTempDirectory(logDir, "run");
            return finish(start(runDir, env, args), runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nothing the runs printed, and no file under {@code stateDir}, contains {@code canary}. */
    static void assertNothingPrintedOrKeptContains(String canary, List<Result> runs, Path stateDir) throws IOException {
        for (Result run : runs) {
            assertThat(run.all()).as("everything one run printed").doesNotContain(canary);
        }
        try (Stream<Path> state = Files.walk(stateDir)) {
            for (Path file : state.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(canary);
            }
        }
    }
}
