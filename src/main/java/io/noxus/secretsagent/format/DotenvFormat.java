package io.noxus.secretsagent.format;

/**
 * python-dotenv ({@code dotenv_values}, {@code load_dotenv}, interpolation on as by default): {@code KEY="value"}.
 * The reader opens the file in text mode (every raw CR becomes LF), so CR is written as {@code \r}, which only
 * double quotes know. It interpolates {@code ${...}} in every value and has no escape for {@code $}; each {@code ${}
 * is written as {@code ${:-$}{}: a variable with the empty name, which cannot exist, defaulting to {@code $}.
 * See docs/env-readers.md for the derivation; the property tests check it against the real reader.
 */
final class DotenvFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        String encoded = value.replace("${", "${:-$}{")
                .replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\r", "\\r");
        return key + "=\"" + encoded + "\"\n";
    }
}
