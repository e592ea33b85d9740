package io.noxus.secretsagent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The YAML reader for config and secrets files: a key given twice is an error, and parse errors never quote the
 * source text (a secrets file's content must not end up in a message).
 */
public final class StrictYaml {
    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictYaml() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
