package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A throw-away install in a folder: a config, a secrets file, outputs under out/. */
final class TestInstall {
    static final String SERVICES = """
            roots: [out]
            state_dir: out/.state
            backends:
              file: {type: file, path: secrets.yaml}
            services:
              frontend:
                role: frontend
                output: {path: out/frontend.env, format: systemd}
                units: [noxus-frontend.service]
              backend:
                role: backend
                output: {path: out/backend.env, format: systemd}
                units: [noxus-backend.service]
              beat:
                role: beat
                output: {path: out/beat.env, format: systemd}
              worker-general:
                role: worker
                pool: general
                output: {path: out/worker-general.env, format: systemd}
                units: [noxus-worker@general.service]
              worker-finance:
                role: worker
                pool: finance
                output: {path: out/worker-finance.env, format: systemd}
                units: [noxus-worker@finance.service]
            main_env:
              output: {path: out/env.vm, format: shell}
            """;

    final Path dir;

    TestInstall(Path dir) {
        this.dir = dir;
    }

    TestInstall config(String yaml) {
        write("config.yaml", yaml);
        return this;
    }

    TestInstall secrets(String yaml) {
        write("secrets.yaml", yaml);
        return this;
    }

    Path configFile() {
        return dir.resolve("config.yaml");
    }

    Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    RenderReport render() {
        return render(false, Set.of());
    }

    RenderReport dryRun() {
        return render(true, Set.of());
    }

    RenderReport render(boolean dryRun, Set<String> services) {
        try (Agent agent = Agent.open(configFile(), TestHosts.quiet())) {
            return agent.render(new RenderRequest(services, dryRun, Duration.ofSeconds(1))).report();
        }
    }

    OutputResult result(RenderReport report, String name) {
        return report.outputs().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    /** The variables of an env file written in the systemd format with simple values (no quotes inside). */
    Map<String, String> variables(String file) {
        Map<String, String> vars = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(?:export )?([A-Za-z_0-9]+)=[\"']([^\"']*)[\"']$").matcher(read(file));
        while (m.find()) {
            vars.put(m.group(1), m.group(2));
        }
        return vars;
    }

    String read(String file) {
        try {
            return Files.readString(out(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String name, String text) {
        PrivateFiles.write(dir, name, text);
    }
}
