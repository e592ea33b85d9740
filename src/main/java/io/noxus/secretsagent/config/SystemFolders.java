package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Folders that may not be a root (or the state folder): {@code /} itself, the top-level system folders, and the
 * folders below them that hold what the system loads or runs (unit files, PAM, sudoers, cron, libraries, binaries,
 * spools). The folders themselves, not everything under them: {@code /etc/noxus} is a fine root, {@code /etc} is
 * not. Any top-level {@code /lib*} is refused, and nothing at all under the kernel's virtual file systems
 * ({@code /proc}, {@code /sys}, {@code /dev}).
 */
final class SystemFolders {
    private static final Set<String> FOLDERS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/media",
            "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
            "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/include",
            "/usr/share", "/usr/src", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
            "/usr/local/etc", "/usr/local/share", "/var/lib", "/var/tmp", "/var/log", "/var/run", "/var/lock",
            "/var/spool", "/var/cache", "/var/mail", "/var/opt", "/var/local", "/var/backups", "/var/www",
            "/etc/systemd", "/etc/systemd/system", "/etc/systemd/user", "/usr/lib/systemd", "/usr/lib/systemd/system",
            "/lib/systemd", "/lib/systemd/system", "/run/systemd", "/run/systemd/system", "/run/user", "/run/lock",
            "/dev/shm", "/etc/default", "/etc/sysconfig", "/etc/ssh", "/etc/ssl", "/etc/pki", "/etc/sudoers.d",
            "/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.weekly", "/etc/cron.monthly",
            "/etc/pam.d", "/etc/security", "/etc/ld.so.conf.d", "/etc/profile.d", "/etc/init.d", "/etc/sysctl.d",
            "/etc/modprobe.d", "/etc/modules-load.d", "/etc/apt", "/etc/yum.repos.d", "/etc/logrotate.d",
            "/etc/tmpfiles.d", "/etc/udev", "/etc/network", "/etc/NetworkManager", "/etc/environment.d");
    private static final Set<String> VIRTUAL = Set.of("proc", "sys", "dev");

    private SystemFolders() {
    }

    /** Refuses a system folder as the value of {@code node} (an absolute, normalized path). */
    static void refuse(ConfigNode node, Path folder, String instead) {
        Path top = folder.getNameCount() == 0 ? null : folder.getName(0);
        boolean virtual = top != null && VIRTUAL.contains(top.toString()) && folder.getNameCount() > 1;
        if (FOLDERS.contains(folder.toString()) || virtual
                || folder.getNameCount() == 1 && top.toString().startsWith("lib")) {
            throw node.error(folder + " is " + (folder.getNameCount() == 0 ? "the whole file system"
                    : "a system folder") + "; the agent would replace files the host depends on. " + instead);
        }
    }
}
