package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.config.RotationPolicy;
import io.noxus.secretsagent.engine.RotationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The daemon notes each rotation state change once in the audit, and nothing when nothing changed. */
class RotationWatchTest {
    static final Instant SET = Instant.parse("2026-01-01T00:00:00Z");
    final List<String> lines = new ArrayList<>();
    final RotationWatch watch = new RotationWatch(new Audit(lines::add, false));

    static RotationReport at(long days, Instant setAt) {
        Instant now = SET.plus(Duration.ofDays(days));
        return new RotationReport(now, List.of(
                RotationReport.judge("aws:noxus/openai", List.of("OPENAI_API_KEY"), List.of("backend"),
                        new RotationPolicy(30, 7), Optional.of(setAt), Optional.empty(), now),
                RotationReport.judge("file:AUTH", List.of("AUTH"), List.of("backend"), new RotationPolicy(30, 7),
                        Optional.empty(), Optional.empty(), now)));
    }

    @Test
    void eachTransitionIsNotedOnceAndARotatedValueIsNotedBackToOk() throws Exception {
        watch.observe(at(1, SET));
        watch.observe(at(2, SET));
        assertThat(lines).as("ok and unknown at start are not news").isEmpty();
        watch.observe(at(24, SET));
        watch.observe(at(25, SET));
        watch.observe(at(31, SET));
        watch.observe(at(40, SET));
        watch.observe(new RotationReport(SET.plus(Duration.ofDays(41)), List.of(RotationReport.failed(
                "aws:noxus/openai", List.of("OPENAI_API_KEY"), List.of("backend"), new RotationPolicy(30, 7),
                "access refused"))));
        watch.observe(at(42, SET));
        watch.observe(at(43, SET.plus(Duration.ofDays(43))));

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(new ObjectMapper().readTree(line));
        }
        assertThat(events).extracting(e -> e.path("status").asText())
                .containsExactly("due in 6 d", "overdue by 1 d", "ok");
        assertThat(events).extracting(e -> e.path("previous").asText(null)).containsExactly("ok", "due", "overdue");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("event").asText()).isEqualTo("rotation");
            assertThat(e.path("reference").asText()).isEqualTo("aws:noxus/openai");
            assertThat(e.path("feeds").get(0).asText()).isEqualTo("OPENAI_API_KEY");
        });
        assertThat(events.get(0).path("set_at").asText()).isEqualTo(SET.toString());
    }

    @Test
    void aReferenceAlreadyOverdueAtStartIsNotedOnce() {
        watch.observe(at(50, SET));
        watch.observe(at(51, SET));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("\"state\":\"overdue\"").contains("\"previous\":null");
    }
}
