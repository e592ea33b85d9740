package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.testsupport.PrivateFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every secret is a canary. The agent is driven through success, change, dry-run diff, JSON output, check,
 * a missing secret, a value a format refuses, a broken secrets file and a conflict; nothing it printed or kept
 * in its state may contain a canary. The rendered files must (so the test can fail for the right reason).
 */
class NoSecretLeaksIT {
    static final String CANARY = "CANARY7f3a";

    @TempDir
    Path dir;

    @Test
    void noCanaryReachesStdoutStderrOrTheStateFolder() throws IOException {
        Path config = write("config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service]}
                  worker: {role: worker, pool: p, output: {path: out/worker.env, format: docker}}
                  beat: {role: beat, output: {path: out/beat.env, format: dotenv}}
                main_env: {output: {path: out/env.vm, format: shell}}
                mappings:
                  - {env: DB, ref: "file:db", scope: global}
                  - {bulk: "file:group", prefix: G_, transform: upper, scope: workers}
                  - {env: ML, ref: "file:multiline", scope: global}
                files:
                  - {path: out/key.pem, ref: "file:pem", scope: "service:api"}
                """);
        List<AgentProcess.Result> runs = new ArrayList<>();
        write("secrets.yaml", secrets("one", "single line"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--service", "api", "--service", "beat",
                "--service", "main-env"));
        assertThat(runs.get(0).exit()).as(runs.get(0).all()).isZero();
        write("secrets.yaml", secrets("two", "line one\nline two"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--dry-run", "--diff"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--dry-run", "--diff", "--output", "json"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--diff"));
        runs.add(AgentProcess.run(dir, "check", "-c", config.toString(), "--backends"));
        write("secrets.yaml", secrets("three", "x").replace("pem:", "pem_gone:"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--diff", "--output", "json"));
        write("secrets.yaml", "db: \"" + CANARY + "-broken\n  : [" + CANARY + "\n");
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString()));
        runs.add(AgentProcess.run(dir, "check", "-c", config.toString(), "--backends"));
        write("secrets.yaml", secrets("four", "x").replace("group: {", "group: {db: \"" + CANARY + "-dup\", "));
        write("config.yaml", Files.readString(config).replace("scope: workers}", "scope: workers}\n  - {env: G_DB, "
                + "ref: \"file:db\", scope: workers}"));
        runs.add(AgentProcess.run(dir, "render", "--no-act", "-c", config.toString(), "--diff"));

        assertThat(runs.get(3).exit()).as("the docker output refuses the multi-line value").isEqualTo(1);
        assertThat(runs.get(3).out()).contains("variable ML (file:multiline) cannot be written to");
        assertThat(runs.get(5).out()).contains("no key 'pem'");
        assertThat(runs.get(6).exit()).isEqualTo(1);
        assertThat(runs.get(8).out()).contains("variable G_DB is mapped twice at the same level");
        AgentProcess.assertNothingPrintedOrKeptContains(CANARY, runs, dir.resolve("out/.state"));
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains(CANARY + "-db-four");
        assertThat(Files.readString(dir.resolve("out/key.pem"))).contains(CANARY + "-pem-four");
    }

    private static String secrets(String round, String multiline) {
        return "db: \"" + CANARY + "-db-" + round + "\"\n"
                + "group: {alpha: \"" + CANARY + "-alpha-" + round + "\", beta: \"" + CANARY + "-beta\"}\n"
                + "multiline: \"" + CANARY + "-" + multiline.replace("\n", "\\n") + "\"\n"
                + "pem: \"" + CANARY + "-pem-" + round + "\\n\"\n";
    }

    private Path write(String name, String text) {
        return PrivateFiles.write(dir, name, text);
    }
}
