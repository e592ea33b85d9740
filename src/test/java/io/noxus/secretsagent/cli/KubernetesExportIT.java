package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.kube.KubernetesMatrix;
import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.KubeTools;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.RealReaders;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export kubernetes} of a fixture with global, workers, two pools and service-only secrets overlapping at
 * every level (and bulk mappings overlapping each other), against a real OpenBao: every manifest decodes strictly
 * with the real API definitions, the values render through the real helm, and each rendered Deployment gets exactly
 * the variable names and files a VM render gives the same service.
 */
class KubernetesExportIT {
    static final String CANARY = "CANARY7c2f";
    static final Path CHART = RealReaders.repoRoot().resolve("src/test/resources/kube/chart");
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    OpenBaoServer server;
    Path config;

    @BeforeEach
    void start() throws IOException {
        server = OpenBaoServer.start(dir.resolve("bao"));
        server.bao("kv", "put", "secret/noxus/platform", "database_url=" + CANARY, "redis_url=" + CANARY,
                "auth_secret=" + CANARY, "log_token=" + CANARY, "backend_db=" + CANARY);
        server.bao("kv", "put", "secret/noxus/workers", "redis_url=" + CANARY, "etl_db=" + CANARY);
        server.bao("kv", "put", "secret/noxus/finance", "etl_db=" + CANARY, "banking_api_key=" + CANARY,
                "own_key=" + CANARY);
        server.bao("kv", "put", "secret/noxus/general", "redis_url=" + CANARY);
        server.bao("kv", "put", "secret/noxus/custom-nodes", "openai=" + CANARY, "serp_api=" + CANARY);
        server.bao("kv", "put", "secret/noxus/general-nodes", "openai=" + CANARY, "local_llm=" + CANARY);
        server.bao("kv", "put", "secret/noxus/files", "signing=" + CANARY, "ca=" + CANARY);
        Files.writeString(dir.resolve("vault.token"), server.rootToken());
        Files.setPosixFilePermissions(dir.resolve("vault.token"), PosixFilePermissions.fromString("rw-------"));
        config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(RealReaders.repoRoot()
                .resolve("src/test/resources/kube/fixture.yaml")).replace("VAULT_ADDRESS", server.address()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyWorkloadGetsExactlyTheVariablesAndFilesItsServiceGetsOnAVm() throws IOException {
        Map<String, Set<String>> vm = vmNames();
        Path out = export("--namespace", "noxus");
        Map<String, Set<String>> cluster = deploymentNames(KubeTools.helmTemplate(CHART,
                out.resolve("values-noxus.yaml")));
        assertThat(cluster).isEqualTo(vm);
        assertThat(vm.get("worker-finance")).as("the fixture overlaps at every level").contains("BANKING_API_KEY",
                "ETL_DB", "NODE_OPENAI", "REDIS_URL", "file:" + dir.resolve("root/ca.pem")).doesNotContain("BACKEND_DB");
    }

    @Test
    void everyExportedManifestAndTheRenderedChartDecodeStrictly() throws IOException {
        Path out = export("--namespace", "noxus");
        List<Path> files = listYaml(out);
        Exec.Result check = KubeTools.kubecheck(files);
        assertThat(check.exitCode()).as(check.stderrText()).isZero();
        assertThat(check.stdoutText()).contains("SecretStore noxus-vault-secret", "ExternalSecret noxus-worker-finance",
                "ExternalSecret noxus-backend-files");
        Path rendered = dir.resolve("rendered.yaml");
        Files.writeString(rendered, KubeTools.helmTemplate(CHART, out.resolve("values-noxus.yaml")));
        Exec.Result chart = KubeTools.kubecheck(List.of(rendered));
        assertThat(chart.exitCode()).as(chart.stderrText()).isZero();
        assertThat(chart.stdoutText()).contains("Deployment noxus-worker-general");
        assertThat(String.join("", Stream.of(files.toArray(Path[]::new)).map(KubernetesExportIT::read).toList()))
                .doesNotContain(CANARY);
    }

    @Test
    void theStrictDecoderRejectsAFieldTheApiDoesNotKnow() throws IOException {
        Path out = export("--cluster-store");
        Path store = out.resolve("clustersecretstore-noxus-vault-secret.yaml");
        Files.writeString(store, read(store).replace("server:", "serverr:"));
        Exec.Result check = KubeTools.kubecheck(List.of(store));
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.stderrText()).contains("'serverr' not allowed");
    }

    @Test
    void theKubernetesMatrixEqualsTheVmMatrixWithoutTheMainEnvColumn() {
        try (Agent agent = Agent.open(config, TestHosts.quiet())) {
            CheckReport vmMatrix = agent.check(false);
            CheckReport kube = KubernetesMatrix.of(agent.config(), agent.kubernetes().workloads(List.of()));
            int mainEnv = vmMatrix.services().indexOf("main-env");
            assertThat(kube.services()).isEqualTo(vmMatrix.services().stream().filter(s -> !s.equals("main-env"))
                    .toList());
            for (int i = 0; i < vmMatrix.rows().size(); i++) {
                List<String> cells = new ArrayList<>(vmMatrix.rows().get(i).cells());
                cells.remove(mainEnv);
                assertThat(kube.rows().get(i).cells()).as(vmMatrix.rows().get(i).variable()).isEqualTo(cells);
            }
        }
    }

    @Test
    void theFileBackendIsRefusedUnlessValuesInManifestsAreAskedFor() throws IOException {
        Path secrets = dir.resolve("secrets.yaml");
        Files.writeString(secrets, "AUTH: \"" + CANARY + "\"\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config, read(config).replace("backends:\n", "backends:\n  file: {type: file, path: secrets.yaml}\n")
                .replace("mappings:\n", "mappings:\n  - {env: AUTH, ref: \"file:AUTH\", scope: \"service:frontend\"}\n"));
        InProcess.Run refused = InProcess.run("export", "kubernetes", "-c", config.toString(), "--output-dir",
                dir.resolve("k8s").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("backends.file (type file, file:AUTH)", "--plain-secrets-with-values")
                .doesNotContain(CANARY);
        InProcess.Run plain = InProcess.run("export", "kubernetes", "-c", config.toString(), "--output-dir",
                dir.resolve("k8s").toString(), "--plain-secrets-with-values");
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.err()).contains("hold secret values");
        Path frontend = dir.resolve("k8s/secret-noxus-frontend.yaml");
        assertThat(Files.getPosixFilePermissions(frontend)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(read(frontend)).contains("AUTH: \"" + java.util.Base64.getEncoder().encodeToString(
                CANARY.getBytes()) + "\"");
        assertThat(KubeTools.kubecheck(listYaml(dir.resolve("k8s"))).exitCode()).isZero();
    }

    private Path export(String... extra) {
        Path out = dir.resolve("k8s");
        List<String> args = new ArrayList<>(List.of("export", "kubernetes", "-c", config.toString(), "--output-dir",
                out.toString()));
        args.addAll(List.of(extra));
        InProcess.Run run = InProcess.run(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(CANARY);
        return out;
    }

    /** Per service, the names a VM render writes into its env file, plus file:PATH for each secret file it concerns. */
    private Map<String, Set<String>> vmNames() throws IOException {
        InProcess.Run run = InProcess.run("render", "-c", config.toString(), "--no-act", "--output", "json");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Map<String, Set<String>> names = new TreeMap<>();
        for (JsonNode output : JSON.readTree(run.out()).get("outputs")) {
            for (JsonNode service : output.get("services")) {
                if (service.asText().equals("main-env")) {
                    continue;
                }
                Set<String> set = names.computeIfAbsent(service.asText(), s -> new TreeSet<>());
                Path path = Path.of(output.get("path").asText());
                if (output.get("name").asText().startsWith("file:")) {
                    set.add("file:" + output.get("path").asText());
                } else {
                    Files.readAllLines(path).stream().map(l -> l.replaceFirst("^export ", ""))
                            .filter(l -> l.matches("[A-Z_][A-Z0-9_]*=.*"))
                            .forEach(l -> set.add(l.substring(0, l.indexOf('='))));
                }
            }
        }
        return names;
    }

    /** Per rendered Deployment (named after its service), its env names and file:MOUNTPATH for each mount. */
    private static Map<String, Set<String>> deploymentNames(String rendered) throws IOException {
        Map<String, Set<String>> names = new TreeMap<>();
        YAMLParser parser = new YAMLFactory().createParser(rendered);
        for (JsonNode doc : new ObjectMapper().readValues(parser, JsonNode.class).readAll()) {
            if (doc == null || doc.isEmpty()) {
                continue;
            }
            String service = doc.at("/metadata/name").asText().replaceFirst("^noxus-", "");
            Set<String> set = names.computeIfAbsent(service, s -> new TreeSet<>());
            JsonNode container = doc.at("/spec/template/spec/containers/0");
            container.path("env").forEach(e -> {
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("noxus-" + service);
                assertThat(set.add(e.get("name").asText())).as("set once: " + e.get("name")).isTrue();
            });
            container.path("volumeMounts").forEach(m -> set.add("file:" + m.get("mountPath").asText()));
        }
        return names;
    }

    private static List<Path> listYaml(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("values-noxus.yaml")).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
