package io.noxus.secretsagent.backend.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.json.JsonTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The signed JWT a service principal proves itself with by certificate (the Microsoft identity platform's
 * "certificate credentials"): RS256, header {@code x5t} = base64url SHA-1 of the certificate, claims aud = the token
 * endpoint, iss = sub = client id, a fresh jti, valid ten minutes. The PEM file holds the PKCS#8 private key and the
 * certificate.
 */
final class ClientAssertion {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private ClientAssertion() {
    }

    static String create(Path pemFile, String clientId, URI tokenEndpoint, Instant now) {
        String pem;
        try {
            pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AzureCallException(false, "cannot read the client certificate file " + pemFile + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            byte[] certDer = block(pem, "CERTIFICATE");
            byte[] keyDer = block(pem, "PRIVATE KEY");
            if (certDer == null || keyDer == null) {
                throw new GeneralSecurityException("missing block");
            }
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certDer));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(keyDer));
            ObjectNode header = JsonTree.object().put("alg", "RS256").put("typ", "JWT")
                    .put("x5t", B64URL.encodeToString(MessageDigest.getInstance("SHA-1").digest(cert.getEncoded())));
            ObjectNode claims = JsonTree.object().put("aud", tokenEndpoint.toString()).put("iss", clientId)
                    .put("sub", clientId).put("jti", UUID.randomUUID().toString())
                    .put("nbf", now.getEpochSecond()).put("iat", now.getEpochSecond())
                    .put("exp", now.getEpochSecond() + 600);
            String signed = B64URL.encodeToString(JsonTree.bytes(header)) + "."
                    + B64URL.encodeToString(JsonTree.bytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AzureCallException(false, "the client certificate file " + pemFile + " must hold an RSA "
                    + "private key in PKCS#8 PEM (BEGIN PRIVATE KEY; openssl pkcs8 -topk8 -nocrypt) and its "
                    + "certificate (BEGIN CERTIFICATE) (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END " + type + "-----");
        if (start < 0 || end < start) {
            return null;
        }
        return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    }
}
