package io.noxus.secretsagent.backend.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.RetryAfter;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings.ArcManagedIdentity;
import io.noxus.secretsagent.config.AzureBackendSettings.ClientCertificate;
import io.noxus.secretsagent.config.AzureBackendSettings.ClientSecret;
import io.noxus.secretsagent.config.AzureBackendSettings.ManagedIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Access tokens for one resource from the backend's one credential, cached and replaced before they expire (five
 * minutes before, or at half their life when they live less than ten minutes). A token never appears in a message.
 */
final class Tokens {
    private static final Duration EARLY = Duration.ofMinutes(5);
    static final String ARC_API_VERSION = "2020-06-01";
    static final String ARC_TOKEN_PATH = "/metadata/identity/oauth2/token";
    static final long ARC_KEY_MAX_BYTES = 4096;
    private final AzureBackendSettings settings;
    private final AzureHttp http;
    private final Clock clock;
    private final Function<String, String> environment;
    private String resource;
    private String token;
    private Instant refreshAt = Instant.MIN;

    Tokens(AzureBackendSettings settings, AzureHttp http, Clock clock, Function<String, String> environment) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.environment = environment;
    }

    /** A valid token for {@code resource} (the vault's challenge resource, e.g. https://vault.azure.net). */
    synchronized String token(String forResource) {
        if (token == null || !forResource.equals(resource) || !clock.instant().isBefore(refreshAt)) {
            fetch(forResource);
        }
        return token;
    }

    /** Forgets the cached token (the vault refused it). */
    synchronized void drop() {
        token = null;
    }

    private void fetch(String forResource) {
        Instant asked = clock.instant();
        JsonNode answer;
        if (settings.credential() instanceof ClientSecret secret) {
            answer = entra(secret.tenantId(), secret.clientId(), forResource,
                    "client_secret=" + enc(readSecret(secret)));
        } else if (settings.credential() instanceof ClientCertificate cert) {
            answer = entra(cert.tenantId(), cert.clientId(), forResource,
                    "client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                            + "&client_assertion=" + enc(ClientAssertion.create(cert.certificateFile(),
                            cert.clientId(), tokenEndpoint(cert.tenantId()), asked)));
        } else if (settings.credential() instanceof ArcManagedIdentity arc) {
            answer = arc(arc, forResource);
        } else {
            answer = imds((ManagedIdentity) settings.credential(), forResource);
        }
        String accessToken = answer.path("access_token").asText("");
        long lifetime = answer.path("expires_in").asLong(0);
        if (lifetime <= 0 && answer.hasNonNull("expires_on")) {
            lifetime = answer.path("expires_on").asLong(0) - asked.getEpochSecond();
        }
        if (accessToken.isEmpty() || lifetime <= 0) {
            throw new AzureCallException(false, describe() + " answered without an access token and its lifetime");
        }
        Duration life = Duration.ofSeconds(lifetime);
        Duration early = life.compareTo(EARLY.multipliedBy(2)) < 0 ? life.dividedBy(2) : EARLY;
        token = accessToken;
        resource = forResource;
        refreshAt = asked.plus(life).minus(early);
    }

    private URI tokenEndpoint(String tenant) {
        return URI.create(settings.authorityHost() + "/" + tenant + "/oauth2/v2.0/token");
    }

    private JsonNode entra(String tenant, String clientId, String forResource, String proof) {
        URI endpoint = tokenEndpoint(tenant);
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&scope="
                + enc(forResource + "/.default") + "&" + proof;
        AzureHttp.Answer answer = http.postForm(endpoint, form, "a token for client " + clientId);
        if (answer.ok()) {
            return answer.body();
        }
        String code = answer.body().path("error").asText("?");
        String description = answer.body().path("error_description").asText("").lines().findFirst().orElse("");
        String aadsts = description.matches("AADSTS\\d+:.*") ? description : code;
        boolean retry = answer.status() == 429 || answer.status() >= 500;
        throw new AzureCallException(retry, settings.authorityHost() + " refused a token to client " + clientId
                + " of tenant " + tenant + " (HTTP " + answer.status() + ", " + code + "): " + trim(aadsts),
                retry ? RetryAfter.parse(answer.retryAfter().orElse(null), clock.instant()) : Optional.empty());
    }

    private JsonNode imds(ManagedIdentity identity, String forResource) {
        String query = "?api-version=2018-02-01&resource=" + enc(forResource)
                + identity.clientId().map(id -> "&client_id=" + enc(id)).orElse("");
        AzureHttp.Answer answer = http.get(URI.create(identity.endpoint() + query), Map.of("Metadata", "true"),
                "a managed identity token");
        if (answer.ok()) {
            return answer.body();
        }
        boolean retry = answer.status() == 429 || answer.status() >= 500 || answer.status() == 404;
        throw new AzureCallException(retry, "the identity endpoint " + identity.endpoint() + " refused a token for "
                + identity.clientId().map(id -> "the user-assigned identity " + id).orElse("the system identity")
                + " (HTTP " + answer.status() + "): " + trim(answer.body().path("error_description").asText("?")),
                retry ? RetryAfter.parse(answer.retryAfter().orElse(null), clock.instant()) : Optional.empty());
    }

    /**
     * The Arc agent's flow: a first request is answered 401 with {@code WWW-Authenticate: Basic realm=KEYFILE}; the
     * key file (readable by root and the himds group) must be a {@code .key} file directly in the Arc key folder;
     * its content goes back as {@code Authorization: Basic KEY}. The key never appears in a message.
     */
    private JsonNode arc(ArcManagedIdentity arc, String forResource) {
        URI endpoint = arcEndpoint();
        URI url = URI.create(endpoint + "?api-version=" + ARC_API_VERSION + "&resource=" + enc(forResource));
        AzureHttp.Answer first = http.get(url, Map.of("Metadata", "true"), "an Azure Arc managed identity token");
        if (first.ok()) {
            return first.body();
        }
        String challenge = first.challenge().orElse("");
        if (first.status() != 401 || !challenge.regionMatches(true, 0, "Basic realm=", 0, 12)) {
            throw arcRefused(endpoint, first);
        }
        Path key = arcKeyFile(endpoint, challenge.substring(12).strip().replaceAll("^\"|\"$", ""),
                arc.keyFolder());
        String secret;
        try {
            secret = Files.readString(key, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new AzureCallException(false, "cannot read the Azure Arc key file " + key + " ("
                    + e.getClass().getSimpleName() + "); the agent must run as root or in the himds group");
        }
        AzureHttp.Answer second = http.get(url, Map.of("Metadata", "true", "Authorization", "Basic " + secret),
                "an Azure Arc managed identity token");
        if (second.ok()) {
            return second.body();
        }
        throw arcRefused(endpoint, second);
    }

    /** The Arc endpoint: IDENTITY_ENDPOINT, else IMDS_ENDPOINT's token path, else the agent's fixed address. */
    URI arcEndpoint() {
        String identity = environment.apply("IDENTITY_ENDPOINT");
        String imds = environment.apply("IMDS_ENDPOINT");
        URI endpoint;
        try {
            endpoint = identity != null && !identity.isBlank() ? new URI(identity.strip())
                    : imds != null && !imds.isBlank() ? new URI(imds.strip().replaceAll("/+$", "") + ARC_TOKEN_PATH)
                    : AzureBackendSettings.DEFAULT_ARC;
        } catch (URISyntaxException e) {
            throw new AzureCallException(false, "the Azure Arc endpoint in IDENTITY_ENDPOINT / IMDS_ENDPOINT is not "
                    + "a URL");
        }
        String host = endpoint.getHost() == null ? "" : endpoint.getHost();
        if (!"http".equals(endpoint.getScheme()) || !(host.equals("localhost") || host.equals("127.0.0.1")
                || host.equals("[::1]"))) {
            throw new AzureCallException(false, "the Azure Arc endpoint " + endpoint + " is not http on this host "
                    + "(localhost): refusing to send it the Arc key");
        }
        return endpoint;
    }

    /** The realm's key file, only when it is a regular {@code .key} file directly in the key folder. */
    private static Path arcKeyFile(URI endpoint, String realm, Path folder) {
        AzureCallException refused = new AzureCallException(false, "the Azure Arc endpoint " + endpoint
                + " named the key file " + realm + ", which is not a .key file in the Arc key folder " + folder
                + ": refusing to read it");
        Path named;
        try {
            named = Path.of(realm);
        } catch (InvalidPathException e) {
            throw refused;
        }
        if (!named.isAbsolute() || !named.getFileName().toString().endsWith(".key")
                || !folder.equals(named.normalize().getParent())) {
            throw refused;
        }
        try {
            Path real = named.toRealPath();
            if (!folder.toRealPath().equals(real.getParent()) || !Files.isRegularFile(real)) {
                throw refused; // a link out of the folder
            }
            if (Files.size(real) > ARC_KEY_MAX_BYTES) {
                throw new AzureCallException(false, "the Azure Arc key file " + real + " is larger than "
                        + ARC_KEY_MAX_BYTES + " bytes: refusing to send it");
            }
            return real;
        } catch (IOException e) {
            throw new AzureCallException(false, "cannot read the Azure Arc key file " + named + " ("
                    + e.getClass().getSimpleName() + "); the agent must run as root or in the himds group");
        }
    }

    private AzureCallException arcRefused(URI endpoint, AzureHttp.Answer answer) {
        boolean retry = answer.status() == 429 || answer.status() >= 500 || answer.status() == 404;
        return new AzureCallException(retry, "the Azure Arc endpoint " + endpoint + " refused a token for the "
                + "system identity (HTTP " + answer.status() + "): "
                + trim(answer.body().path("error_description").asText(answer.body().path("error").asText("?"))),
                retry ? RetryAfter.parse(answer.retryAfter().orElse(null), clock.instant()) : Optional.empty());
    }

    private String describe() {
        if (settings.credential() instanceof ArcManagedIdentity) {
            return "the Azure Arc endpoint " + arcEndpoint();
        }
        return settings.credential() instanceof ManagedIdentity identity
                ? "the identity endpoint " + identity.endpoint() : settings.authorityHost().toString();
    }

    private static String readSecret(ClientSecret secret) {
        try {
            String text = Files.readString(secret.secretFile(), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new AzureCallException(false, "the client secret file " + secret.secretFile() + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new AzureCallException(false, "cannot read the client secret file " + secret.secretFile() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String trim(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
