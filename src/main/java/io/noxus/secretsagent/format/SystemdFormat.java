package io.noxus.secretsagent.format;

/**
 * systemd {@code EnvironmentFile=}: {@code KEY="value"}. Inside double quotes systemd unescapes only
 * {@code \" \\ \$ \`} and keeps real newlines, so escaping {@code \} and {@code "} is exact; {@code $} is never
 * expanded.
 */
final class SystemdFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        return key + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n";
    }
}
