package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The text exposition format as Prometheus' parsers read it (MetricsTextfileIT runs the real ones). */
class ExpositionTest {
    @Test
    void labelValuesAndHelpAreEscapedAndEachFamilyHasOneHelpAndTypeLine() {
        Exposition x = new Exposition();
        x.gauge("m", "help with \\ and\nnew line").sample(1, "path", "/etc/a \"b\"\\c\nd").sample(0, "path", "e");
        assertThat(new String(x.bytes(), StandardCharsets.UTF_8)).isEqualTo("""
                # HELP m help with \\\\ and\\nnew line
                # TYPE m gauge
                m{path="/etc/a \\"b\\"\\\\c\\nd"} 1
                m{path="e"} 0
                """);
    }

    @Test
    void numbersAreWholeWhereTheyCanBeAndTimesAreSecondsToTheMillisecond() {
        Exposition x = new Exposition();
        x.gauge("t", "a time").sample(Instant.parse("2026-12-01T12:00:00.250Z")).sample(Instant.parse(
                "2026-12-01T12:00:00Z"), "l", "whole");
        x.gauge("n", "not a number").sample(Double.NaN).sample(Double.POSITIVE_INFINITY, "l", "inf");
        assertThat(new String(x.bytes(), StandardCharsets.UTF_8)).contains("t 1.79612640025E9\n",
                "t{l=\"whole\"} 1796126400\n", "n NaN\n", "n{l=\"inf\"} +Inf\n");
    }

    @Test
    void aFamilyWithoutSamplesIsLeftOutAndNamingMistakesAreRefused() {
        Exposition x = new Exposition();
        x.gauge("empty", "no samples");
        x.counter("c_total", "a counter").sample(3);
        assertThat(new String(x.bytes(), StandardCharsets.UTF_8)).doesNotContain("empty").contains("c_total 3\n");
        assertThatThrownBy(() -> x.counter("c", "no _total")).hasMessageContaining("ends in _total");
        assertThatThrownBy(() -> x.gauge("c_total", "twice")).hasMessageContaining("declared twice");
    }
}
