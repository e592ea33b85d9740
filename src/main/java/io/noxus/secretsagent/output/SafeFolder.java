package io.noxus.secretsagent.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An open folder handle that never follows a symlink: the root is opened by path (after {@link RootTrust} checked
 * it and every folder above it), every folder below is opened relative to its parent's handle with
 * {@code O_NOFOLLOW}, and files are created, inspected, renamed and deleted relative to the handle ({@code openat},
 * {@code renameat}, {@code unlinkat}). Swapping a folder for a symlink while a render runs makes the open fail; it
 * never redirects a write. Error messages name the output being written ({@code target}).
 */
final class SafeFolder implements Closeable {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final FileAttribute<?> FOLDER_MODE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxr-xr-x"));
    private final SecureDirectoryStream<Path> handle;
    private final Path path;
    private final Path target;

    private SafeFolder(SecureDirectoryStream<Path> handle, Path path, Path target) {
        this.handle = handle;
        this.path = path;
        this.target = target;
    }

    /**
     * Opens the folder of {@code target} by walking down from {@code root}; missing folders are created (0755) when
     * {@code create}, else the result is empty. The root must already exist and have passed {@link RootTrust}.
     */
    static Optional<SafeFolder> walk(Path root, Path target, boolean create) {
        SafeFolder folder = openRoot(root, target);
        try {
            Path below = root.relativize(target.getParent());
            for (Path part : below.toString().isEmpty() ? List.<Path>of() : below) {
                Optional<SafeFolder> child = folder.child(part.toString(), create);
                folder.close();
                if (child.isEmpty()) {
                    return Optional.empty();
                }
                folder = child.get();
            }
            return Optional.of(folder);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    private static SafeFolder openRoot(Path root, Path target) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW);
            if (attrs.isSymbolicLink() || !attrs.isDirectory()) {
                throw new OutputException(target, "root " + root + (attrs.isSymbolicLink() ? " is a symlink"
                        : " is not a folder") + "; a root must be a real folder (fix roots)");
            }
            DirectoryStream<Path> stream = Files.newDirectoryStream(root);
            if (stream instanceof SecureDirectoryStream<Path> secure) {
                return new SafeFolder(secure, root, target);
            }
            stream.close();
            throw new OutputException(target, "this platform cannot open folders without following symlinks "
                    + "(no SecureDirectoryStream); refusing to write");
        } catch (IOException e) {
            throw new OutputException(target, "cannot open the root " + root, e);
        }
    }

    /** The sub-folder {@code name}, opened without following a link; created first (by path) when missing. */
    private Optional<SafeFolder> child(String name, boolean create) {
        Path childPath = path.resolve(name);
        Optional<BasicFileAttributes> attrs = attributes(name);
        if (attrs.isEmpty() && !create) {
            return Optional.empty();
        }
        if (attrs.isEmpty()) {
            // SecureDirectoryStream has no mkdirat: mkdir by path. If a folder above was swapped for a link meanwhile,
            // this makes an empty folder elsewhere at worst; the open below, relative to our handle, then fails.
            try {
                Files.createDirectory(childPath, FOLDER_MODE);
            } catch (FileAlreadyExistsException e) {
                // created concurrently: inspected by the open below
            } catch (IOException e) {
                throw new OutputException(target, "could not create its folder " + childPath, e);
            }
        } else if (attrs.get().isSymbolicLink()) {
            throw new OutputException(target, "folder " + childPath + " is a symlink; refusing to follow it");
        } else if (!attrs.get().isDirectory()) {
            throw new OutputException(target, childPath + " exists and is not a folder");
        }
        try {
            return Optional.of(new SafeFolder(handle.newDirectoryStream(Path.of(name), NOFOLLOW), childPath, target));
        } catch (IOException e) {
            throw new OutputException(target, "folder " + childPath + " changed while opening it (a symlink or "
                    + "not a folder now); refusing to follow it", e);
        }
    }

    /** The attributes of an entry of this folder, the entry itself (never a link's target); empty when missing. */
    Optional<BasicFileAttributes> attributes(String name) {
        try {
            return Optional.of(handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW)
                    .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new OutputException(target, "cannot inspect " + path.resolve(name), e);
        }
    }

    /** Creates a new file exclusively (never through a link) with the given permissions, for writing. */
    FileChannel createNew(String name, FileAttribute<?> permissions) throws IOException {
        SeekableByteChannel channel = handle.newByteChannel(Path.of(name), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, NOFOLLOW), permissions);
        return asFileChannel(channel);
    }

    /** Opens an existing entry for reading without following a link. */
    FileChannel openRead(String name) throws IOException {
        return asFileChannel(handle.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, NOFOLLOW)));
    }

    private FileChannel asFileChannel(SeekableByteChannel channel) throws IOException {
        if (channel instanceof FileChannel file) {
            return file;
        }
        channel.close();
        throw new OutputException(target, "this platform gives no file channel to fsync; refusing to write");
    }

    PosixFileAttributeView posixView(String name) {
        return handle.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, NOFOLLOW);
    }

    /** Atomically renames {@code from} over {@code to} within this folder ({@code renameat}). */
    void rename(String from, String to) throws IOException {
        handle.move(Path.of(from), handle, Path.of(to));
    }

    void delete(String name) throws IOException {
        handle.deleteFile(Path.of(name));
    }

    /** Flushes the folder's entries (the rename) to disk through the handle itself ({@code openat(dfd, ".")}). */
    void sync() throws IOException {
        try (FileChannel self = openRead(".")) {
            self.force(true);
        }
    }

    /** The names in this folder (one listing per handle). */
    List<String> names() {
        List<String> names = new ArrayList<>();
        handle.forEach(entry -> names.add(entry.getFileName().toString()));
        return names;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException ignored) {
            // a read-only handle: nothing to flush
        }
    }
}
