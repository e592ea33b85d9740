package io.noxus.secretsagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AzureBackendSettingsTest {
    @Test
    void withoutAuthorityHostANationalCloudsVaultGetsThatCloudsEntraHost() {
        assertThat(AzureBackendSettings.defaultAuthority(URI.create("https://noxus.vault.usgovcloudapi.net")))
                .isEqualTo(URI.create("https://login.microsoftonline.us"));
        assertThat(AzureBackendSettings.defaultAuthority(URI.create("https://Noxus.Vault.Azure.CN:443")))
                .isEqualTo(URI.create("https://login.chinacloudapi.cn"));
        assertThat(AzureBackendSettings.defaultAuthority(URI.create("https://noxus.vault.azure.net")))
                .isEqualTo(URI.create("https://login.microsoftonline.com"));
        // a look-alike domain is not the cloud's
        assertThat(AzureBackendSettings.defaultAuthority(URI.create("https://noxus.evilvault.azure.cn.example.com")))
                .isEqualTo(URI.create("https://login.microsoftonline.com"));
    }
}
