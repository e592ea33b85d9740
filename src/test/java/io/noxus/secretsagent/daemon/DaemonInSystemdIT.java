package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.SystemdBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The daemon as systemd runs it: the packaged unit (Type=notify, WatchdogSec, NotifyAccess=all) in a real systemd,
 * three services reading its env files through EnvironmentFile=, the file backend edited as an operator would.
 * Waits are for a condition (the state file or a unit property), never a fixed "wait and see".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonInSystemdIT {
    static final String AGENT = "noxus-secrets-agent.service";
    static final List<String> APPS = List.of("app-a.service", "app-b.service", "app-c.service");
    static SystemdBox box;
    static Path share;

    @BeforeAll
    static void boot() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath();
        Path jar = repo.resolve("target/noxus-secrets-agent.jar");
        assertThat(jar).as("run with mvn verify (the IT needs the packaged jar)").exists();
        box = SystemdBox.boot(repo.resolve("scripts/systemd-box.sh"));
        share = box.share();
        // A copy of a source checkout's launcher and build (agent/bin/, target/ with target/lib/).
        Files.createDirectories(share.resolve("opt/agent/bin"));
        Files.createDirectories(share.resolve("opt/target/lib"));
        Files.createDirectories(share.resolve("etc"));
        Files.createDirectories(share.resolve("out"));
        Files.copy(repo.resolve("agent/bin/noxus-secrets-agent"), share.resolve("opt/agent/bin/noxus-secrets-agent"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(jar, share.resolve("opt/target/noxus-secrets-agent.jar"));
        try (var libs = Files.list(repo.resolve("target/lib"))) {
            for (Path lib : libs.toList()) {
                Files.copy(lib, share.resolve("opt/target/lib").resolve(lib.getFileName()));
            }
        }
        writeConfig(config());
        secrets("alice", "pw1", "k1", "good");
        for (String app : APPS) {
            String letter = app.substring(4, 5);
            Files.writeString(box.units().resolve(app), "[Service]\nEnvironmentFile=" + share.resolve("out/" + letter
                    + ".env") + "\nExecStart=/bin/sh -c 'case \"$MODE\" in *broken) exit 1;; esac; exec sleep infinity'\n");
        }
        String unit = Files.readString(repo.resolve("packaging/systemd/" + AGENT))
                .replace("/opt/noxus-secrets-agent/bin/", share.resolve("opt/agent/bin") + "/")
                .replace("/etc/noxus-secrets-agent/config.yaml", share.resolve("etc/config.yaml").toString())
                .replace("WatchdogSec=60", "WatchdogSec=4");
        Files.writeString(box.units().resolve(AGENT), unit);
        // The box's / is the host's, read-only: the shared folder stands in for /opt, /etc and the output root. It
        // lives under /tmp, which the unit's PrivateTmp= hides, so it is bound into the unit's namespace.
        Files.createDirectories(box.units().resolve(AGENT + ".d"));
        Files.writeString(box.units().resolve(AGENT + ".d/box.conf"), "[Service]\nBindPaths=" + share + "\n");
        ok(box.exec("systemctl", "daemon-reload"));
        Exec.Result start = box.exec("systemctl", "start", AGENT);   // returns once the agent sent READY=1
        assertThat(start.ok()).as(() -> start.stderrText() + journal()).isTrue();
        waitFor("the first actions started all three apps", () -> APPS.stream().allMatch(DaemonInSystemdIT::active));
    }

    @AfterAll
    static void down() {
        if (box != null) {
            box.close();
        }
    }

    static String config() {
        return """
                roots: [OUT]
                state_dir: STATE
                backends:
                  file: {type: file, path: secrets.yaml}
                services:
                  a: {role: backend, output: {path: OUT/a.env, format: systemd}, units: [app-a.service]}
                  b: {role: worker, pool: p, output: {path: OUT/b.env, format: systemd}, units: [app-b.service]}
                  c: {role: beat, output: {path: OUT/c.env, format: systemd}, units: [app-c.service], rollback: true}
                mappings:
                  - {env: DB_USER, ref: "file:db#user", scope: "service:a"}
                  - {env: DB_PASSWORD, ref: "file:db#password", scope: "service:a"}
                  - {env: NODE_KEY, ref: "file:node_key", scope: workers}
                  - {env: MODE, ref: "file:mode", scope: "service:c"}
                daemon:
                  poll_interval_seconds: 1
                  poll_jitter: 0
                  settle_seconds: 2
                  health_timeout_seconds: 5
                """.replace("OUT", share.resolve("out").toString()).replace("STATE", share.resolve("state").toString())
;
    }

    static void writeConfig(String text) throws IOException {
        Path file = share.resolve("etc/config.yaml");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Every value carries the canary; nothing but the rendered files may contain it. */
    static final String CANARY = "CANARY7f3a";

    static void secrets(String user, String password, String nodeKey, String mode) throws IOException {
        Path file = share.resolve("etc/secrets.yaml");
        user = CANARY + "-" + user;
        password = CANARY + "-" + password;
        nodeKey = CANARY + "-" + nodeKey;
        mode = CANARY + "-" + mode;
        Path tmp = share.resolve("etc/secrets.yaml.tmp");
        Files.writeString(tmp, "db: {user: \"" + user + "\", password: \"" + password + "\"}\nnode_key: \""
                + nodeKey + "\"\nmode: \"" + mode + "\"\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String journal() {
        try {
            return box.exec("journalctl", "--no-pager", "-n", "100", "-u", AGENT).stdoutText();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Exec.Result ok(Exec.Result r) {
        assertThat(r.ok()).as(r.stderrText() + " " + r.stdoutText()).isTrue();
        return r;
    }

    static Map<String, String> show(String unit, String... props) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("systemctl", "show", unit));
        for (String p : props) {
            cmd.add("-p");
            cmd.add(p);
        }
        Map<String, String> out = new HashMap<>();
        ok(box.exec(cmd.toArray(String[]::new))).stdoutText().lines().filter(l -> l.contains("=")).forEach(l ->
                out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return out;
    }

    static boolean active(String unit) {
        try {
            return box.exec("systemctl", "is-active", "--quiet", unit).ok();
        } catch (IOException e) {
            return false;
        }
    }

    /** InvocationID and MainPID of every unit: a restart changes both. */
    static Map<String, String> identities() throws IOException {
        Map<String, String> ids = new HashMap<>();
        for (String unit : List.of(APPS.get(0), APPS.get(1), APPS.get(2), AGENT)) {
            Map<String, String> p = show(unit, "InvocationID", "MainPID");
            ids.put(unit, p.get("InvocationID") + "/" + p.get("MainPID"));
        }
        return ids;
    }

    static DaemonState state() throws IOException {
        return DaemonState.load(share.resolve("state/daemon.json")).orElseThrow();
    }

    static int actionsSoFar() throws IOException {
        return state().lastActions().size();
    }

    interface Check {
        boolean ok() throws IOException;
    }

    static void waitFor(String what, Check check) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what + "; agent: "
                        + box.exec("systemctl", "status", "--no-pager", AGENT).stdoutText() + journal());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the daemon has completed {@code n} more render cycles (its last_cycle_at moved n times). */
    static void cycles(int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            String before = state().lastCycleAt();
            waitFor("a new cycle", () -> !java.util.Objects.equals(state().lastCycleAt(), before));
        }
    }

    static Predicate<DaemonState.Acted> service(String name) {
        return a -> a.service().equals(name);
    }

    @Test
    @Order(1)
    void theAgentRunsAsTypeNotifyWithAWatchdogAndAStatusLine() throws IOException, InterruptedException {
        cycles(6);  // longer than WatchdogSec=4: the loop feeds the watchdog
        Map<String, String> p = show(AGENT, "Type", "NotifyAccess", "WatchdogUSec", "ActiveState", "StatusText",
                "NRestarts");
        assertThat(p).as(DaemonInSystemdIT::journal).containsEntry("Type", "notify").containsEntry("NotifyAccess", "all")
                .containsEntry("WatchdogUSec", "4s").containsEntry("ActiveState", "active")
                .containsEntry("NRestarts", "0");
        assertThat(p.get("StatusText")).startsWith("3 outputs, 3 ok, 0 stale");
        assertThat(state().ready()).isTrue();
    }

    @Test
    @Order(2)
    void anUnchangedCycleTouchesNothing() throws IOException, InterruptedException {
        Map<String, String> before = identities();
        int acted = actionsSoFar();
        cycles(3);
        assertThat(identities()).isEqualTo(before);
        assertThat(actionsSoFar()).isEqualTo(acted);
    }

    @Test
    @Order(3)
    void aValueChangeRestartsExactlyTheAffectedUnit() throws IOException, InterruptedException {
        Map<String, String> before = identities();
        int acted = actionsSoFar();
        secrets("alice", "pw1", "k2", "good");
        waitFor("the action for b", () -> actionsSoFar() > acted);
        cycles(2);
        Map<String, String> after = identities();
        assertThat(after.get("app-b.service")).isNotEqualTo(before.get("app-b.service"));
        assertThat(after).containsEntry("app-a.service", before.get("app-a.service"))
                .containsEntry("app-c.service", before.get("app-c.service")).containsEntry(AGENT, before.get(AGENT));
        assertThat(state().lastActions().subList(acted, actionsSoFar())).singleElement()
                .satisfies(a -> assertThat(a.service() + " " + a.outcome()).isEqualTo("b ok"));
    }

    @Test
    @Order(4)
    void twoRelatedChangesWithinTheSettleWindowCauseOneRestart() throws IOException, InterruptedException {
        Map<String, String> before = identities();
        int acted = actionsSoFar();
        secrets("bob", "pw1", "k2", "good");
        cycles(1);
        secrets("bob", "pw2", "k2", "good");
        waitFor("the action for a", () -> actionsSoFar() > acted);
        cycles(3);
        assertThat(state().lastActions().subList(acted, actionsSoFar())).singleElement().matches(service("a"));
        assertThat(identities().get("app-a.service")).isNotEqualTo(before.get("app-a.service"));
        assertThat(Files.readString(share.resolve("out/a.env"))).contains("bob", "pw2");
    }

    @Test
    @Order(5)
    void aUnitThatFailsAfterTheRestartIsRolledBackAndTheBadContentHeld() throws IOException, InterruptedException {
        int acted = actionsSoFar();
        secrets("bob", "pw2", "k2", "broken");
        waitFor("the action for c", () -> actionsSoFar() > acted);
        DaemonState.Acted action = state().lastActions().get(actionsSoFar() - 1);
        assertThat(action.service()).isEqualTo("c");
        assertThat(action.outcome()).isEqualTo("rolled_back");
        assertThat(action.detail()).startsWith("app-c.service is failed after the restart");
        assertThat(Files.readString(share.resolve("out/c.env"))).contains("good").doesNotContain("broken");
        assertThat(active("app-c.service")).isTrue();
        cycles(3);
        assertThat(actionsSoFar()).as("the rejected content is not written and acted on again").isEqualTo(acted + 1);
        assertThat(state().outputs().get(share.resolve("out/c.env").toString()).errors())
                .anySatisfy(e -> assertThat(e).contains("held back"));
        secrets("bob", "pw2", "k2", "good-again");
        waitFor("c acted on the new value", () -> actionsSoFar() > acted + 1);
        assertThat(state().lastActions().get(actionsSoFar() - 1).outcome()).isEqualTo("ok");
    }

    @Test
    @Order(6)
    void theBackendGoneKeepsLastKnownGoodAndRecovers() throws IOException, InterruptedException {
        byte[] a = Files.readAllBytes(share.resolve("out/a.env"));
        Path secrets = share.resolve("etc/secrets.yaml");
        Files.move(secrets, share.resolve("etc/secrets.away"));
        waitFor("the backend reported failing", () -> state().backends().get("file").failingSince() != null);
        assertThat(Files.readAllBytes(share.resolve("out/a.env"))).isEqualTo(a);
        assertThat(show(AGENT, "StatusText").get("StatusText")).contains("3 stale", "file failing since");
        int acted = actionsSoFar();
        Files.move(share.resolve("etc/secrets.away"), secrets);
        secrets("carol", "pw2", "k2", "good-again");
        waitFor("a acted on the recovered backend", () -> actionsSoFar() > acted);
        assertThat(state().backends().get("file").failingSince()).isNull();
        assertThat(Files.readString(share.resolve("out/a.env"))).contains("carol");
    }

    @Test
    @Order(7)
    void sighupWithABrokenConfigKeepsTheOldOne() throws IOException, InterruptedException {
        String pid = show(AGENT, "MainPID").get("MainPID");
        writeConfig(config().replace("scope: workers", "scope: pool:nope"));
        // `systemctl reload` now fails at its `check` (OperatorSignalsInSystemdIT); a bare SIGHUP (kill -HUP by hand)
        // reaches the daemon, which must reject the config itself.
        ok(box.exec("systemctl", "kill", "--kill-whom=main", "--signal=HUP", AGENT));
        waitFor("the rejection in the status", () -> show(AGENT, "StatusText").get("StatusText")
                .contains("config reload rejected"));
        int acted = actionsSoFar();
        secrets("carol", "pw2", "k3", "good-again");
        waitFor("b acted with the old config", () -> actionsSoFar() > acted);
        assertThat(show(AGENT, "MainPID", "ActiveState")).containsEntry("MainPID", pid)
                .containsEntry("ActiveState", "active");
        writeConfig(config());
        ok(box.exec("systemctl", "reload", AGENT));
        waitFor("the good config applied", () -> !show(AGENT, "StatusText").get("StatusText")
                .contains("config reload rejected"));
    }

    @Test
    @Order(8)
    void statusPrintsTheStateAndSigtermStopsCleanly() throws IOException, InterruptedException {
        Exec.Result status = ok(box.exec(share.resolve("opt/agent/bin/noxus-secrets-agent").toString(), "status", "-c",
                share.resolve("etc/config.yaml").toString()));
        assertThat(status.stdoutText()).contains("ready", "backend file:", "acted");
        Exec.Result json = ok(box.exec(share.resolve("opt/agent/bin/noxus-secrets-agent").toString(), "status", "-c",
                share.resolve("etc/config.yaml").toString(), "--output", "json"));
        String everything = status.stdoutText() + json.stdoutText() + Files.readString(share.resolve("state/daemon.json"))
                + box.exec("journalctl", "--no-pager", "-o", "verbose").stdoutText()
                + box.exec("systemctl", "status", "--no-pager", AGENT).stdoutText();
        assertThat(everything).contains("\"event\":\"output_changed\"", "\"event\":\"action\"")
                .doesNotContain(CANARY);
        assertThat(Files.readString(share.resolve("out/a.env"))).contains(CANARY);
        ok(box.exec("systemctl", "stop", AGENT));
        assertThat(show(AGENT, "Result", "ExecMainStatus", "NRestarts")).containsEntry("Result", "success")
                .containsEntry("ExecMainStatus", "0").containsEntry("NRestarts", "0");
    }

    @Test
    @Order(9)
    void renderActsThroughTheSameCodeAndNoActOnlyWrites() throws IOException {
        Map<String, String> before = identities();
        secrets("carol", "pw2", "k4", "good-again");
        String agent = share.resolve("opt/agent/bin/noxus-secrets-agent").toString();
        String config = share.resolve("etc/config.yaml").toString();
        Exec.Result noAct = ok(box.exec(agent, "render", "-c", config, "--no-act"));
        assertThat(noAct.stdoutText()).doesNotContain("acted:");
        assertThat(identities().get("app-b.service")).isEqualTo(before.get("app-b.service"));
        secrets("carol", "pw2", "k5", "good-again");
        Exec.Result render = ok(box.exec(agent, "render", "-c", config));
        assertThat(render.stdoutText()).contains("acted: restart app-b.service (service b): ok");
        Map<String, String> after = identities();
        assertThat(after.get("app-b.service")).isNotEqualTo(before.get("app-b.service"));
        assertThat(after).containsEntry("app-a.service", before.get("app-a.service"))
                .containsEntry("app-c.service", before.get("app-c.service"));
    }
}
