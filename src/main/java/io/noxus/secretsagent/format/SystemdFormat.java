package io.noxus.secretsagent.format;

/**
 * systemd {@code EnvironmentFile=}: {@code KEY="value"}. Inside double quotes systemd unescapes only
 * {@code \" \\ \$ \`} and keeps real newlines and CR, so escaping {@code \} and {@code "} is exact; {@code $} is
 * never expanded. systemd's UTF-8 check refuses the Unicode noncharacters (U+FDD0..U+FDEF and every U+xxFFFE /
 * U+xxFFFF), failing the unit's start, so values holding one are refused here instead.
 */
final class SystemdFormat implements EnvFormat {
    @Override
    public String entry(String key, String value) {
        if (value.codePoints().anyMatch(SystemdFormat::isNoncharacter)) {
            throw new UnrepresentableValueException("it contains a Unicode noncharacter (such as U+FFFE), which "
                    + "systemd rejects as invalid UTF-8; use the shell, compose or dotenv format for this output");
        }
        return key + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n";
    }

    static boolean isNoncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }
}
