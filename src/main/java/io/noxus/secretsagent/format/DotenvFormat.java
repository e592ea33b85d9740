package io.noxus.secretsagent.format;

/**
 * python-dotenv style: {@code KEY='value'}. Inside single quotes the reader unescapes only {@code \\} and
 * {@code \'} and never interpolates.
 */
final class DotenvFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        return key + "='" + value.replace("\\", "\\\\").replace("'", "\\'") + "'\n";
    }
}
