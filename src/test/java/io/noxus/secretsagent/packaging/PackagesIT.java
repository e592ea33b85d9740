package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.SystemdBox;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The .deb and the tarball `mvn package` builds, judged by dpkg's own tools: metadata, contents and modes, an
 * install / edited-conffile reinstall / remove / purge into a throw-away root, and the maintainer scripts' systemd
 * part (enable, start, stop on upgrade, start after it) against a real systemd in the box.
 */
class PackagesIT {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Map<String, String> ENV = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C");
    static Path deb;
    static Path tarball;

    @BeforeAll
    static void packages() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve("target"))) {
            deb = files.filter(p -> p.getFileName().toString().matches("noxus-secrets-agent_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("run with mvn verify: no target/noxus-secrets-agent_*_all.deb"));
        }
        tarball = REPO.resolve("target/noxus-secrets-agent-dist.tar.gz");
        assertThat(tarball).as("run with mvn verify (the tarball is built in the package phase)").exists();
    }

    static Exec.Result ok(String... cmd) throws IOException {
        Exec.Result r = Exec.run(List.of(cmd), ENV, null);
        assertThat(r.exitCode()).as(String.join(" ", cmd) + ": " + r.stderrText() + r.stdoutText()).isZero();
        return r;
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theDebDeclaresItsJavaDependencyAndItsConffile() throws IOException {
        String info = ok("dpkg-deb", "--info", deb.toString()).stdoutText();
        assertThat(info).contains(" Package: noxus-secrets-agent\n", " Architecture: all\n",
                " Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, init-system-helpers (>= 1.54~)\n")
                .contains("conffiles", "postinst", "prerm", "postrm");
        assertThat(ok("dpkg-deb", "--field", deb.toString(), "Version").stdoutText().strip()).matches("\\d+\\.\\d+\\.\\d+.*");
        Path control = Files.createTempDirectory("nsa-deb-control");
        try {
            ok("dpkg-deb", "--control", deb.toString(), control.toString());
            assertThat(Files.readString(control.resolve("conffiles"))).isEqualTo("/etc/noxus-secrets-agent/config.yaml\n");
            for (String script : List.of("postinst", "prerm", "postrm")) {
                assertThat(mode(control.resolve(script))).isEqualTo("rwxr-xr-x");
                ok("sh", "-n", control.resolve(script).toString());
            }
        } finally {
            ok("rm", "-rf", control.toString());
        }
    }

    @Test
    void theDebHoldsTheLauncherJarsUnitTmpfilesAndDefaultConfigWithTheirModes() throws IOException {
        List<String> lines = ok("dpkg-deb", "--contents", deb.toString()).stdoutText().lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("-rwxr-xr-x root/root") && l.endsWith(" ./opt/noxus-secrets-agent/bin/noxus-secrets-agent"))
                .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./opt/noxus-secrets-agent/noxus-secrets-agent.jar"))
                .anyMatch(l -> l.matches("-rw-r--r-- root/root .* \\./opt/noxus-secrets-agent/lib/picocli-.*\\.jar"))
                .anyMatch(l -> l.matches("-rw-r--r-- root/root .* \\./opt/noxus-secrets-agent/lib/jackson-databind-.*\\.jar"))
                .anyMatch(l -> l.endsWith(" ./usr/bin/noxus-secrets-agent -> /opt/noxus-secrets-agent/bin/noxus-secrets-agent"))
                .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./lib/systemd/system/noxus-secrets-agent.service"))
                .anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith(" ./usr/lib/tmpfiles.d/noxus-secrets-agent.conf"))
                .anyMatch(l -> l.startsWith("-rw------- root/root") && l.endsWith(" ./etc/noxus-secrets-agent/config.yaml"))
                .anyMatch(l -> l.startsWith("drwxr-x--- root/root") && l.endsWith(" ./etc/noxus-secrets-agent/conf.d/"))
                .anyMatch(l -> l.endsWith(" ./opt/noxus-secrets-agent/docs/daemon.md"))
                .noneMatch(l -> l.contains("-tests.jar") || l.contains("junit") || l.contains("/iam-"));
        // The shipped unit is byte for byte the one HardenedUnitIT verifies and scores.
        Path x = Files.createTempDirectory("nsa-deb-x");
        try {
            ok("dpkg-deb", "-x", deb.toString(), x.toString());
            assertThat(Files.readString(x.resolve("lib/systemd/system/noxus-secrets-agent.service")))
                    .isEqualTo(Files.readString(REPO.resolve("packaging/systemd/noxus-secrets-agent.service")));
        } finally {
            ok("rm", "-rf", x.toString());
        }
    }

    @Test
    void theDebAndTheTarballShipExactlyTheRuntimeJarsTheAgentsManifestNames() throws IOException {
        Set<String> runtime;
        try (JarFile jar = new JarFile(REPO.resolve("target/noxus-secrets-agent.jar").toFile())) {
            runtime = Set.of(jar.getManifest().getMainAttributes().getValue("Class-Path").trim().split(" +"));
        }
        assertThat(runtime).as("the manifest's Class-Path").anyMatch(j -> j.startsWith("lib/picocli-"));
        Set<String> inDeb = ok("dpkg-deb", "--contents", deb.toString()).stdoutText().lines()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.startsWith("./opt/noxus-secrets-agent/lib/") && p.endsWith(".jar"))
                .map(p -> p.substring("./opt/noxus-secrets-agent/".length())).collect(Collectors.toSet());
        Set<String> inTarball = ok("tar", "-tzf", tarball.toString()).stdoutText().lines()
                .filter(p -> p.matches("[^/]+/lib/[^/]+\\.jar")).map(p -> p.substring(p.indexOf('/') + 1))
                .collect(Collectors.toSet());
        assertThat(inDeb).as("a jar an older build left in target/lib is not shipped").isEqualTo(runtime);
        assertThat(inTarball).isEqualTo(runtime);
    }

    @Test
    void theShippedPicocliIsTheSameReleasesClassesCompiledForJava17() throws IOException {
        Path dir = Files.createTempDirectory("nsa-picocli");
        try {
            ok("tar", "-xzf", tarball.toString(), "-C", dir.toString(), "--wildcards", "*/lib/picocli-*.jar");
            Path shipped;
            try (Stream<Path> found = Files.find(dir, 3, (p, a) -> p.getFileName().toString().startsWith("picocli-"))) {
                shipped = found.findFirst().orElseThrow();
            }
            Path central = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            assertThat(shipped.getFileName()).as("the name the agent's Class-Path gives").isEqualTo(central.getFileName());
            Map<String, Integer> shippedClasses = classVersions(shipped);
            assertThat(shippedClasses.keySet()).as("the same classes as the release on Maven Central")
                    .isEqualTo(classVersions(central).keySet());
            assertThat(Set.copyOf(shippedClasses.values())).as("class-file major versions").containsExactly(61);
            try (JarFile jar = new JarFile(shipped.toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue("Noxus-Rebuilt-From"))
                        .startsWith(central.getFileName().toString().replace(".jar", "-sources.jar"));
            }
        } finally {
            ok("rm", "-rf", dir.toString());
        }
    }

    /** The classes of a jar (Java 9+ versioned entries left out) and their class-file major versions. */
    static Map<String, Integer> classVersions(Path jarFile) throws IOException {
        Map<String, Integer> versions = new TreeMap<>();
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    try (DataInputStream in = new DataInputStream(jar.getInputStream(e))) {
                        in.readInt();
                        in.readUnsignedShort();
                        versions.put(e.getName(), in.readUnsignedShort());
                    }
                }
            }
        }
        return versions;
    }

    @Test
    void installEditReinstallRemovePurgeInAThrowAwayRoot(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        // The root has no Java (the dependency is what apt resolves); maintainer scripts run outside it with
        // DPKG_ROOT set, the way dpkg --root is meant to be used for bootstrapping.
        List<String> dpkg = List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "--log=/dev/null");
        ok(cat(dpkg, "-i", deb.toString()));
        assertThat(mode(root.resolve("etc/noxus-secrets-agent"))).isEqualTo("rwxr-x---");
        assertThat(mode(root.resolve("etc/noxus-secrets-agent/conf.d"))).isEqualTo("rwxr-x---");
        assertThat(mode(root.resolve("etc/noxus-secrets-agent/config.yaml"))).isEqualTo("rw-------");
        assertThat(mode(root.resolve("var/lib/noxus-secrets-agent"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("etc/noxus"))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/noxus-secrets-agent.service")))
                .hasToString("/lib/systemd/system/noxus-secrets-agent.service");
        // The installed launcher runs, and the default config is valid and renders nothing.
        Path launcher = root.resolve("opt/noxus-secrets-agent/bin/noxus-secrets-agent");
        Path config = root.resolve("etc/noxus-secrets-agent/config.yaml");
        assertThat(ok(launcher.toString(), "version").stdoutText()).startsWith("noxus-secrets-agent ");
        assertThat(ok(launcher.toString(), "render", "--dry-run", "--detailed-exitcode", "-c", config.toString())
                .stdoutText()).contains("0 outputs");
        // An operator's edit survives a reinstall (conffile); remove keeps it, purge takes it and the state.
        Files.writeString(config, Files.readString(config) + "# edited by the operator\n");
        ok(cat(dpkg, "-i", deb.toString()));
        assertThat(Files.readString(config)).endsWith("# edited by the operator\n");
        Files.writeString(root.resolve("var/lib/noxus-secrets-agent/host.key"), "k");
        ok(cat(dpkg, "-r", "noxus-secrets-agent"));
        assertThat(launcher).doesNotExist();
        assertThat(root.resolve("lib/systemd/system/noxus-secrets-agent.service")).doesNotExist();
        assertThat(Files.readString(config)).endsWith("# edited by the operator\n");
        ok(cat(dpkg, "-P", "noxus-secrets-agent"));
        assertThat(config).doesNotExist();
        assertThat(root.resolve("var/lib/noxus-secrets-agent")).doesNotExist();
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/noxus-secrets-agent.service"))
                .doesNotExist();
    }

    @Test
    void theTarballRunsFromWhereverItIsUnpackedAndThroughASymlink(@TempDir Path dir) throws IOException {
        Path top = unpackTarball(dir);
        assertThat(top.getFileName().toString()).startsWith("noxus-secrets-agent-");
        assertThat(mode(top.resolve("bin/noxus-secrets-agent"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(top.resolve("share/config/config.yaml"))).isEqualTo("rw-------");
        assertThat(top.resolve("share/systemd/noxus-secrets-agent.service")).exists();
        assertThat(top.resolve("share/tmpfiles.d/noxus-secrets-agent.conf")).exists();
        Path link = dir.resolve("noxus-secrets-agent");
        Files.createSymbolicLink(link, top.resolve("bin/noxus-secrets-agent"));
        assertThat(ok(link.toString(), "version").stdoutText()).startsWith("noxus-secrets-agent ");
        assertThat(ok(link.toString(), "--help").stdoutText()).contains("render", "check", "daemon", "status");
        // Every command's help reads like a manual page: options, exit status, files, environment.
        for (String command : List.of("render", "check", "daemon", "status")) {
            assertThat(ok(link.toString(), command, "--help").stdoutText()).contains("Usage: noxus-secrets-agent " + command,
                    "--config", "Exit status", "Files:", "/etc/noxus-secrets-agent/config.yaml", "Environment:",
                    "NOXUS_AGENT_JAVA_OPTS");
        }
        // status --check has exit codes of its own (monitoring); the others share the top command's.
        assertThat(ok(link.toString(), "render", "--help").stdoutText()).contains("Exit status:",
                "  2   render --detailed-exitcode: something changed");
        assertThat(ok(link.toString(), "status", "--help").stdoutText()).contains("Exit status with --check:",
                "  2   CRITICAL: not running, or no readable state");
    }

    @Test
    void theDebShipsManPagesACompletionScriptAndADocFolderThatWork(@TempDir Path dir) throws IOException {
        List<String> lines = ok("dpkg-deb", "--contents", deb.toString()).stdoutText().lines().toList();
        for (String page : List.of("noxus-secrets-agent", "noxus-secrets-agent-render", "noxus-secrets-agent-check",
                "noxus-secrets-agent-daemon", "noxus-secrets-agent-status")) {
            assertThat(lines).anyMatch(l -> l.startsWith("-rw-r--r-- root/root")
                    && l.endsWith(" ./usr/share/man/man1/" + page + ".1.gz"));
        }
        assertThat(lines).anyMatch(l -> l.startsWith("-rw-r--r-- root/root")
                        && l.endsWith(" ./usr/share/bash-completion/completions/noxus-secrets-agent"))
                .anyMatch(l -> l.startsWith("-rw-r--r-- root/root")
                        && l.endsWith(" ./usr/share/doc/noxus-secrets-agent/README.md"))
                .anyMatch(l -> l.endsWith(" ./usr/share/doc/noxus-secrets-agent/docs -> /opt/noxus-secrets-agent/docs"));
        ok("dpkg-deb", "-x", deb.toString(), dir.toString());
        assertManPageAndCompletion(dir.resolve("usr/share/man/man1"),
                dir.resolve("usr/share/bash-completion/completions/noxus-secrets-agent"));
    }

    @Test
    void theTarballShipsTheSameManPagesAndCompletionScript(@TempDir Path dir) throws IOException {
        Path top = unpackTarball(dir);
        assertManPageAndCompletion(top.resolve("share/man/man1"),
                top.resolve("share/bash-completion/completions/noxus-secrets-agent"));
    }

    /** Unpacks the tarball into {@code dir}; returns its one top folder. */
    static Path unpackTarball(Path dir) throws IOException {
        ok("tar", "-xzf", tarball.toString(), "-C", dir.toString());
        try (Stream<Path> s = Files.list(dir)) {
            return s.findFirst().orElseThrow();
        }
    }

    /**
     * The render page is a section-1 troff page of render's options and exit status; sourced into bash, the
     * completion script completes a subcommand and an option of it.
     */
    static void assertManPageAndCompletion(Path man1, Path completion) throws IOException {
        String render = ok("gzip", "-dc", man1.resolve("noxus-secrets-agent-render.1.gz").toString()).stdoutText();
        assertThat(render).contains(".TH \"NOXUS\\-SECRETS\\-AGENT\\-RENDER\" \"1\"", ".SH \"NAME\"",
                "noxus-secrets-agent-render \\- Fetch secrets", "\\fB\\-\\-dry\\-run\\fP", ".SH \"EXIT STATUS",
                "render \\-\\-detailed\\-exitcode: something changed");
        assertThat(complete(completion, "noxus-secrets-agent", "ren")).isEqualTo("render\n");
        assertThat(complete(completion, "noxus-secrets-agent", "render", "--dr")).isEqualTo("--dry-run\n");
        assertThat(complete(completion, "noxus-secrets-agent", "he")).isEqualTo("help\n");
    }

    /** What bash's completion function from {@code script} offers for the last of {@code words}, one per line. */
    static String complete(Path script, String... words) throws IOException {
        String program = """
                source "$0" 2>/dev/null
                fn=$(complete -p noxus-secrets-agent | sed -E 's/.*-F ([^ ]+).*/\\1/')
                COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                "$fn" 2>/dev/null
                printf '%s\\n' "${COMPREPLY[@]}"
                """;
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", program, script.toString()));
        cmd.addAll(List.of(words));
        return ok(cmd.toArray(String[]::new)).stdoutText();
    }

    /** The maintainer scripts' systemd part against a real systemd: install, upgrade (stop, start), remove, purge. */
    @Test
    void maintainerScriptsEnableStartAndStopStartOnUpgradeInARealSystemd() throws IOException, InterruptedException {
        try (SystemdBox box = SystemdBox.boot(REPO.resolve("scripts/systemd-box.sh"))) {
            Path share = box.share();
            Path tree = share.resolve("root");
            Path control = share.resolve("control");
            ok("dpkg-deb", "-x", deb.toString(), tree.toString());
            ok("dpkg-deb", "--control", deb.toString(), control.toString());
            Files.createDirectories(share.resolve("etc"));
            Files.createDirectories(share.resolve("out"));
            // The box's / is the host's, read-only: the unpacked tree and config live in the shared folder.
            Path config = share.resolve("etc/config.yaml");
            Files.writeString(config, Files.readString(tree.resolve("etc/noxus-secrets-agent/config.yaml"))
                    .replace("roots: [/etc/noxus]", "roots: [" + share.resolve("out") + "]\nstate_dir: " + share.resolve("state")
                            ));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            String unit = Files.readString(tree.resolve("lib/systemd/system/noxus-secrets-agent.service"))
                    .replace("/opt/noxus-secrets-agent/", tree.resolve("opt/noxus-secrets-agent") + "/")
                    .replace("/etc/noxus-secrets-agent/config.yaml", config.toString());
            Files.writeString(box.units().resolve("noxus-secrets-agent.service"), unit);
            Files.createDirectories(box.units().resolve("noxus-secrets-agent.service.d"));
            Files.writeString(box.units().resolve("noxus-secrets-agent.service.d/box.conf"), "[Service]\nBindPaths=" + share + "\n");

            // An image-build host forbids starting services through policy-rc.d (this build VM's says 101), and
            // deb-systemd-invoke obeys it; the box stands for a real server, where starting is allowed.
            if (Files.exists(Path.of("/usr/sbin/policy-rc.d"))) {
                Path allow = share.resolve("policy-rc.d");
                Files.writeString(allow, "#!/bin/sh\nexit 0\n");
                Files.setPosixFilePermissions(allow, PosixFilePermissions.fromString("rwxr-xr-x"));
                Exec.Result bind = box.exec("mount", "--bind", allow.toString(), "/usr/sbin/policy-rc.d");
                assertThat(bind.ok()).as(bind.stderrText()).isTrue();
            }
            script(box, control, "postinst", "configure");                 // fresh install
            assertThat(show(box, "UnitFileState", "ActiveState")).isEqualTo("enabled active");
            String firstPid = show(box, "MainPID");
            // Under the hardened unit the launcher made the class-data archive in the state folder, and the JVM maps it.
            Exec.Result maps = box.exec("grep", "-c", "/var/lib/noxus-secrets-agent/cds/app-.*\\.jsa", "/proc/" + firstPid + "/maps");
            assertThat(maps.ok()).as("the daemon maps its CDS archive: " + maps.stdoutText() + maps.stderrText()).isTrue();
            script(box, control, "prerm", "upgrade", "0.1.0");              // upgrade: the old version stops ...
            assertThat(show(box, "ActiveState")).isEqualTo("inactive");
            script(box, control, "postinst", "configure", "0.1.0");         // ... and the new one starts
            assertThat(show(box, "UnitFileState", "ActiveState")).isEqualTo("enabled active");
            assertThat(show(box, "MainPID")).isNotEqualTo(firstPid);
            assertThat(show(box, "Result", "NRestarts")).isEqualTo("success 0");
            box.exec("systemctl", "disable", "noxus-secrets-agent.service");  // an operator's choice survives upgrades
            script(box, control, "prerm", "upgrade", "0.1.0");
            script(box, control, "postinst", "configure", "0.1.0");
            assertThat(show(box, "UnitFileState", "ActiveState")).isEqualTo("disabled inactive");
            box.exec("systemctl", "enable", "--now", "noxus-secrets-agent.service");
            script(box, control, "prerm", "remove");
            assertThat(show(box, "ActiveState")).isEqualTo("inactive");
            script(box, control, "postrm", "remove");
            script(box, control, "postrm", "purge");
        }
    }

    static void script(SystemdBox box, Path control, String name, String... args) throws IOException {
        // deb-systemd-helper only acts when called from dpkg, which it knows from these two variables.
        List<String> cmd = new ArrayList<>(List.of("env", "DPKG_MAINTSCRIPT_PACKAGE=noxus-secrets-agent",
                "DPKG_MAINTSCRIPT_NAME=" + name, "sh", control.resolve(name).toString()));
        cmd.addAll(List.of(args));
        Exec.Result r = box.exec(cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(name + " " + String.join(" ", args) + ": " + r.stderrText() + r.stdoutText()
                + box.exec("journalctl", "--no-pager", "-n", "30").stdoutText()).isZero();
    }

    /** The values of the given unit properties, space-separated, in order. */
    static String show(SystemdBox box, String... props) throws IOException {
        List<String> values = new ArrayList<>();
        for (String p : props) {
            values.add(box.exec("systemctl", "show", "-P", p, "noxus-secrets-agent.service").stdoutText().strip());
        }
        return String.join(" ", values);
    }

    static String[] cat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
