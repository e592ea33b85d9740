package io.noxus.secretsagent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ansible role (packaging/ansible/roles/noxus_secrets_agent) run by the real ansible-playbook against this machine,
 * into a throw-away root: the package and service tasks are switched off (no package is installed on the build host
 * and it runs no systemd; PackagesIT covers both), everything else runs as on a server. First run changed, second run
 * unchanged, check mode changes nothing and names the variables a render would change, never a value.
 */
class AnsibleRoleIT {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Path PLAYBOOK_BIN = REPO.resolve(".tools/ansible-venv/bin/ansible-playbook");
    static final String CANARY = "CANARY5d1e";

    Path root;

    Exec.Result play(String... extra) throws IOException {
        assertThat(PLAYBOOK_BIN).as("ansible-core is not installed: run scripts/install-test-tools.sh").isExecutable();
        List<String> cmd = new ArrayList<>(List.of(PLAYBOOK_BIN.toString(), "-i", "localhost,", root.resolve("site.yml").toString()));
        cmd.addAll(List.of(extra));
        Map<String, String> env = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", root.resolve("home").toString(),
                "LC_ALL", "C.UTF-8", "ANSIBLE_ROLES_PATH", REPO.resolve("packaging/ansible/roles").toString(),
                "ANSIBLE_NOCOLOR", "1", "ANSIBLE_LOCALHOST_WARNING", "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING", "false");
        Exec.Result r = Exec.run(cmd, env, root);
        assertThat(r.exitCode()).as(r.stdoutText() + r.stderrText()).isZero();
        assertThat(r.stdoutText() + r.stderrText()).as("no secret value in what Ansible prints").doesNotContain(CANARY);
        return r;
    }

    static int changed(Exec.Result r) {
        Matcher m = Pattern.compile("localhost\\s+: ok=\\d+\\s+changed=(\\d+)").matcher(r.stdoutText());
        assertThat(m.find()).as(r.stdoutText()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    void secrets(String nodeKey) throws IOException {
        Path file = root.resolve("etc/secrets.yaml");
        Files.writeString(file, "db: {user: \"" + CANARY + "-alice\", password: \"" + CANARY + "-pw\"}\nnode_key: \""
                + CANARY + "-" + nodeKey + "\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    void playbook(String extraMapping) throws IOException {
        String r = root.toString();
        Files.writeString(root.resolve("site.yml"), """
                - hosts: localhost
                  connection: local
                  gather_facts: false
                  vars:
                    ansible_python_interpreter: "{{ ansible_playbook_python }}"
                  roles:
                    - role: noxus_secrets_agent
                      vars:
                        noxus_agent_install: false
                        noxus_agent_manage_service: false
                        noxus_agent_binary: BIN
                        noxus_agent_config_dir: R/etc/noxus-secrets-agent
                        noxus_agent_render_args: [--no-act]
                        noxus_agent_roots: [R/out]
                        noxus_agent_state_dir: R/state
                        noxus_agent_backends: {file: {type: file, path: R/etc/secrets.yaml}}
                        noxus_agent_services:
                          backend: {role: backend, output: {path: R/out/backend.env, format: systemd, mode: "0640"}}
                          worker-a: {role: worker, pool: a, output: {path: R/out/worker-a.env, format: shell}}
                        noxus_agent_mappings:
                          - {env: DB_USER, ref: "file:db#user", scope: "service:backend"}
                          - {env: DB_PASSWORD, ref: "file:db#password", scope: "service:backend"}
                EXTRA
                        noxus_agent_fragments:
                          workers: {mappings: [{env: NODE_KEY, ref: "file:node_key", scope: workers}]}
                """.replace("BIN", REPO.resolve("agent/bin/noxus-secrets-agent").toString()).replace("R/", r + "/")
                .replace("EXTRA\n", extraMapping));
    }

    /** Every file under the root the agent or the role writes, with its bytes, mode and modification time. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (String dir : List.of("out", "state", "etc/noxus-secrets-agent")) {
            try (Stream<Path> s = Files.walk(root.resolve(dir))) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    files.put(root.relativize(p).toString(), Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)))
                            + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return files;
    }

    @Test
    void firstRunChangedSecondUnchangedCheckModeChangesNothing(@TempDir Path dir) throws IOException {
        root = dir;
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("home"));
        secrets("k1");
        playbook("");

        Exec.Result first = play();
        assertThat(changed(first)).as(first.stdoutText()).isEqualTo(4);   // two folders, config, fragment, render = 4 tasks
        assertThat(Files.readString(root.resolve("out/worker-a.env"))).contains("NODE_KEY='" + CANARY + "-k1'")
                .doesNotContain("DB_PASSWORD");
        assertThat(Files.readString(root.resolve("out/backend.env"))).contains("DB_PASSWORD=\"" + CANARY + "-pw\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/noxus-secrets-agent/config.yaml"))))
                .isEqualTo("rw-------");

        Exec.Result second = play();
        assertThat(changed(second)).as(second.stdoutText()).isZero();

        // A secret rotated in the backend: check mode reports the render as changed, names the variable, writes nothing.
        secrets("k2");
        Map<String, String> before = snapshot();
        Exec.Result check = play("--check", "--diff");
        assertThat(changed(check)).as(check.stdoutText()).isEqualTo(1);
        assertThat(check.stdoutText()).contains("would be changed", "variables: ~NODE_KEY");
        assertThat(snapshot()).isEqualTo(before);

        // A config change in check mode: reported, not made.
        playbook("          - {env: DB_USER_2, ref: \"file:db#user\", scope: \"service:backend\"}\n");
        Exec.Result checkConfig = play("--check");
        assertThat(checkConfig.stdoutText()).containsPattern("changed: \\[localhost\\]");
        assertThat(snapshot()).isEqualTo(before);

        // Applied for real: config and render change; then nothing again.
        Exec.Result apply = play();
        assertThat(changed(apply)).as(apply.stdoutText()).isEqualTo(2);   // config + render
        assertThat(Files.readString(root.resolve("out/worker-a.env"))).contains(CANARY + "-k2");
        assertThat(Files.readString(root.resolve("out/backend.env"))).contains("DB_USER_2=");
        assertThat(changed(play())).isZero();

        // A fragment the play no longer lists is removed (conf.d belongs to the role).
        Files.writeString(root.resolve("etc/noxus-secrets-agent/conf.d/stray.yaml"), "mappings: []\n");
        Exec.Result stray = play();
        assertThat(changed(stray)).as(stray.stdoutText()).isEqualTo(1);
        assertThat(root.resolve("etc/noxus-secrets-agent/conf.d/stray.yaml")).doesNotExist();
    }
}
