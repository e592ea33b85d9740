package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SDK's heavy HTTP transports stay excluded (pom.xml); the JDK's HttpURLConnection client is the only one. */
class LeanTransportTest {
    @ParameterizedTest
    @ValueSource(strings = {"software.amazon.awssdk.http.apache.ApacheHttpClient",
        "software.amazon.awssdk.http.apache5.Apache5HttpClient",
        "software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient", "io.netty.channel.Channel",
        "org.apache.http.client.HttpClient"})
    void heavyTransportsAreNotOnTheClasspath(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }

    @org.junit.jupiter.api.Test
    void theUrlConnectionClientIs() throws ClassNotFoundException {
        assertThat(Class.forName("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")).isNotNull();
    }
}
