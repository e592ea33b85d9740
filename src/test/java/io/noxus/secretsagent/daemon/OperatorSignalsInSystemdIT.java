package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.AgentInBox;
import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.SystemdBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an operator sees, in a real systemd with the packaged unit: failures and recoveries in the journal at their
 * priority ({@code journalctl -p}), {@code status --check} exit codes, {@code check} against the host, a reload with a
 * bad config failing, and no {@code Error:} booked on the agent by a child it started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorSignalsInSystemdIT {
    static final String AGENT = "noxus-secrets-agent.service";
    static final String CANARY = "CANARY9b1e";
    static SystemdBox box;
    static Path share;
    static String bin;

    @BeforeAll
    static void boot() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath();
        box = SystemdBox.boot(repo.resolve("scripts/systemd-box.sh"));
        share = box.share();
        for (String d : new String[] {"etc", "out", "ro"}) {
            Files.createDirectories(share.resolve(d));
        }
        bin = AgentInBox.install(repo, share).toString();
        writeConfig(config(""));
        secrets("one");
        Files.writeString(box.units().resolve("app-a.service"), "[Service]\nEnvironmentFile=" + share.resolve("out/a.env")
                + "\nExecStart=/bin/sleep infinity\n");
        Files.writeString(box.units().resolve(AGENT), AgentInBox.unit(repo, share));
        Files.createDirectories(box.units().resolve(AGENT + ".d"));
        // share/ro stands for an output folder outside ReadWritePaths=: read-only inside the unit's namespace.
        Files.writeString(box.units().resolve(AGENT + ".d/box.conf"), "[Service]\nBindPaths=" + share
                + "\nBindReadOnlyPaths=" + share.resolve("ro") + "\n");
        ok(box.exec("systemctl", "daemon-reload"));
        Exec.Result start = box.exec("systemctl", "start", AGENT);
        assertThat(start.ok()).as(() -> start.stderrText() + journal("")).isTrue();
    }

    @AfterAll
    static void down() {
        if (box != null) {
            box.close();
        }
    }

    static String config(String extraServices) {
        return """
                roots: [OUT, RO]
                state_dir: STATE
                backends:
                  file: {type: file, path: secrets.yaml}
                services:
                  a: {role: backend, output: {path: OUT/a.env, format: systemd}, units: [app-a.service]}
                  e: {role: beat, output: {path: OUT/e.env, format: systemd}, action: {command: [/bin/sh, -c, "systemd-notify ERRNO=2; exit 1"]}}
                EXTRA
                mappings:
                  - {env: DB, ref: "file:db", scope: global}
                daemon: {poll_interval_seconds: 1, poll_jitter: 0, settle_seconds: 0, health_timeout_seconds: 5}
                """.replace("EXTRA", extraServices).replace("OUT", share.resolve("out").toString())
                .replace("RO", share.resolve("ro").toString()).replace("STATE", share.resolve("state").toString());
    }

    static void writeConfig(String text) throws IOException {
        Path file = share.resolve("etc/config.yaml");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    static void secrets(String value) throws IOException {
        Path tmp = share.resolve("etc/secrets.tmp");
        Files.writeString(tmp, "db: \"" + CANARY + "-" + value + "\"\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, share.resolve("etc/secrets.yaml"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The agent's journal lines at exactly this priority range (journalctl -p), message text only. */
    static String journal(String priority) {
        try {
            return box.exec(priority.isEmpty() ? new String[] {"journalctl", "--no-pager", "-o", "cat", "-u", AGENT}
                    : new String[] {"journalctl", "--no-pager", "-o", "cat", "-u", AGENT, "-p", priority}).stdoutText();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Exec.Result ok(Exec.Result r) {
        assertThat(r.ok()).as(r.stderrText() + " " + r.stdoutText()).isTrue();
        return r;
    }

    interface Check {
        boolean ok() throws IOException;
    }

    static void waitFor(String what, Check check) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what + "; journal:\n" + journal(""));
            }
            Thread.sleep(200);
        }
    }

    static Exec.Result statusCheck() throws IOException {
        return box.exec(bin, "status", "--check", "-c", share.resolve("etc/config.yaml").toString());
    }

    @Test
    @Order(1)
    void statusCheckSaysOkWhileEverythingIsCurrent() throws IOException, InterruptedException {
        waitFor("status --check OK", () -> statusCheck().exitCode() == 0);
        assertThat(statusCheck().stdoutText().strip()).startsWith("OK: 2/2 outputs ok").doesNotContain("\n");
    }

    @Test
    @Order(2)
    void aChildThatSendsErrnoBooksNothingOnTheAgent() throws IOException, InterruptedException {
        secrets("two");   // e changes: its command runs systemd-notify ERRNO=2 and fails
        waitFor("the failed action of e in the journal", () -> journal("warning..warning")
                .contains("\"service\":\"e\""));
        assertThat(box.exec("systemctl", "show", "-p", "StatusErrno", AGENT).stdoutText().strip())
                .isEqualTo("StatusErrno=0");
        assertThat(box.exec("systemctl", "status", "--no-pager", AGENT).stdoutText()).doesNotContain("Error:");
    }

    @Test
    @Order(3)
    void theSecretsFileRemovedIsAnErrorInTheJournalAndItsReturnAWarning() throws IOException, InterruptedException {
        Path file = share.resolve("etc/secrets.yaml");
        Files.move(file, share.resolve("etc/secrets.away"));
        waitFor("the backend failure at priority err", () -> journal("err..err").contains("backend file is failing"));
        waitFor("status --check WARNING", () -> statusCheck().exitCode() == 1);
        assertThat(statusCheck().stdoutText()).startsWith("WARNING: ").contains("backend file failing for");
        assertThat(journal("err..err")).contains("output a (" + share.resolve("out/a.env") + ") is stale: ");
        Files.move(share.resolve("etc/secrets.away"), file);
        waitFor("the recovery at priority warning", () -> journal("warning..warning")
                .contains("backend file recovered after"));
        waitFor("the output's recovery", () -> journal("warning..warning").contains("output a ("
                + share.resolve("out/a.env") + ") is ok again after"));
        assertThat(journal("info..info")).doesNotContain("backend file is failing", "recovered after");
        assertThat(journal("")).doesNotContain(CANARY);
    }

    @Test
    @Order(4)
    void anOutputOnAReadOnlyFolderIsAnErrorNamingTheOsReasonAndTheFix() throws IOException, InterruptedException {
        writeConfig(config("  r: {role: worker, output: {path: " + share.resolve("ro/r.env") + ", format: systemd}}"));
        ok(box.exec("systemctl", "reload", AGENT));
        waitFor("the stale output at priority err", () -> journal("err..err").contains("output r ("));
        assertThat(journal("err..err")).contains("could not write the file: Read-only file system; the folder is "
                + "read-only for the agent: under systemd add it to the unit's ReadWritePaths=");
        writeConfig(config(""));
        ok(box.exec("systemctl", "reload", AGENT));
    }

    @Test
    @Order(5)
    void checkReportsAMissingUnitAndAnUnwritableRootTogether() throws IOException {
        Path bad = share.resolve("etc/bad.yaml");
        Files.writeString(bad, config("").replace("[app-a.service]", "[app-typo.service]")
                .replace("roots: [", "roots: [/var/lib/noxus-out, "));
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
        Exec.Result r = box.exec(bin, "check", "-c", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdoutText()).contains("error: service a: unit app-typo.service does not exist "
                + "(LoadState=not-found)", "error: root /var/lib/noxus-out is not writable under " + AGENT);
    }

    @Test
    @Order(6)
    void aReloadWithABadConfigFailsAndTheRunningOneStays() throws IOException {
        String pid = box.exec("systemctl", "show", "-p", "MainPID", AGENT).stdoutText().strip();
        writeConfig(config("").replace("scope: global", "scope: pool:nope"));
        Exec.Result reload = box.exec("systemctl", "reload", AGENT);
        assertThat(reload.exitCode()).isNotZero();
        assertThat(box.exec("systemctl", "show", "-p", "MainPID", "-p", "ActiveState", AGENT).stdoutText())
                .contains(pid, "ActiveState=active");
        writeConfig(config(""));
        ok(box.exec("systemctl", "reload", AGENT));
    }

    @Test
    @Order(7)
    void afterAStopStatusSaysNotRunningAndCheckIsCritical() throws IOException {
        ok(box.exec("systemctl", "stop", AGENT));
        writeConfig("this: is: not: a config");   // status needs only the state folder
        Exec.Result check = box.exec(bin, "status", "--check", "--state-dir", share.resolve("state").toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.stdoutText()).startsWith("CRITICAL: noxus-secrets-agent is not running (stopped ");
        Exec.Result text = box.exec(bin, "status", "--state-dir", share.resolve("state").toString());
        assertThat(text.stdoutText()).contains("NOT RUNNING (stopped ");
    }
}
