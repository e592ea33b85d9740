package io.noxus.secretsagent.backend.vault;

import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.Auth;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Server setup shared by the vault ITs: mounts, policies, AppRole roles, and helpers to build backends. */
final class VaultFixture {
    static final String READER_POLICY = """
            path "secret/data/*" { capabilities = ["read"] }
            path "secret/metadata/*" { capabilities = ["read"] }
            path "kv1/*" { capabilities = ["read"] }
            """;
    static final String NARROW_POLICY = """
            path "secret/data/noxus/platform" { capabilities = ["read"] }
            """;

    private VaultFixture() {
    }

    /** KV v2 at secret/ (the dev default), KV v1 at kv1/, policies reader and narrow, AppRole at approle/. */
    static void prepare(OpenBaoServer server, Path dir) {
        server.bao("secrets", "enable", "-path=kv1", "-version=1", "kv");
        server.bao("policy", "write", "reader", write(dir.resolve("reader.hcl"), READER_POLICY).toString());
        server.bao("policy", "write", "narrow", write(dir.resolve("narrow.hcl"), NARROW_POLICY).toString());
        server.bao("auth", "enable", "approle");
        server.bao("write", "auth/approle/role/agent", "token_policies=reader", "token_ttl=1h", "token_max_ttl=24h");
        server.bao("write", "auth/approle/role/capped", "token_policies=reader", "token_ttl=3s",
                "token_max_ttl=4s");
    }

    static VaultBackendSettings settings(OpenBaoServer server, Auth auth) {
        return new VaultBackendSettings("vault", URI.create(server.address()), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(5), Map.of(), auth);
    }

    /** A child token with the given policy, in a 0600 file. */
    static TokenAuth tokenFile(OpenBaoServer server, Path dir, String policy) {
        String token = server.bao("token", "create", "-policy=" + policy, "-ttl=1h", "-field=token");
        return new TokenAuth(Optional.empty(), Optional.of(secretFile(dir.resolve(policy + ".token"), token)));
    }

    static Path secretFile(Path file, String content) {
        return PrivateFiles.write(file.getParent(), file.getFileName().toString(), content);
    }

    static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<Reference> refs(String... paths) {
        Set<Reference> out = new LinkedHashSet<>();
        Stream.of(paths).forEach(p -> out.add(Reference.parse("vault:" + p)));
        return out;
    }

    static String field(Map<Reference, Fetched> answers, String path, String field) {
        Fetched answer = answers.get(Reference.parse("vault:" + path));
        if (answer instanceof Fetched.Failed failed) {
            throw failed.failure();
        }
        return ((Fetched.Found) answer).document().fields().get(field).text().orElseThrow();
    }

    static String failure(Map<Reference, Fetched> answers, String path) {
        return failed(answers, path).getMessage();
    }

    static boolean isTransient(Map<Reference, Fetched> answers, String path) {
        return failed(answers, path).isTransient();
    }

    private static io.noxus.secretsagent.backend.BackendException failed(Map<Reference, Fetched> answers,
                                                                       String path) {
        Fetched answer = answers.get(Reference.parse("vault:" + path));
        if (answer instanceof Fetched.Failed failed) {
            return failed.failure();
        }
        throw new AssertionError("vault:" + path + " did not fail");
    }
}
