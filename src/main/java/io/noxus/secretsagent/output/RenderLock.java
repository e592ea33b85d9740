package io.noxus.secretsagent.output;

import io.noxus.secretsagent.time.Sleeper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lock that keeps a manual {@code render} and the daemon from interleaving: an exclusive lock (fcntl, held
 * by the process) on a file in the state folder. Waits up to a timeout, polling with the injected clock and sleeper.
 */
public final class RenderLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderLock.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private final FileChannel channel;
    private final FileLock lock;

    private RenderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static RenderLock acquire(Path lockFile, Duration timeout, Clock clock, Sleeper sleeper) {
        FileChannel channel = open(lockFile);
        Instant deadline = clock.instant().plus(timeout);
        boolean told = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new RenderLock(channel, lock);
                }
                if (!clock.instant().isBefore(deadline)) {
                    channel.close();
                    throw new OutputException(lockFile, "another render or the daemon still holds the lock after "
                            + timeout.toSeconds() + " s; try again, or raise --lock-timeout");
                }
                if (!told) {
                    LOG.info("waiting for the render lock {} held by another process", lockFile);
                    told = true;
                }
                sleeper.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new OutputException(lockFile, "interrupted while waiting for the lock");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new OutputException(lockFile, "cannot lock", e);
        }
    }

    /** Null while another holder has the lock: another process, or (refused by the JVM as overlapping) this one. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static FileChannel open(Path lockFile) {
        try {
            Path stateDir = lockFile.getParent();
            if (!Files.isDirectory(stateDir)) {
                Files.createDirectories(stateDir.getParent());
                Files.createDirectory(stateDir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new OutputException(lockFile, "cannot open the lock file", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
