package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.RealReaders;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's metrics textfile through the programs that really read it: {@code promtool check metrics} (the
 * format and Prometheus' naming conventions), and node_exporter's textfile collector, started on a free 127.0.0.1
 * port with only that collector, scraped over HTTP. Both come from Debian's packages, unpacked into .tools/ by
 * scripts/install-test-tools.sh; a missing one fails the test.
 */
class MetricsTextfileIT {
    /** A label value with every character the exposition format escapes. */
    private static final String AWKWARD = "a \"quoted\" back\\slash\nnew line";

    @TempDir
    Path dir;

    @Test
    void promtoolAcceptsTheTextfileAndNodeExporterServesEverySeriesWithItsValue() throws Exception {
        Path promtool = tool("promtool");
        Path nodeExporter = tool("prometheus-node-exporter");
        Path textfiles = producedTextfiles();
        Path ours = textfiles.resolve("noxus-secrets-agent.prom");

        Exec.Result check = Exec.run(List.of("sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool.toString(),
                ours.toString()), null, null);
        assertThat(check.exitCode()).as("promtool check metrics: %s%s", check.stdoutText(), check.stderrText())
                .isZero();
        assertThat(check.stdoutText() + check.stderrText()).as("no lint problem").isBlank();
        Exec.Result checkAwkward = Exec.run(List.of("sh", "-c", "exec \"$0\" check metrics < \"$1\"",
                promtool.toString(), textfiles.resolve("awkward.prom").toString()), null, null);
        assertThat(checkAwkward.exitCode()).as("escaped labels: %s", checkAwkward.stderrText()).isZero();

        Map<String, Double> written = samples(Files.readString(ours));
        Map<String, Double> served = scrape(nodeExporter, textfiles);
        assertThat(served).containsEntry("node_textfile_scrape_error", 0.0);
        written.forEach((series, value) -> assertThat(served).as(series).containsEntry(series, value));
        String api = "{output=\"api\",path=\"" + dir.resolve("out/api.env") + "\"}";
        assertThat(served).containsEntry("noxus_secrets_agent_output_held" + api, 1.0)
                .containsEntry("noxus_secrets_agent_output_stale" + api, 1.0)
                .containsEntry("noxus_secrets_agent_rollbacks_held", 1.0)
                .containsEntry("noxus_secrets_agent_actions_total{outcome=\"rolled_back\",service=\"api\"}", 1.0)
                .containsEntry("noxus_secrets_agent_backend_failing{backend=\"file\"}", 0.0)
                .containsKey("noxus_secrets_agent_backend_requests_total{backend=\"file\"}")
                .containsEntry("noxus_secrets_agent_escaping_probe{value=\""
                        + Exposition.escapeLabel(AWKWARD) + "\"}", 1.0);
        MetricsTest.CANARIES.forEach(canary -> assertThat(served.toString()).doesNotContain(canary));
    }

    /** The daemon's textfile after a rollback (held content, counted actions), plus a file of awkward labels. */
    private Path producedTextfiles() throws Exception {
        MetricsTest run = new MetricsTest();
        run.dir = dir;
        run.setUp();
        try {
            run.start();
            run.runFor(Duration.ofSeconds(3));
            run.secrets(MetricsTest.CANARIES.get(3));
            run.runFor(Duration.ofSeconds(6));
        } finally {
            run.tearDown();
        }
        Path textfiles = run.textfile().getParent();
        Exposition awkward = new Exposition();
        awkward.gauge("noxus_secrets_agent_escaping_probe", "A label value with \\ and a\nnew line.")
                .sample(1, "value", AWKWARD);
        Files.write(textfiles.resolve("awkward.prom"), awkward.bytes());
        return textfiles;
    }

    /** Starts node_exporter with only the textfile collector on a free loopback port, and scrapes it once. */
    private Map<String, Double> scrape(Path nodeExporter, Path textfiles) throws Exception {
        int port = freePort();
        Path log = dir.resolve("node-exporter.log");
        Process exporter = new ProcessBuilder(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults", "--collector.textfile",
                "--collector.textfile.directory=" + textfiles).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            Instant giveUp = Instant.now().plusSeconds(20);
            while (true) {
                try {
                    HttpResponse<String> answer = http.send(get, HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).isEqualTo(200);
                    return samples(answer.body());
                } catch (IOException notYet) {
                    if (!exporter.isAlive() || Instant.now().isAfter(giveUp)) {
                        throw new AssertionError("node_exporter did not answer on 127.0.0.1:" + port + ": "
                                + Files.readString(log), notYet);
                    }
                    Thread.sleep(100);
                }
            }
        } finally {
            exporter.destroy();
            exporter.waitFor();
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Series (name and labels in name order) to value (node_exporter prints 1767225600 as 1.7672256e+09). */
    static Map<String, Double> samples(String exposition) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            List<String> labels = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1) + "=\"" + l.group(2) + "\"");
                }
                labels.sort(null);
            }
            out.put(m.group(1) + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}"),
                    Double.parseDouble(m.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path tool(String name) {
        Path tool = RealReaders.repoRoot().resolve(".tools/bin/" + name);
        if (!Files.isExecutable(tool)) {
            throw new AssertionError(name + " is missing from .tools/bin: run scripts/install-test-tools.sh (it "
                    + "unpacks Debian's prometheus and prometheus-node-exporter packages into .tools/prometheus)");
        }
        return tool;
    }
}
