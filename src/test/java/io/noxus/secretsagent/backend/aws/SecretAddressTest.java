package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.secret.Reference;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretAddressTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:noxus/db-AbCdEf";

    @Test
    void anArnWithItsColonsIsOneReferencePathAndKeepsItsJsonKey() {
        Reference ref = Reference.parse("aws:" + ARN + "#password");
        assertThat(ref.backend()).isEqualTo("aws");
        assertThat(ref.path()).isEqualTo(ARN);
        assertThat(ref.field()).contains("password");
        assertThat(SecretAddress.parse(ref.document())).isEqualTo(new SecretAddress(ARN, Optional.empty(),
                Optional.empty()));
    }

    @Test
    void aGovCloudOrChinaArnIsAnArnToo() {
        String gov = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x";
        assertThat(SecretAddress.parse(Reference.parse("aws:" + gov)).secretId()).isEqualTo(gov);
    }

    @Test
    void pinsComeAfterAQuestionMarkAndBeforeTheJsonKey() {
        Reference ref = Reference.parse("aws:noxus/db?version_stage=AWSPREVIOUS#password");
        assertThat(ref.field()).contains("password");
        assertThat(SecretAddress.parse(ref.document())).isEqualTo(new SecretAddress("noxus/db",
                Optional.of("AWSPREVIOUS"), Optional.empty()));
        String id = "a801a5ad-80de-4176-a75f-7c78172a2c62";
        assertThat(SecretAddress.parse(Reference.parse("aws:" + ARN + "?version_id=" + id)))
                .isEqualTo(new SecretAddress(ARN, Optional.empty(), Optional.of(id)));
    }

    @Test
    void theCurrentStageIsNoPin() {
        assertThat(SecretAddress.parse(Reference.parse("aws:x?version_stage=AWSCURRENT")).current()).isTrue();
        assertThat(SecretAddress.parse(Reference.parse("aws:x?version_stage=AWSPENDING")).current()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        aws:a!b                                       | 'a!b' is neither a secret name
        aws:arn:aws:s3:::bucket                       | 'arn:aws:s3:::bucket' is neither a secret name
        aws:x?version=1                               | a version pin is written ?version_stage=STAGE or ?version_id=ID
        aws:x?version_stage=A&version_id=B            | a version pin is written
        aws:x?version_stage=                          | a version pin is written
        aws:x?version_id=short                        | a version id is 32 to 64 characters long
        """)
    void aMalformedPathIsAPermanentLocatedFailure(String text, String message) {
        Reference ref = Reference.parse(text);
        assertThatThrownBy(() -> SecretAddress.parse(ref)).isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).startsWith(text + ": ").contains(message);
        });
    }
}
