package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #11: a folder on the way to an output swapped for a symlink to an outside folder while renders run must
 * never redirect a write. One thread writes root/a/b/out.env hundreds of times while another keeps swapping a
 * folder on the way between the real folder and a symlink; nothing may ever appear outside the root.
 */
class AtomicWriterRaceTest {
    private static final int WRITES = 400;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "swapping {0}")
    @ValueSource(strings = {"a/b", "a"})
    @Timeout(120)
    void aFolderSwappedForASymlinkDuringWritesNeverRedirectsAByteOutsideTheRoot(String swapped) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path target = root.resolve("a/b/out.env");
        Files.createDirectories(target.getParent());
        Files.createDirectories(outside.resolve("b"));
        OutputSpec spec = new OutputSpec("test: out", target, OutputFormat.RAW, 0600, Optional.empty(),
                Optional.empty());
        AtomicWriter writer = new AtomicWriter(List.of(root));
        Swapper swapper = new Swapper(root.resolve(swapped), outside);
        Thread swapping = new Thread(swapper, "swapper");
        swapping.start();
        int written = 0;
        List<String> refusals = new ArrayList<>();
        try {
            for (int i = 0; i < WRITES; i++) {
                try {
                    writer.write(spec, ("SECRET=value-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                    written++;
                } catch (OutputException e) {
                    refusals.add(e.getMessage());
                }
                assertThat(filesUnder(outside)).as("files outside the root after write " + i).isEmpty();
            }
        } finally {
            swapper.stop.set(true);
            swapping.join();
        }
        assertThat(swapper.swaps.get()).as("swaps made").isGreaterThan(10);
        assertThat(filesUnder(outside)).isEmpty();
        assertThat(written).as("writes that succeeded").isPositive();
        assertThat(refusals).allSatisfy(m -> assertThat(m).startsWith(target + ": ").doesNotContain("value-"));
        assertThat(filesUnder(root)).as("no temp file left anywhere")
                .allSatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("out.env"));
    }

    /** Moves {@code folder} aside, puts a symlink to {@code outside} in its place, then puts the folder back. */
    private static final class Swapper implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger swaps = new AtomicInteger();
        private final Path folder;
        private final Path aside;
        private final Path outside;

        Swapper(Path folder, Path outside) {
            this.folder = folder;
            this.aside = folder.resolveSibling(folder.getFileName() + ".aside");
            this.outside = outside;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    Files.move(folder, aside);
                    Files.createSymbolicLink(folder, outside);
                    swaps.incrementAndGet();
                    Thread.onSpinWait();
                    Files.delete(folder);
                    Files.move(aside, folder);
                } catch (IOException e) {
                    restore();
                }
            }
            restore();
        }

        /** The writer may have re-created the folder while it was away: keep the original, drop the other. */
        private void restore() {
            try {
                if (Files.isSymbolicLink(folder)) {
                    Files.delete(folder);
                }
                if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(folder);
                    Files.move(aside, folder);
                }
            } catch (IOException e) {
                // the writer raced us again; the next round retries
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
