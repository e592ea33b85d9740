package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the launcher finds its jar and its Java, with a stand-in JDK (a release file and a bin/java script that writes
 * the arguments it was given): the version comes from the release file, a Java older than 17 is refused with its
 * version named and is never run, a missing one is named, and a Java that passes gets the agent's class path and the
 * arguments unchanged, also when the launcher is started through a symlink (as /usr/bin/noxus-secrets-agent is).
 */
class LauncherJavaIT {
    @TempDir
    Path dir;
    Path jdk;
    Path ran;

    @BeforeEach
    void copyCheckoutAndJdk() throws IOException {
        CheckoutCopy.into(dir);
        jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.createDirectories(dir.resolve("jdk/lib/server"));
        Files.writeString(dir.resolve("jdk/lib/server/libjvm.so"), "");
        ran = dir.resolve("java-args");
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + ran + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        jdk = jdk.getParent();
    }

    @Test
    void aJavaOlderThan17IsRefusedWithItsVersionAndNeverRun() throws IOException {
        for (String version : List.of("1.8.0_202", "11.0.2", "9")) {
            Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
            Exec.Result r = launcher(CheckoutCopy.launcher(dir), "version");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderrText()).isEqualTo("noxus-secrets-agent: Java " + version + " found at " + jdk
                    + "/bin/java; Java 17 or newer is needed");
            assertThat(ran).doesNotExist();
        }
    }

    @Test
    void aMissingJavaIsNamed() throws IOException {
        Files.delete(jdk.resolve("bin/java"));
        Exec.Result r = launcher(CheckoutCopy.launcher(dir), "version");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderrText()).startsWith("noxus-secrets-agent: no java found; install a Java 17 or newer runtime");
    }

    @Test
    void aJava17GetsTheClassPathAndTheArgumentsUnchangedAlsoThroughASymlink() throws IOException {
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path link = Files.createSymbolicLink(dir.resolve("noxus-secrets-agent"), CheckoutCopy.launcher(dir));
        for (Path start : List.of(CheckoutCopy.launcher(dir), link)) {
            Files.deleteIfExists(ran);
            Exec.Result r = launcher(start, "render", "--config", "a b.yaml", "");
            assertThat(r.exitCode()).as(r.stderrText()).isZero();
            List<String> args = Files.readAllLines(ran);
            assertThat(args.subList(args.size() - 5, args.size()))
                    .containsExactly("io.noxus.secretsagent.cli.Main", "render", "--config", "a b.yaml", "");
            String classPath = args.get(args.indexOf("-cp") + 1);
            assertThat(classPath).startsWith(dir.toRealPath().resolve("target/lib") + "/")
                    .endsWith(":" + dir.toRealPath().resolve("target/noxus-secrets-agent.jar"));
        }
    }

    private Exec.Result launcher(Path start, String... args) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JAVA_HOME", jdk.toString());
        env.put("NOXUS_AGENT_CDS", "off");
        env.remove("NOXUS_AGENT_JAVA_OPTS");
        List<String> command = new ArrayList<>(List.of(start.toString()));
        command.addAll(List.of(args));
        return Exec.run(command, env, dir);
    }
}
