package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A copy of a source checkout's launcher and build (agent/bin/, target/ with target/lib/) in a systemd box's shared
 * folder, and the packaged unit pointing at it: what the box tests run as the agent.
 */
public final class AgentInBox {
    private AgentInBox() {
    }

    /** Copies launcher, jar and libs into {@code share/opt}; returns the launcher's path. */
    public static Path install(Path repo, Path share) throws IOException {
        Path jar = repo.resolve("target/noxus-secrets-agent.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("run with mvn verify (the IT needs the packaged jar)");
        }
        Files.createDirectories(share.resolve("opt/agent/bin"));
        Files.createDirectories(share.resolve("opt/target/lib"));
        Path bin = share.resolve("opt/agent/bin/noxus-secrets-agent");
        Files.copy(repo.resolve("agent/bin/noxus-secrets-agent"), bin, StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(jar, share.resolve("opt/target/noxus-secrets-agent.jar"));
        try (var libs = Files.list(repo.resolve("target/lib"))) {
            for (Path lib : libs.toList()) {
                Files.copy(lib, share.resolve("opt/target/lib").resolve(lib.getFileName()));
            }
        }
        return bin;
    }

    /** The packaged unit, its launcher and config moved into {@code share}. */
    public static String unit(Path repo, Path share) throws IOException {
        return Files.readString(repo.resolve("packaging/systemd/noxus-secrets-agent.service"))
                .replace("/opt/noxus-secrets-agent/bin/", share.resolve("opt/agent/bin") + "/")
                .replace("/etc/noxus-secrets-agent/config.yaml", share.resolve("etc/config.yaml").toString());
    }
}
