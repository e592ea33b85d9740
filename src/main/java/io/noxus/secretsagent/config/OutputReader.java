package io.noxus.secretsagent.config;

import java.util.Optional;

/** Reads where and how one file is written: path, mode, owner, group (and the format, for env files). */
final class OutputReader {
    private OutputReader() {
    }

    static OutputSpec envFile(ConfigNode node) {
        node.onlyKeys("path", "format", "mode", "owner", "group");
        String label = node.requiredText("format");
        OutputFormat format = OutputFormat.envFormat(label).orElseThrow(() -> node.child("format")
                .error("unknown format '" + label + "'; expected one of " + OutputFormat.envLabels()));
        return file(node, format, 0600, 0640);
    }

    /** Path, mode, owner and group of {@code node}, which the caller has already checked for unknown keys. */
    static OutputSpec file(ConfigNode node, OutputFormat format, int defaultMode, int defaultModeWithGroup) {
        ConfigNode pathNode = node.required("path");
        Optional<String> group = node.optionalText("group");
        int mode = node.optional("mode").map(OutputReader::mode)
                .orElse(group.isPresent() ? defaultModeWithGroup : defaultMode);
        return new OutputSpec(node.file() + ": " + pathNode.path(), pathNode.resolvePath(), format, mode,
                node.optionalText("owner"), group);
    }

    private static int mode(ConfigNode node) {
        String text = node.text();
        if (!text.matches("0?[0-7]{3}")) {
            throw node.error("a mode is a quoted octal string such as \"0600\"");
        }
        int mode = Integer.parseInt(text, 8);
        if ((mode & 0007) != 0) {
            throw node.error("mode " + text + " gives access to others; secrets may be readable by owner and group "
                    + "only (e.g. \"0600\" or \"0640\")");
        }
        if ((mode & 0400) == 0) {
            throw node.error("mode " + text + " does not let the owner read the file");
        }
        return mode;
    }
}
