package io.noxus.secretsagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostChecksTest {
    @TempDir
    Path dir;

    static final String AGENT = "LoadState=loaded\nProtectSystem=strict\nProtectHome=yes\nReadWritePaths=-/etc/noxus\n"
            + "BindPaths=\nStateDirectory=noxus-secrets-agent\n";

    /** systemctl show answering from a table; an unknown unit is not-found, as systemd says. */
    static CommandRunner systemd(Map<String, String> units) {
        return (argv, timeout) -> new CommandRunner.Result(0, units.getOrDefault(argv.get(argv.size() - 1),
                "LoadState=not-found\n"), false);
    }

    HostChecks run(CommandRunner runner) {
        Path config = PrivateFiles.write(dir, "config.yaml", """
                roots: [out, other]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}, units: [noxus-backend.service]}
                  beat: {role: beat, output: {path: other/beat.env, format: systemd}, units: [noxus-beet.service]}
                mappings:
                  - {env: DB, ref: "file:db", scope: global}
                """);
        PrivateFiles.write(dir, "secrets.yaml", "db: x\n");
        return new HostChecks(runner).run(ConfigLoader.load(config));
    }

    @Test
    void aMissingUnitAndEveryUnwritableRootAreReportedTogether() {
        HostChecks c = run(systemd(Map.of(HostChecks.AGENT_UNIT, AGENT, "noxus-backend.service",
                "LoadState=loaded\n")));
        assertThat(c.errors).hasSize(4);
        assertThat(c.errors.get(0)).isEqualTo("service beat: unit noxus-beet.service does not exist "
                + "(LoadState=not-found); fix the name in services.beat.units, or install the unit");
        assertThat(c.errors.get(1)).startsWith("root " + dir.resolve("out") + " is not writable under "
                + "noxus-secrets-agent.service (ProtectSystem=strict, ReadWritePaths=/etc/noxus "
                + "/var/lib/noxus-secrets-agent): add it to the unit's ReadWritePaths=");
        assertThat(c.errors.get(2)).startsWith("root " + dir.resolve("other") + " is not writable");
        assertThat(c.errors.get(3)).startsWith("state_dir " + dir.resolve("out/.state") + " is not writable");
    }

    @Test
    void rootsInReadWritePathsOrBindPathsPass() {
        String agent = AGENT.replace("ReadWritePaths=-/etc/noxus", "ReadWritePaths=-/etc/noxus " + dir.resolve("out"))
                .replace("BindPaths=", "BindPaths=-" + dir + ":" + dir.resolve("other") + ":rbind");
        HostChecks c = run(systemd(Map.of(HostChecks.AGENT_UNIT, agent, "noxus-backend.service", "LoadState=loaded\n",
                "noxus-beet.service", "LoadState=loaded\n")));
        assertThat(c.errors).isEmpty();
        assertThat(c.warnings).isEmpty();
    }

    @Test
    void withoutSystemdNothingIsClaimedAndOneWarningSaysSo() {
        HostChecks c = run((argv, timeout) -> new CommandRunner.Result(1, "System has not been booted with systemd",
                false));
        assertThat(c.errors).isEmpty();
        assertThat(c.warnings).containsExactly("cannot ask systemd (systemctl show exited 1): units and the sandbox "
                + "of noxus-secrets-agent.service were not checked");
    }

    @Test
    void protectSystemFullLeavesVarWritableButNotEtc() {
        var sandbox = HostChecks.Sandbox.of(Map.of("ProtectSystem", "full", "ProtectHome", "read-only"));
        assertThat(sandbox.writable(Path.of("/srv/noxus"))).isTrue();
        assertThat(sandbox.writable(Path.of("/etc/noxus"))).isFalse();
        assertThat(sandbox.writable(Path.of("/root/noxus"))).isFalse();
        assertThat(List.of(HostChecks.Sandbox.of(Map.of()).writable(Path.of("/etc/x")))).containsExactly(true);
    }
}
