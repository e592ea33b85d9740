package io.noxus.secretsagent.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;

/**
 * Reads where and how one file is written: path, mode, owner, group (and the format, for env files). Owner and group
 * must exist on this host when the config is loaded: a config is host-specific (its roots, paths and secrets files
 * are checked there too), and a render could not succeed, so {@code check} says so against the key that is wrong.
 */
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
        Optional<String> owner = node.optional("owner").map(n -> existing(n, "user"));
        Optional<String> group = node.optional("group").map(n -> existing(n, "group"));
        int mode = node.optional("mode").map(OutputReader::mode)
                .orElse(group.isPresent() ? defaultModeWithGroup : defaultMode);
        return new OutputSpec(node.file() + ": " + pathNode.path(), pathNode.resolvePath(), format, mode, owner, group);
    }

    /** The user or group name (or numeric id) of {@code node}, which must exist on this host. */
    private static String existing(ConfigNode node, String kind) {
        String name = node.text();
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            if (kind.equals("user")) {
                lookup.lookupPrincipalByName(name);
            } else {
                lookup.lookupPrincipalByGroupName(name);
            }
        } catch (UserPrincipalNotFoundException e) {
            throw node.error("no such " + kind + " '" + name + "' on this host; create it or fix the name");
        } catch (IOException e) {
            throw node.error("cannot look up " + kind + " '" + name + "' (" + e.getClass().getSimpleName() + ")");
        }
        return name;
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
