import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads one KV v2 secret with a Vault client and prints, after each of N reads in this one JVM, the live thread
 * count and the open sockets of the process. Clients: bettercloud (com.bettercloud:vault-java-driver 5.1.0),
 * jopenlibs (io.github.jopenlibs:vault-java-driver 6.x), jdk (one shared java.net.http.HttpClient), agent (this
 * project's VaultBackend: a thin client on HttpURLConnection, token from BAO_TOKEN).
 * Usage: java DriverProbe CLIENT N   (env BAO_ADDR, BAO_TOKEN; reads secret/probe field "value").
 */
public final class DriverProbe {
    public static void main(String[] args) throws Exception {
        String client = args[0];
        int polls = Integer.parseInt(args[1]);
        String addr = System.getenv("BAO_ADDR");
        String token = System.getenv("BAO_TOKEN");
        Read read = switch (client) {
            case "bettercloud" -> bettercloud(addr, token);
            case "jopenlibs" -> jopenlibs(addr, token);
            case "jdk" -> jdk(addr, token);
            case "agent" -> agent(addr);
            default -> throw new IllegalArgumentException(client);
        };
        for (int i = 1; i <= polls; i++) {
            String value = read.read();
            if (!"probe".equals(value)) {
                throw new IllegalStateException("unexpected value");
            }
            System.out.println(client + " poll=" + i + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount()
                    + " sockets=" + sockets());
        }
    }

    interface Read {
        String read() throws Exception;
    }

    static Read bettercloud(String addr, String token) throws Exception {
        var config = new com.bettercloud.vault.VaultConfig().address(addr).token(token).openTimeout(5).readTimeout(5)
                .build();
        var vault = new com.bettercloud.vault.Vault(config, 2);
        return () -> vault.logical().read("secret/probe").getData().get("value");
    }

    static Read jopenlibs(String addr, String token) throws Exception {
        var config = new io.github.jopenlibs.vault.VaultConfig().address(addr).token(token).openTimeout(5)
                .readTimeout(5).build();
        var vault = io.github.jopenlibs.vault.Vault.create(config, 2);
        return () -> vault.logical().read("secret/probe").getData().get("value");
    }

    static Read jdk(String addr, String token) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return () -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(addr + "/v1/secret/data/probe"))
                    .header("X-Vault-Token", token).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            int at = body.indexOf("\"value\":\"") + 9;
            return body.substring(at, body.indexOf('"', at));
        };
    }

    static Read agent(String addr) {
        var settings = new io.noxus.secretsagent.config.VaultBackendSettings("vault", URI.create(addr),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), Duration.ofSeconds(5), java.util.Map.of("secret", 2),
                new io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth(java.util.Optional.of("BAO_TOKEN"),
                        java.util.Optional.empty()));
        var vault = new io.noxus.secretsagent.backend.vault.VaultBackend(settings);
        var ref = io.noxus.secretsagent.secret.Reference.parse("vault:secret/probe");
        return () -> vault.fetch(java.util.Set.of(ref)).get(ref).document().orElseThrow().fields().get("value")
                .text().orElseThrow();
    }

    static long sockets() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }
}
