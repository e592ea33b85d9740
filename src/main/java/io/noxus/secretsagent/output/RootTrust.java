package io.noxus.secretsagent.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The host check that makes a root a trust anchor (the sshd StrictModes rule): the root and every folder from
 * {@code /} down to it is owned by root (or by the agent's own effective user) and not writable by group or others,
 * so nobody else can swap a folder on the way for a symlink. A root-owned folder with the sticky bit (like
 * {@code /tmp}, 1777) is accepted <em>above</em> a root, never as the root: others may add entries there but can
 * neither rename nor replace root's, and anything they pre-create in its place is owned by them and refused.
 * A symlink above the root (like {@code /var/run}) is accepted when owned by root, and the folders it leads to are
 * checked the same way; the root itself must be a real folder. It runs before every write and in {@code check};
 * a missing root is created (0755, as before) and then checked whole.
 */
final class RootTrust {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final FileAttribute<?> FOLDER_MODE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxr-xr-x"));
    private static final int STICKY = 01000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int OWN_UID = ownUid();

    private RootTrust() {
    }

    /** Creates the root when missing (0755), then checks it; the message starts with {@code subject}. */
    static void prepare(Path root, Path subject) {
        verify(root, subject);
        if (!Files.exists(root, NOFOLLOW)) {
            try {
                Files.createDirectories(root, FOLDER_MODE);
            } catch (IOException e) {
                throw new OutputException(subject, "could not create the root " + root, e);
            }
            verify(root, subject);
        }
    }

    /** Checks the existing part of the chain from {@code /} to the root; folders still missing are not checked. */
    static void verify(Path root, Path subject) {
        Path absolute = root.toAbsolutePath().normalize();
        Path current = absolute.getRoot();
        check(current, absolute, subject, false);
        for (Path part : absolute) {
            current = current.resolve(part);
            if (!check(current, absolute, subject, current.equals(absolute))) {
                return;
            }
        }
    }

    /** False when {@code folder} does not exist (nothing below it to check yet). */
    private static boolean check(Path folder, Path root, Path subject, boolean isRoot) {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(folder, "unix:uid,mode,isSymbolicLink,isDirectory", NOFOLLOW);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new OutputException(subject, "cannot inspect " + folder + " on the way to the root " + root, e);
        }
        int uid = (Integer) attrs.get("uid");
        int mode = (Integer) attrs.get("mode");
        if (uid != 0 && uid != OWN_UID) {
            throw refusal(subject, folder, root, "is owned by uid " + uid + ", not root", "chown root " + folder);
        }
        if ((Boolean) attrs.get("isSymbolicLink")) {
            if (isRoot) {
                throw new OutputException(subject, "root " + root + " is a symlink; a root must be a real folder "
                        + "(give its real path in roots)");
            }
            checkTarget(folder, root, subject);
            return true;
        }
        if (!(Boolean) attrs.get("isDirectory")) {
            throw refusal(subject, folder, root, "is not a folder", "fix roots");
        }
        boolean stickyAboveRoot = !isRoot && uid == 0 && (mode & STICKY) != 0;
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && !stickyAboveRoot) {
            throw refusal(subject, folder, root, "is writable by group or others (mode "
                    + String.format("%04o", mode & 07777) + ")", "run chmod go-w " + folder);
        }
        return true;
    }

    /** A root-owned symlink above the root: the folders it leads to must pass the same rule. */
    private static void checkTarget(Path link, Path root, Path subject) {
        Path real;
        try {
            real = link.toRealPath();
        } catch (IOException e) {
            throw new OutputException(subject, "cannot resolve the symlink " + link + " on the way to the root "
                    + root, e);
        }
        Path current = real.getRoot();
        for (Path part : real) {
            current = current.resolve(part);
            check(current, root, subject, false);
        }
    }

    private static OutputException refusal(Path subject, Path folder, Path root, String problem, String fix) {
        String where = folder.equals(root) ? "root " + root : "folder " + folder + " (on the way to the root " + root
                + ")";
        return new OutputException(subject, where + " " + problem + "; only root (or the agent's own user) may "
                + "control the folders down to a root: " + fix + ", or choose another root");
    }

    /** The effective uid: {@code /proc/self} belongs to it. Root when it cannot be read (the usual case anyway). */
    private static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}
