package io.noxus.secretsagent.format;

/**
 * POSIX shell, sourced with {@code . file}: {@code export KEY='value'}. Single quotes are fully literal; a quote
 * inside the value closes, adds an escaped quote and reopens ({@code '\''}).
 */
final class ShellFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        return "export " + key + "='" + value.replace("'", "'\\''") + "'\n";
    }
}
