package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive in a source checkout (agent/bin + target/): {@code NOXUS_AGENT_CDS=lib} (the
 * checkout's default) survives a rebuilt agent jar, {@code app} (the installed default) is made again for it. Every
 * run passes {@code -Xshare:on}, so a run whose archive does not match its class path fails instead of running
 * without it.
 */
class LauncherArchiveIT {
    @TempDir
    Path dir;
    Path launcher;
    Path jar;
    Path cds;

    @BeforeEach
    void copyCheckout() throws IOException {
        CheckoutCopy.into(dir);
        launcher = CheckoutCopy.launcher(dir);
        jar = CheckoutCopy.jar(dir);
        cds = dir.resolve("cds");
    }

    @Test
    void theCheckoutsDependencyArchiveIsKeptWhenTheAgentJarIsRebuilt() throws Exception {
        assertThat(version(null)).isZero();
        List<Path> first = archives();
        assertThat(first).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("lib-"));
        FileTime made = Files.getLastModifiedTime(first.get(0));
        rebuildJar();
        assertThat(version(null)).isZero();
        assertThat(archives()).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first.get(0))).isEqualTo(made);
    }

    @Test
    void theInstalledKindOfArchiveHoldsTheAgentsClassesAndIsMadeAgainForARebuiltJar() throws Exception {
        assertThat(version("app")).isZero();
        List<Path> first = archives();
        assertThat(first).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("app-"));
        rebuildJar();
        assertThat(version("app")).isZero();
        assertThat(archives()).singleElement().isNotEqualTo(first.get(0))
                .satisfies(a -> assertThat(a.getFileName().toString()).startsWith("app-"));
    }

    /** What `mvn package` does to the archive's key: a new jar (same size here, a new time). */
    private void rebuildJar() throws IOException {
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(cds)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
        }
    }

    private int version(String mode) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile());
        builder.environment().put("NOXUS_AGENT_CDS_DIR", cds.toString());
        builder.environment().put("NOXUS_AGENT_JAVA_OPTS", "-Xshare:on");
        builder.environment().remove("NOXUS_AGENT_CDS");
        if (mode != null) {
            builder.environment().put("NOXUS_AGENT_CDS", mode);
        }
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the launcher finished within 120 s").isTrue();
        String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
        assertThat(out).as(out).startsWith("noxus-secrets-agent ");
        return process.exitValue();
    }
}
