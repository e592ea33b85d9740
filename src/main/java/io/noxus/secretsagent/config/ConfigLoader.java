package io.noxus.secretsagent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the main config file and its {@code conf.d/*.yaml} fragments (sorted by name; fragments may add backends,
 * services, mappings and files) into one validated {@link AgentConfig}. Relative paths are resolved against the
 * directory of the main config file, fragments included. A config file writable by group or others is refused.
 */
public final class ConfigLoader {
    private static final String[] MAIN_KEYS = {"roots", "state_dir", "backends", "services", "main_env", "mappings",
        "files", "daemon", "rotation"};
    private static final String[] FRAGMENT_KEYS = {"backends", "services", "mappings", "files"};

    private ConfigLoader() {
    }

    /** Loads with no environment: paths the environment names (AWS_SHARED_CREDENTIALS_FILE …) are not known. */
    public static AgentConfig load(Path configFile) {
        return load(configFile, Map.of());
    }

    /** Loads, validates and checks the config against the paths this environment names for the backends. */
    public static AgentConfig load(Path configFile, Map<String, String> environment) {
        Path main = configFile.toAbsolutePath().normalize();
        ConfigNode root = read(main, main.getParent()).onlyKeys(MAIN_KEYS);
        List<ConfigNode> parts = new ArrayList<>(List.of(root));
        for (Path fragment : fragments(main)) {
            parts.add(read(fragment, main.getParent()).onlyKeys(FRAGMENT_KEYS));
        }
        // Stage 1: every part on its own (roots, state folder, backends, services, rotation policy).
        ConfigErrors errors = new ConfigErrors();
        List<Path> roots = errors.attempt(() -> roots(root)).orElse(List.of());
        Path stateDir = errors.attempt(() -> root.optional("state_dir").map(n -> folder(n, "Use a folder of the "
                + "agent's own, like /var/lib/noxus-secrets-agent")).orElse(Path.of("/var/lib/noxus-secrets-agent")))
                .orElse(null);
        Map<String, BackendSettings> backends = new LinkedHashMap<>();
        Map<String, ConfigNode> serviceNodes = new LinkedHashMap<>();
        for (ConfigNode part : parts) {
            part.optional("backends").ifPresent(n -> n.entries().forEach((name, b) ->
                    errors.attempt(() -> putOnce(backends, name, BackendReader.read(name, b), b))));
            part.optional("services").ifPresent(n -> n.entries().forEach((name, s) ->
                    errors.attempt(() -> putOnce(serviceNodes, name, s, s))));
        }
        List<ServiceSpec> services = new ArrayList<>();
        serviceNodes.forEach((name, node) -> errors.attempt(() -> services.add(ServiceReader.service(name, node))));
        root.optional("main_env").ifPresent(n -> errors.attempt(() -> services.add(ServiceReader.mainEnv(n))));
        RotationPolicy rotation = errors.attempt(() -> root.optional("rotation")
                .map(n -> RotationPolicy.read(n, RotationPolicy.DEFAULT)).orElse(RotationPolicy.DEFAULT))
                .orElse(RotationPolicy.DEFAULT);
        errors.throwIfAny();

        // Stage 2: what refers to the parts (mappings and files name backends and services; the daemon, backends).
        MappingReader mappings = new MappingReader(backends.keySet(), services, rotation);
        List<Mapping> mappingList = new ArrayList<>();
        List<SecretFileSpec> files = new ArrayList<>();
        for (ConfigNode part : parts) {
            part.optional("mappings").ifPresent(n -> n.list().forEach(m ->
                    errors.attempt(() -> mappingList.add(mappings.mapping(m)))));
            part.optional("files").ifPresent(n -> n.list().forEach(f ->
                    errors.attempt(() -> files.add(mappings.secretFile(f)))));
        }
        DaemonSettings daemon = errors.attempt(() -> root.optional("daemon")
                .map(n -> DaemonReader.read(n, backends.keySet())).orElse(DaemonSettings.DEFAULTS))
                .orElse(DaemonSettings.DEFAULTS);
        errors.throwIfAny();

        List<Path> sources = parts.stream().map(ConfigNode::file).toList();
        AgentConfig config = new AgentConfig(sources, roots, stateDir, backends, services, mappingList, files, daemon,
                rotation);
        // Stage 3: the rules across them (one owner per file, protected paths, ambiguous mappings).
        ConfigChecks.validate(config, environment);
        return config;
    }

    private static List<Path> roots(ConfigNode root) {
        List<Path> roots = root.required("roots").list().stream().map(n -> folder(n, "List a folder of the "
                + "agent's own instead, like /etc/noxus")).toList();
        if (roots.isEmpty()) {
            throw root.child("roots").error("list at least one folder the agent may write into");
        }
        return roots;
    }

    /** A folder the agent writes into (a root, the state folder): never a system folder. */
    private static Path folder(ConfigNode node, String instead) {
        Path folder = node.resolvePath();
        SystemFolders.refuse(node, folder, instead);
        return folder;
    }

    /** Parses one YAML file ({@link StrictYaml}) into a located node; errors give line and column, never content. */
    static ConfigNode read(Path file, Path baseDir) {
        refuseWritableByOthers(file);
        JsonNode tree;
        try {
            tree = StrictYaml.read(file);
        } catch (StrictYaml.Problem e) {
            throw new ConfigException(file, e.keyPath(), e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException(file, "", "the file is empty");
        }
        return new ConfigNode(file, baseDir, "", tree);
    }

    private static void refuseWritableByOthers(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "", "no such file; pass the right path with --config");
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new ConfigException(file, "", "refusing a config file that group or others may write "
                    + "(mode " + FilePermissions.modeText(perms) + "); run chmod go-w on it");
        }
    }

    private static List<Path> fragments(Path main) {
        Path dir = main.getParent().resolve("conf.d");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(dir, "", "cannot list the fragments folder (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static <V> void putOnce(Map<String, V> map, String name, V value, ConfigNode where) {
        if (map.putIfAbsent(name, value) != null) {
            throw where.error("defined twice (also in an earlier file); keep one definition");
        }
    }
}
