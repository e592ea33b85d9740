package io.noxus.secretsagent.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Conversions between octal modes and {@link PosixFilePermission} sets. */
public final class FilePermissions {
    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private FilePermissions() {
    }

    public static Set<PosixFilePermission> fromMode(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < ORDER.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(ORDER[bit]);
            }
        }
        return perms;
    }

    public static int toMode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (int bit = 0; bit < ORDER.length; bit++) {
            if (perms.contains(ORDER[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    public static String modeText(Set<PosixFilePermission> perms) {
        return String.format("%04o", toMode(perms));
    }
}
