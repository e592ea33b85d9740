package io.noxus.secretsagent.output;

import io.noxus.secretsagent.config.FilePermissions;
import io.noxus.secretsagent.config.OutputSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces a file so that readers see either the old or the new bytes, never a mix, and never a moment with the
 * wrong mode or owner: a temp file in the target folder is created exclusively (never through a symlink) with the
 * final mode, given its owner and group, written, fsynced, renamed over the target, and the folder is fsynced.
 * Targets must lie strictly inside one of the roots; no folder between the root and the target may be a symlink.
 */
public final class AtomicWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private final List<Path> roots;

    public AtomicWriter(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public void write(OutputSpec spec, byte[] content) {
        Path target = spec.path();
        Path dir = prepareFolders(target);
        refuseNonRegular(target);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes()));
        try {
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, NOFOLLOW), PosixFilePermissions.asFileAttribute(
                    FilePermissions.fromMode(spec.mode() & 0700)))) {
                applyOwnership(temp, spec);
                Files.setPosixFilePermissions(temp, FilePermissions.fromMode(spec.mode()));
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(dir);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new OutputException(target, "could not write the file", e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
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

    /** Creates missing folders from the root down (mode 0755), refusing any symlink on the way. */
    private Path prepareFolders(Path target) {
        Path root = roots.stream().filter(r -> target.startsWith(r) && !target.equals(r)).findFirst()
                .orElseThrow(() -> new OutputException(target, "outside the configured roots " + roots));
        Path dir = target.getParent();
        try {
            Files.createDirectories(root);
            Path current = root;
            for (Path part : root.relativize(dir)) {
                current = current.resolve(part);
                if (Files.isSymbolicLink(current)) {
                    throw new OutputException(target, "folder " + current + " is a symlink; refusing to follow it");
                }
                try {
                    Files.createDirectory(current, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwxr-xr-x")));
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(current, NOFOLLOW)) {
                        throw new OutputException(target, current + " exists and is not a folder");
                    }
                }
            }
        } catch (IOException e) {
            throw new OutputException(target, "could not create its folder", e);
        }
        return dir;
    }

    private static void refuseNonRegular(Path target) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, NOFOLLOW);
            if (attrs.isSymbolicLink()) {
                throw new OutputException(target, "is a symlink; refusing to write through it (remove the link)");
            }
            if (!attrs.isRegularFile()) {
                throw new OutputException(target, "exists and is not a regular file");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // a new file
        } catch (IOException e) {
            throw new OutputException(target, "cannot inspect the existing file", e);
        }
    }

    private static void applyOwnership(Path temp, OutputSpec spec) throws IOException {
        if (spec.owner().isEmpty() && spec.group().isEmpty()) {
            return;
        }
        UserPrincipalLookupService users = temp.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class, NOFOLLOW);
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
    }

    private static void syncFolder(Path dir) throws IOException {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the original error is the one worth reporting
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The current bytes of a file, or empty when it does not exist; refuses symlinks. */
    public static Optional<byte[]> current(Path path) {
        refuseNonRegular(path);
        try (FileChannel in = FileChannel.open(path, Set.of(StandardOpenOption.READ, NOFOLLOW))) {
            return Optional.of(java.nio.channels.Channels.newInputStream(in).readAllBytes());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new OutputException(path, "cannot read the existing file", e);
        }
    }
}
