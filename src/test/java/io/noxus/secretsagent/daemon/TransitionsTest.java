package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class TransitionsTest {
    final ManualClock clock = new ManualClock();
    final List<String> lines = new ArrayList<>();
    final Transitions transitions = new Transitions((level, line) -> lines.add(JournalPrefix.of(level) + line));

    /** The level as its journal prefix, so each expectation reads like the journal. */
    static final class JournalPrefix {
        static String of(Level level) {
            return io.noxus.secretsagent.log.JournalLog.prefix(level);
        }
    }

    void output(String state, String... errors) {
        transitions.output("a", "/etc/noxus/a.env", state, List.of(errors), clock.instant());
    }

    void backend(boolean failing, String error) {
        transitions.backend("vault", failing ? Optional.of(clock.instant()) : Optional.empty(),
                Optional.ofNullable(error), clock.instant());
    }

    @Test
    void anOutputTurningStaleIsAnErrorOnceWithItsReasonAndItsRecoveryAWarningWithTheDuration() {
        output("ok");
        output("stale", "/etc/noxus/a.env: could not write the file: Read-only file system; add it to ReadWritePaths=");
        clock.advance(Duration.ofMinutes(5));
        output("stale", "/etc/noxus/a.env: could not write the file: Read-only file system; add it to ReadWritePaths=");
        clock.advance(Duration.ofMinutes(7));
        output("ok");
        output("ok");
        assertThat(lines).containsExactly(
                "<3>output a (/etc/noxus/a.env) is stale: /etc/noxus/a.env: could not write the file: Read-only file "
                        + "system; add it to ReadWritePaths= (the file keeps its last-known-good content until this "
                        + "is fixed)",
                "<4>output a (/etc/noxus/a.env) is ok again after 12 min; its file is current");
    }

    @Test
    void whileItLastsAReminderComesAtMostHourly() {
        backend(true, "vault:secret/db: http://127.0.0.1:8200 is sealed, on standby or unavailable (HTTP 503)");
        for (int minute = 0; minute < 150; minute++) {
            clock.advance(Duration.ofMinutes(1));
            backend(true, "vault:secret/db: sealed");
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("<3>backend vault is failing: vault:secret/db: http://127.0.0.1:8200 is "
                + "sealed").contains("check --backends");
        assertThat(lines.get(1)).startsWith("<3>backend vault still not ok, for 60 min: is failing: vault:secret/db: "
                + "sealed");
        assertThat(lines.get(2)).startsWith("<3>backend vault still not ok, for 2 h: ");
        backend(false, null);
        assertThat(lines.get(3)).isEqualTo("<4>backend vault recovered after 3 h failing; the outputs that need it "
                + "are rendered again");
    }

    @Test
    void aBackendThatNeverFailedAndAnOutputThatWasAlwaysOkSayNothing() {
        for (int i = 0; i < 10; i++) {
            backend(false, null);
            output("ok");
            clock.advance(Duration.ofHours(2));
        }
        assertThat(lines).isEmpty();
    }

    @Test
    void heldContentIsAnIncidentToo() {
        output("held", "content held back: service c failed with it and was rolled back");
        output("ok");
        assertThat(lines).containsExactly("<3>output a (/etc/noxus/a.env) is held: content held back: service c "
                + "failed with it and was rolled back", "<4>output a (/etc/noxus/a.env) is ok again after 0 s; its file "
                + "is current");
    }
}
