package io.noxus.secretsagent.format;

import java.nio.charset.StandardCharsets;

/**
 * {@code docker run --env-file}: {@code KEY=value} taken verbatim to the end of the line (docker CLI's kvfile
 * parser: no quotes, no escapes). A line feed cannot be carried; a CR at the very end is eaten as part of a CRLF
 * ending; a line above 64 KiB makes the reader reject the whole file. Those values are refused.
 */
final class DockerFormat implements EnvFormat {
    static final int MAX_LINE_BYTES = 65535;

    @Override
    public String entry(String key, String value) {
        if (value.indexOf('\n') >= 0) {
            throw new UnrepresentableValueException("it contains a line feed, which docker --env-file cannot carry "
                    + "(the format has no quoting); use the systemd, compose or shell format for this output");
        }
        if (value.endsWith("\r")) {
            throw new UnrepresentableValueException("it ends with a carriage return, which docker --env-file reads "
                    + "as part of the line end; use the systemd, compose or shell format for this output");
        }
        String line = key + "=" + value;
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
            throw new UnrepresentableValueException("KEY=value is longer than " + MAX_LINE_BYTES + " bytes, the "
                    + "longest line docker --env-file reads");
        }
        return line + "\n";
    }
}
