package io.noxus.secretsagent.format;

/**
 * {@code docker run --env-file}: {@code KEY=value} taken verbatim to the end of the line. There is no quoting, so a
 * value with a line break cannot be carried and is refused.
 */
final class DockerFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new UnrepresentableValueException("it contains a line break, which docker --env-file cannot carry "
                    + "(no quoting in that format); use the systemd, compose or shell format for this output");
        }
        return key + "=" + value + "\n";
    }
}
