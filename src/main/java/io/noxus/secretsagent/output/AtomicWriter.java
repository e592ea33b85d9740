package io.noxus.secretsagent.output;

import io.noxus.secretsagent.config.FilePermissions;
import io.noxus.secretsagent.config.OutputSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file so that readers see either the old or the new bytes, never a mix, and never a moment with the
 * wrong mode or owner. Targets must lie strictly inside one of the roots. The procedure, in order:
 * <ol>
 * <li>the root and every folder above it pass {@link RootTrust} (created first when missing);</li>
 * <li>the target's folder is reached by walking down from the root with handles that never follow a symlink
 *     ({@link SafeFolder}), creating missing folders;</li>
 * <li>relative to that handle: a temp file {@code .NAME.tmp-<16 hex>} is created exclusively with the final mode
 *     (owner bits only until owner and group are set), written, fsynced, renamed over the target, and the folder is
 *     fsynced.</li>
 * </ol>
 * A temp file left by a killed render holds secrets: {@link #removeLeftovers} deletes them (under the render lock).
 */
public final class AtomicWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicWriter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String TEMP_MARK = ".tmp-";
    private static final int TEMP_HEX_DIGITS = 16;
    private final List<Path> roots;

    public AtomicWriter(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public void write(OutputSpec spec, byte[] content) {
        Path target = spec.path();
        Path root = rootOf(target);
        RootTrust.prepare(root, target);
        try (SafeFolder dir = SafeFolder.walk(root, target, true).orElseThrow()) {
            String name = target.getFileName().toString();
            refuseNonRegular(target, dir.attributes(name));
            String temp = "." + name + TEMP_MARK + HexFormat.of().formatHex(randomBytes());
            try {
                try (FileChannel out = dir.createNew(temp, PosixFilePermissions.asFileAttribute(
                        FilePermissions.fromMode(spec.mode() & 0700)))) {
                    applyOwnershipAndMode(dir.posixView(temp), spec);
                    writeFully(out, content);
                    out.force(true);
                }
                dir.rename(temp, name);
                dir.sync();
            } catch (IOException e) {
                deleteQuietly(dir, temp);
                throw new OutputException(target, "could not write the file", e);
            } catch (RuntimeException e) {
                deleteQuietly(dir, temp);
                throw e;
            }
        }
    }

    /**
     * Deletes the temp files a killed render left next to these outputs: only regular files named exactly like this
     * writer's temp files for one of these outputs, found through the same link-free walk. Call it under the render
     * lock, before writing. Missing folders are skipped; a folder that cannot be walked safely is logged and left
     * alone (writing its outputs then fails with the same reason, output by output).
     */
    public void removeLeftovers(Collection<OutputSpec> specs) {
        Map<Path, List<Path>> byFolder = specs.stream().map(OutputSpec::path)
                .collect(Collectors.groupingBy(Path::getParent, LinkedHashMap::new, Collectors.toList()));
        byFolder.forEach((folder, targets) -> {
            try {
                removeLeftovers(folder, targets);
            } catch (OutputException e) {
                LOG.warn("cannot look for temp files left by an interrupted render: {}", e.getMessage());
            }
        });
    }

    private void removeLeftovers(Path folder, List<Path> targets) {
        Path first = targets.get(0);
        Path root = rootOf(first);
        if (!Files.isDirectory(root, NOFOLLOW)) {
            return;
        }
        RootTrust.verify(root, first);
        Pattern ours = Pattern.compile(targets.stream().map(t -> Pattern.quote("." + t.getFileName() + TEMP_MARK))
                .collect(Collectors.joining("|", "(?:", ")")) + "[0-9a-f]{" + TEMP_HEX_DIGITS + "}");
        Optional<SafeFolder> found = SafeFolder.walk(root, first, false);
        if (found.isEmpty()) {
            return;
        }
        try (SafeFolder dir = found.get()) {
            for (String name : dir.names()) {
                if (ours.matcher(name).matches()
                        && dir.attributes(name).map(BasicFileAttributes::isRegularFile).orElse(false)) {
                    dir.delete(name);
                    LOG.info("removed {}, a temp file left by an interrupted render", dir.path().resolve(name));
                }
            }
        } catch (IOException e) {
            throw new OutputException(first, "could not remove the temp files an interrupted render left in " + folder,
                    e);
        }
    }

    /**
     * The host check of every root ({@link RootTrust}) without writing anything, for {@code check}; a root that does
     * not exist yet is checked as far as it exists (a render creates the rest, 0755).
     */
    public void verifyRoots() {
        roots.forEach(root -> RootTrust.verify(root, root));
    }

    /** The root this target lies strictly inside; a target with {@code .} or {@code ..} in it is refused. */
    private Path rootOf(Path target) {
        if (!target.isAbsolute() || !target.normalize().equals(target)) {
            throw new OutputException(target, "not an absolute, normalized path; refusing to write");
        }
        return roots.stream().filter(r -> target.startsWith(r) && !target.equals(r)).findFirst()
                .orElseThrow(() -> new OutputException(target, "outside the configured roots " + roots));
    }

    private static void refuseNonRegular(Path target, Optional<BasicFileAttributes> attrs) {
        if (attrs.isPresent() && attrs.get().isSymbolicLink()) {
            throw new OutputException(target, "is a symlink; refusing to write through it (remove the link)");
        }
        if (attrs.isPresent() && !attrs.get().isRegularFile()) {
            throw new OutputException(target, "exists and is not a regular file");
        }
    }

    /** Owner and group first, then the full mode (chown clears set-id bits, and group bits only matter after). */
    private static void applyOwnershipAndMode(PosixFileAttributeView view, OutputSpec spec) throws IOException {
        UserPrincipalLookupService users = spec.path().getFileSystem().getUserPrincipalLookupService();
        // The config loader already refused unknown names; this is for one removed while the daemon runs.
        String key = "owner";
        try {
            if (spec.owner().isPresent()) {
                view.setOwner(users.lookupPrincipalByName(spec.owner().get()));
            }
            key = "group";
            if (spec.group().isPresent()) {
                view.setGroup(users.lookupPrincipalByGroupName(spec.group().get()));
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new OutputException(spec.path(), key + " '" + e.getName() + "' does not exist on this host ("
                    + spec.keyLocation(key) + ")");
        }
        view.setPermissions(FilePermissions.fromMode(spec.mode()));
    }

    private static void writeFully(FileChannel out, byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void deleteQuietly(SafeFolder dir, String temp) {
        try {
            dir.delete(temp);
        } catch (IOException ignored) {
            // not created, or already gone: the original error is the one worth reporting
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[TEMP_HEX_DIGITS / 2];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Whether the file on disk has the mode, owner and group the spec asks for. */
    public static boolean metadataMatches(OutputSpec spec, Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, NOFOLLOW);
        var attrs = view.readAttributes();
        if (FilePermissions.toMode(attrs.permissions()) != spec.mode()) {
            return false;
        }
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        if (spec.owner().isPresent() && !attrs.owner().equals(users.lookupPrincipalByName(spec.owner().get()))) {
            return false;
        }
        return spec.group().isEmpty() || attrs.group().equals(users.lookupPrincipalByGroupName(spec.group().get()));
    }

    /**
     * The current bytes of a file, or empty when it does not exist; refuses a symlink or non-regular file at the
     * path (the file is opened with {@code O_NOFOLLOW}). The folders above are not walked: these bytes are only
     * compared and kept in memory, never written anywhere but through {@link #write}.
     */
    public static Optional<byte[]> current(Path path) {
        try {
            refuseNonRegular(path, Optional.of(Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new OutputException(path, "cannot inspect the existing file", e);
        }
        try (FileChannel in = FileChannel.open(path, Set.of(StandardOpenOption.READ, NOFOLLOW))) {
            return Optional.of(Channels.newInputStream(in).readAllBytes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new OutputException(path, "cannot read the existing file", e);
        }
    }
}
