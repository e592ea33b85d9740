package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A copy of the checkout's launcher and packaged jars (agent/bin + target/), so a test can change the jars' times or
 * fill its own class-data folder without touching the checkout's.
 */
final class CheckoutCopy {
    private CheckoutCopy() {
    }

    /** Copies agent/bin/noxus-secrets-agent, target/noxus-secrets-agent.jar, classes.lst and lib/ into dir. */
    static void into(Path dir) throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        Path target = repo.resolve("target");
        assertThat(target.resolve("noxus-secrets-agent.jar")).as("run with mvn verify (the IT needs the packaged jar)")
                .exists();
        assertThat(target.resolve("classes.lst")).as("mvn package records target/classes.lst").exists();
        Files.createDirectories(dir.resolve("agent/bin"));
        Files.createDirectories(dir.resolve("target/lib"));
        Files.copy(repo.resolve("agent/bin/noxus-secrets-agent"), launcher(dir), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(target.resolve("noxus-secrets-agent.jar"), jar(dir));
        Files.copy(target.resolve("classes.lst"), dir.resolve("target/classes.lst"));
        try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
            for (Path lib : libs.toList()) {
                Files.copy(lib, dir.resolve("target/lib").resolve(lib.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static Path launcher(Path dir) {
        return dir.resolve("agent/bin/noxus-secrets-agent");
    }

    static Path jar(Path dir) {
        return dir.resolve("target/noxus-secrets-agent.jar");
    }
}
