package io.noxus.secretsagent.backend.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;

/**
 * One secret version as a document. A {@code SecretString} is the whole value; when it is a JSON object its keys
 * are also fields: a string value is its text, any other value (number, boolean, null, object, array) is its JSON
 * text exactly as stored. A string that is not one JSON object (or repeats a key) has no fields. A
 * {@code SecretBinary} is the whole value as bytes, for secret files.
 */
final class SecretContent {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private SecretContent() {
    }

    static SecretDocument document(Reference ref, String versionId, Instant createdDate, String secretString,
                                   SdkBytes secretBinary) {
        Optional<String> version = Optional.ofNullable(versionId);
        Optional<Instant> setAt = Optional.ofNullable(createdDate);
        if (secretString != null) {
            try {
                return new SecretDocument(Optional.of(SecretValue.of(secretString)), fields(secretString), version,
                        setAt);
            } catch (IllegalArgumentException e) {
                throw new BackendException(ref, false, "the SecretString is not valid Unicode text (an unpaired "
                        + "surrogate); store it again as UTF-8 text or as SecretBinary");
            }
        }
        if (secretBinary != null) {
            return new SecretDocument(Optional.of(SecretValue.ofBytes(secretBinary.asByteArrayUnsafe())), Map.of(),
                    version, setAt);
        }
        throw new BackendException(ref, false, "this version of the secret has neither a SecretString nor a "
                + "SecretBinary; put a value in it");
    }

    /** The keys of a JSON object, or none when the text is not exactly one JSON object. */
    static Map<String, SecretValue> fields(String text) {
        Map<String, SecretValue> fields = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken token = parser.nextToken();
                String value;
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    value = text.substring(start, (int) parser.currentLocation().getCharOffset());
                } else {
                    value = parser.getText();
                }
                fields.put(key, SecretValue.of(value));
            }
            return parser.nextToken() == null ? fields : Map.of();
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
    }
}
