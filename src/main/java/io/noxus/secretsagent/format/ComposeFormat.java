package io.noxus.secretsagent.format;

/** Docker Compose {@code env_file:} (compose-go dotenv): {@code KEY='value'}, single quotes, no interpolation. */
final class ComposeFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        return key + "='" + value.replace("\\", "\\\\").replace("'", "\\'") + "'\n";
    }
}
