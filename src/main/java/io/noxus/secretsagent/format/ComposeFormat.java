package io.noxus.secretsagent.format;

/**
 * Docker Compose {@code env_file:} (compose-go's dotenv parser): {@code KEY="value"}. Inside double quotes
 * compose-go unescapes {@code \\} and {@code \"}, keeps real newlines and CR, then interpolates {@code $VAR} and
 * {@code ${VAR}}, where {@code $$} stands for one {@code $}. Single quotes cannot carry a backslash before a quote.
 */
final class ComposeFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        return key + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$") + "\"\n";
    }
}
