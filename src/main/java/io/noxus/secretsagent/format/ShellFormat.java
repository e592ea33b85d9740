package io.noxus.secretsagent.format;

import java.util.Optional;
import java.util.Set;

/**
 * POSIX shell, sourced with {@code . file}: {@code export KEY='value'}. Single quotes are fully literal; a quote
 * inside the value closes, adds an escaped quote and reopens ({@code '\''}). Names the shells manage themselves
 * are refused: sourcing would lose the value or print an error (measured with bash 5.2 and dash 0.5.12, see
 * docs/env-readers.md; {@code EnvFormatRoundTripIT} re-checks every name against both shells).
 */
final class ShellFormat implements EnvFormat {
    /** bash marks these read-only: {@code export UID='x'} prints "readonly variable" and keeps the shell's value. */
    static final Set<String> READ_ONLY = Set.of("BASHOPTS", "BASH_VERSINFO", "EUID", "PPID", "SHELLOPTS", "UID");
    /** bash checks these on assignment and prints an error for an ordinary value. */
    static final Set<String> CHECKED = Set.of("BASH_COMPAT", "BASH_XTRACEFD");
    /**
     * bash computes these on every use, resets them or keeps them as arrays it owns, so the exported value is the
     * shell's own ({@code _} is the last argument, {@code SHLVL} drops by one before the last command, ...).
     */
    static final Set<String> DYNAMIC = Set.of("_", "BASHPID", "BASH_ALIASES", "BASH_ARGC", "BASH_ARGV", "BASH_CMDS",
            "BASH_COMMAND", "BASH_LINENO", "BASH_SOURCE", "BASH_SUBSHELL", "DIRSTACK", "EPOCHREALTIME",
            "EPOCHSECONDS", "FUNCNAME", "GROUPS", "HISTCMD", "LINENO", "RANDOM", "SECONDS", "SHLVL", "SRANDOM");
    /** dash takes OPTIND as a number ("Illegal number" for anything else); bash evaluates it as one. */
    static final Set<String> NUMERIC = Set.of("OPTIND");

    @Override
    public String entry(String key, String value) {
        refusedName(key).ifPresent(reason -> {
            throw new UnrepresentableValueException(reason);
        });
        return "export " + key + "='" + value.replace("'", "'\\''") + "'\n";
    }

    @Override
    public Optional<String> refusedName(String key) {
        boolean owned = READ_ONLY.contains(key) || CHECKED.contains(key) || DYNAMIC.contains(key)
                || NUMERIC.contains(key);
        return owned ? Optional.of("bash or dash manage the name " + key + " themselves (read-only, recomputed or "
                + "checked on assignment), so sourcing the file would lose the value or print an error; map the "
                + "secret to another name or use another format for this output") : Optional.empty();
    }
}
