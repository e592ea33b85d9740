package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
    @TempDir
    Path root;

    private OutputSpec spec(Path path, int mode, String group) {
        return new OutputSpec("test: out", path, OutputFormat.RAW, mode, Optional.empty(), Optional.ofNullable(group));
    }

    @Test
    void writesTheBytesWithTheRequestedModeAndLeavesNoTempFile() throws IOException {
        Path target = root.resolve("a/b/file.env");
        new AtomicWriter(List.of(root)).write(spec(target, 0640, null), "X=1\n".getBytes());
        assertThat(Files.readString(target)).isEqualTo("X=1\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void setsTheConfiguredGroup() throws IOException {
        Path target = root.resolve("grouped.env");
        new AtomicWriter(List.of(root)).write(spec(target, 0640, "daemon"), "X".getBytes());
        assertThat(Files.getAttribute(target, "posix:group").toString()).isEqualTo("daemon");
    }

    @Test
    void anUnknownGroupFailsNamingItAndLeavesNoFile() {
        Path target = root.resolve("grouped.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(root)).write(spec(target, 0640, "no-such-group-x"),
                "X".getBytes())).isInstanceOf(OutputException.class)
                .hasMessage(target + ": group 'no-such-group-x' does not exist on this host (test: out)");
        assertThat(root.toFile().list()).isEmpty();
    }

    @Test
    void anOwnerRemovedAfterLoadingIsReportedAgainstTheOwnerKeyNotThePath() {
        Path target = root.resolve("owned.env");
        OutputSpec spec = new OutputSpec("config.yaml: services.api.output.path", target, OutputFormat.RAW, 0600,
                Optional.of("no-such-user-x"), Optional.empty());
        assertThatThrownBy(() -> new AtomicWriter(List.of(root)).write(spec, "X".getBytes()))
                .hasMessage(target + ": owner 'no-such-user-x' does not exist on this host "
                        + "(config.yaml: services.api.output.owner)");
        assertThat(root.toFile().list()).isEmpty();
    }

    @Test
    void refusesToWriteThroughASymlinkAtTheTarget() throws IOException {
        Path elsewhere = Files.writeString(root.resolve("elsewhere"), "precious");
        Path out = Files.createDirectory(root.resolve("out"));
        Path target = Files.createSymbolicLink(out.resolve("file.env"), elsewhere);
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessage(target + ": is a symlink; refusing to write through it (remove the link)");
        assertThat(Files.readString(elsewhere)).isEqualTo("precious");
    }

    @Test
    void refusesASymlinkedFolderBetweenTheRootAndTheTarget() throws IOException {
        Path real = Files.createDirectory(root.resolve("real"));
        Path out = Files.createDirectory(root.resolve("out"));
        Files.createSymbolicLink(out.resolve("sub"), real);
        Path target = out.resolve("sub/file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessage(target + ": folder " + out.resolve("sub") + " is a symlink; refusing to follow it");
        assertThat(real.toFile().list()).isEmpty();
    }

    @Test
    void refusesASymlinkAsTheRootAndWritesNothingWhereItPoints() throws IOException {
        Path real = Files.createDirectory(root.resolve("real"));
        Path link = Files.createSymbolicLink(root.resolve("link"), real);
        Path target = link.resolve("file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(link)).write(spec(target, 0600, null), "X".getBytes()))
                .isInstanceOf(OutputException.class).hasMessage(target + ": root " + link
                        + " is a symlink; a root must be a real folder (give its real path in roots)");
        assertThat(real.toFile().list()).isEmpty();
    }

    @Test
    void refusesAPathThatClimbsOutOfTheRootWithDotDot() {
        Path out = root.resolve("out");
        Path target = Path.of(out + "/../escaped.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessage(target + ": not an absolute, normalized path; refusing to write");
        assertThat(root.resolve("escaped.env")).doesNotExist();
    }

    @Test
    void refusesARootThatGroupOrOthersMayWrite() throws IOException {
        Path out = Files.createDirectory(root.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path target = out.resolve("file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessage(target + ": root " + out + " is writable by group or others (mode 0775); only root (or "
                        + "the agent's own user) may control the folders down to a root: run chmod go-w " + out
                        + ", or choose another root");
        assertThat(target).doesNotExist();
    }

    @Test
    void refusesARootBelowAFolderOthersMayWriteButAcceptsARootOwnedStickyOne() throws IOException {
        Path open = Files.createDirectory(root.resolve("open"));
        Path out = Files.createDirectory(open.resolve("out"));
        Path target = out.resolve("file.env");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessageStartingWith(target + ": folder " + open + " (on the way to the root " + out
                        + ") is writable by group or others (mode 0777)");
        Files.setAttribute(open, "unix:mode", 01777);
        new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes());
        assertThat(Files.readString(target)).isEqualTo("X");
    }

    @Test
    void refusesAStickyFolderAsTheRootItself() throws IOException {
        Path out = Files.createDirectory(root.resolve("out"));
        Files.setAttribute(out, "unix:mode", 01777);
        Path target = out.resolve("file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessageStartingWith(target + ": root " + out + " is writable by group or others (mode 1777)");
    }

    @Test
    void refusesARootOrAFolderAboveItOwnedByAnotherUser() throws IOException {
        Path mine = Files.createDirectory(root.resolve("mine"));
        Path out = Files.createDirectory(mine.resolve("out"));
        Files.setAttribute(mine, "unix:uid", 4242);
        Path target = out.resolve("file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(out)).write(spec(target, 0600, null), "X".getBytes()))
                .hasMessageStartingWith(target + ": folder " + mine + " (on the way to the root " + out
                        + ") is owned by uid 4242, not root");
        assertThat(target).doesNotExist();
    }

    @Test
    void createsAMissingRootAsToday() throws IOException {
        Path out = root.resolve("new/out");
        new AtomicWriter(List.of(out)).write(spec(out.resolve("file.env"), 0600, null), "X".getBytes());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(out.resolve("file.env"))).isEqualTo("X");
    }

    @Test
    void removesOnlyItsOwnLeftoverTempFilesForTheGivenOutputs() throws IOException {
        Path dir = Files.createDirectories(root.resolve("a"));
        Path target = dir.resolve("file.env");
        List<Path> leftovers = List.of(dir.resolve(".file.env.tmp-0123456789abcdef"),
                dir.resolve(".file.env.tmp-fedcba9876543210"));
        for (Path p : leftovers) {
            Files.writeString(p, "SECRET=1\n");
        }
        List<Path> kept = List.of(Files.writeString(dir.resolve(".file.env.tmp-0123"), "not ours: too short"),
                Files.writeString(dir.resolve(".file.env.tmp-0123456789ABCDEF"), "not ours: upper case"),
                Files.writeString(dir.resolve(".other.env.tmp-0123456789abcdef"), "another output's, not asked"),
                Files.writeString(dir.resolve("x.file.env.tmp-0123456789abcdef"), "not ours: prefix"),
                Files.createDirectory(dir.resolve(".file.env.tmp-aaaaaaaaaaaaaaaa")),
                Files.createSymbolicLink(dir.resolve(".file.env.tmp-bbbbbbbbbbbbbbbb"), target));
        new AtomicWriter(List.of(root)).removeLeftovers(List.of(spec(target, 0600, null),
                spec(root.resolve("missing/x.env"), 0600, null)));
        leftovers.forEach(p -> assertThat(p).doesNotExist());
        kept.forEach(p -> assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                .isTrue());
        assertThat(root.resolve("missing")).doesNotExist();
    }

    @Test
    void refusesATargetOutsideTheRoots() {
        Path target = root.resolve("other/file.env");
        assertThatThrownBy(() -> new AtomicWriter(List.of(root.resolve("out"))).write(spec(target, 0600, null),
                "X".getBytes())).hasMessageStartingWith(target + ": outside the configured roots");
    }

    @Test
    void replacesAnExistingFileWholeAndFixesItsMode() throws IOException {
        Path target = Files.writeString(root.resolve("file.env"), "OLD=1\nOLD=2\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
        new AtomicWriter(List.of(root)).write(spec(target, 0600, null), "NEW=1\n".getBytes());
        assertThat(Files.readString(target)).isEqualTo("NEW=1\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    }
}
