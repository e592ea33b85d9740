package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #11: a root others may control is refused by {@code check} and by {@code render}, which writes nothing. */
class RootHostChecksTest {
    @TempDir
    Path dir;
    Path config;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        config = PrivateFiles.write(dir, "config.yaml", MainTest.CONFIG);
        PrivateFiles.write(dir, "secrets.yaml", "db: \"pg://one\"\netl: \"pg://etl\"\n");
        out = Files.createDirectory(dir.resolve("out"));
    }

    @Test
    void checkAndRenderAcceptARootOwnedFolderChainUnderTheStickyTmp() {
        assertThat(InProcess.run("check", "-c", config.toString()).exit()).isZero();
        assertThat(InProcess.run("render", "--no-act", "-c", config.toString()).exit()).isZero();
        assertThat(out.resolve("api.env")).isRegularFile();
    }

    @Test
    void checkAndRenderRefuseARootThatGroupOrOthersMayWrite() throws IOException {
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        String refusal = out + ": root " + out + " is writable by group or others (mode 0777); only root (or the agent's own "
                + "user) may control the folders down to a root: run chmod go-w " + out + ", or choose another root";

        InProcess.Run check = InProcess.run("check", "-c", config.toString());
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out() + check.err()).as("check lists it with every other finding").contains(refusal);

        InProcess.Run render = InProcess.run("render", "--no-act", "-c", config.toString());
        assertThat(render.exit()).isEqualTo(1);
        assertThat(render.out() + render.err()).as("the state folder inside the root is refused first")
                .contains(out.resolve(".state/host.key") + ": folder " + out + " (on the way to the root "
                        + out.resolve(".state") + ") is writable by group or others (mode 0777)")
                .doesNotContain("pg://one");
        assertThat(out.resolve("api.env")).doesNotExist();
    }

    @Test
    void renderRefusesAFolderAboveTheRootOwnedByAnotherUser() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.setAttribute(other, "unix:uid", 4242);
        PrivateFiles.write(dir, "config.yaml", MainTest.CONFIG.replace("roots: [out]", "roots: [out, other/env]")
                .replace("out/worker.env", "other/env/worker.env"));

        InProcess.Run render = InProcess.run("render", "--no-act", "-c", config.toString());

        assertThat(render.exit()).isEqualTo(1);
        assertThat(render.out() + render.err()).contains(dir.resolve("other/env/worker.env") + ": folder " + other
                + " (on the way to the root " + other.resolve("env") + ") is owned by uid 4242, not root");
        assertThat(other.resolve("env")).doesNotExist();
        assertThat(out.resolve("api.env")).as("the other outputs are still written").isRegularFile();
    }
}
