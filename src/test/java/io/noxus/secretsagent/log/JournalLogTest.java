package io.noxus.secretsagent.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class JournalLogTest {
    @AfterEach
    void reset() {
        JournalLog.configure(Level.INFO, Map.of(), System.err);
    }

    @Test
    void underJournaldEachLevelGetsItsSdDaemonPriority() {
        assertThat(JournalLog.format(true, Level.ERROR, "Daemon", "x")).isEqualTo("<3>ERROR Daemon - x\n");
        assertThat(JournalLog.format(true, Level.WARN, "Daemon", "x")).startsWith("<4>WARN ");
        assertThat(JournalLog.format(true, Level.INFO, "Daemon", "x")).startsWith("<6>INFO ");
        assertThat(JournalLog.format(true, Level.DEBUG, "Daemon", "x")).startsWith("<7>DEBUG ");
    }

    @Test
    void outsideJournaldLinesArePlain() {
        assertThat(JournalLog.format(false, Level.ERROR, "Daemon", "x")).isEqualTo("ERROR Daemon - x\n");
        assertThat(JournalLog.line(false, Level.WARN, "{\"a\":1}")).isEqualTo("{\"a\":1}");
        assertThat(JournalLog.line(true, Level.WARN, "{\"a\":1}")).isEqualTo("<4>{\"a\":1}");
    }

    @Test
    void everyLineOfAMultiLineMessageKeepsThePriority() {
        assertThat(JournalLog.format(true, Level.WARN, "X", "one\ntwo")).isEqualTo("<4>WARN X - one\n<4>two\n");
    }

    @Test
    void journalStreamInTheHostEnvironmentTurnsThePrefixesOn() {
        assertThat(JournalLog.underJournal(Map.of("JOURNAL_STREAM", "8:12345"))).isTrue();
        assertThat(JournalLog.underJournal(Map.of())).isFalse();
        assertThat(JournalLog.underJournal(Map.of("JOURNAL_STREAM", ""))).isFalse();
    }

    @Test
    void slf4jLoggersWriteThroughItWithTheLevelAndPrefix() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JournalLog.configure(Level.INFO, Map.of("JOURNAL_STREAM", "8:1"), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        var log = LoggerFactory.getLogger("io.noxus.secretsagent.daemon.Transitions");
        log.debug("hidden at info");
        log.error("backend {} failing: {}", "vault", "sealed", new IllegalStateException("may quote data: s3cr3t"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "<3>ERROR Transitions - backend vault failing: sealed (java.lang.IllegalStateException)\n");
    }

    @Test
    void logLevelDebugReachesTheAgentsOwnLoggersButNeverThirdPartyOnesBelowWarn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JournalLog.configure(Level.DEBUG, Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        LoggerFactory.getLogger("io.noxus.secretsagent.daemon.Daemon").debug("own");
        LoggerFactory.getLogger("software.amazon.awssdk.request").debug("Authorization: header");
        LoggerFactory.getLogger("software.amazon.awssdk.request").warn("sdk warning");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("DEBUG Daemon - own\nWARN request - sdk warning\n");
    }

    @Test
    void anUnknownLevelIsRefusedWithTheChoices() {
        assertThat(JournalLog.parseLevel("WARNING")).isEqualTo(Level.WARN);
        assertThatThrownBy(() -> JournalLog.parseLevel("loud")).hasMessageContaining("error, warn, info or debug");
    }
}
