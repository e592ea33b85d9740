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
