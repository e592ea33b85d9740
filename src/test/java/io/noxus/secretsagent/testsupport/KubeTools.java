package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real Kubernetes parsers, installed by scripts/install-test-tools.sh: {@code .tools/bin/kubecheck} (strict
 * decoding with k8s.io/api types and ESO's CRD schemas in {@code .tools/eso-crds}) and {@code .tools/bin/helm}.
 * A missing tool fails the test, naming what to install.
 */
public final class KubeTools {
    private KubeTools() {
    }

    /** kubecheck's verdict on these files: exit 0 and one "ok" line per document, or the first problem. */
    public static Exec.Result kubecheck(List<Path> files) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool("bin/kubecheck").toString(), tool("eso-crds").toString()));
        files.forEach(f -> command.add(f.toString()));
        return Exec.run(command, Map.of(), null);
    }

    /** {@code helm template} of a chart with one values file; the rendered YAML, or the test fails with helm's error. */
    public static String helmTemplate(Path chart, Path values) throws IOException {
        Path home = Files.createTempDirectory("helm-home");
        Exec.Result r = Exec.run(List.of(tool("bin/helm").toString(), "template", "noxus", chart.toString(), "-f",
                values.toString()), Map.of("HOME", home.toString(), "HELM_CACHE_HOME", home + "/cache",
                "HELM_CONFIG_HOME", home + "/config", "HELM_DATA_HOME", home + "/data"), null);
        if (!r.ok()) {
            throw new AssertionError("helm template failed: " + r.stderrText());
        }
        return r.stdoutText();
    }

    private static Path tool(String relative) {
        Path path = RealReaders.repoRoot().resolve(".tools").resolve(relative);
        if (!Files.exists(path)) {
            throw new AssertionError(path + " is missing: run scripts/install-test-tools.sh (it builds kubecheck "
                    + "from tools/kubecheck, extracts the ESO CRDs and go-installs helm), then run the tests again");
        }
        return path;
    }
}
