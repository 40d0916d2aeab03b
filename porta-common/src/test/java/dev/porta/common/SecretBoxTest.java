// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private static final String ACCESS_KEY = "c2VjcmV0LWFjY2Vzcy1rZXktb2YtdGhlLXJlc291cmNl";
    private final MasterKey current = MasterKey.generate();
    private final SecretBox box = new SecretBox(current, List.of());

    @Test
    void aSealedValueNamesItsKeyHidesThePlaintextAndOpensAgain() {
        String sealed = box.seal(ACCESS_KEY, "identity_resource/r1/primary_key");

        assertThat(sealed).startsWith("sealed:v1:" + current.id() + ":").doesNotContain(ACCESS_KEY);
        assertThat(box.open(sealed, "identity_resource/r1/primary_key")).isEqualTo(ACCESS_KEY);
        assertThat(box.seal(ACCESS_KEY, "identity_resource/r1/primary_key")).isNotEqualTo(sealed); // fresh nonce each time
    }

    @Test
    void aSealedValueCopiedToAnotherRowOrColumnDoesNotOpen() {
        String sealed = box.seal(ACCESS_KEY, "identity_resource/r1/primary_key");

        assertThatThrownBy(() -> box.open(sealed, "identity_resource/r2/primary_key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not open").hasMessageNotContaining(ACCESS_KEY);
        assertThatThrownBy(() -> box.open(sealed, "identity_resource/r1/secondary_key")).isInstanceOf(ConfigException.class);
    }

    @Test
    void anAlteredValueDoesNotOpen() {
        String sealed = box.seal(ACCESS_KEY, "ctx");
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);

        assertThatThrownBy(() -> box.open(altered, "ctx")).isInstanceOf(ConfigException.class).hasMessageContaining("does not open");
    }

    @Test
    void aValueSealedWithAnotherMasterKeyFailsNamingThatKeyInsteadOfOpening() {
        MasterKey other = MasterKey.generate();
        String sealed = new SecretBox(other, List.of()).seal(ACCESS_KEY, "ctx");

        assertThatThrownBy(() -> box.open(sealed, "ctx")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sealed with master key " + other.id()).hasMessageContaining("not configured")
                .hasMessageContaining("secrets.master-key-file");
    }

    @Test
    void plaintextIsRefusedWhenReadButSealedByTheStartUpMigration() {
        assertThatThrownBy(() -> box.open(ACCESS_KEY, "ctx")).isInstanceOf(ConfigException.class).hasMessageContaining("not sealed");

        String sealed = box.resealed(ACCESS_KEY, "ctx").orElseThrow();
        assertThat(box.open(sealed, "ctx")).isEqualTo(ACCESS_KEY);
        assertThat(box.resealed(sealed, "ctx")).isEmpty();
    }

    @Test
    void valuesOfAPreviousKeyOpenAndAreSealedAgainWithTheCurrentOne() {
        MasterKey old = MasterKey.generate();
        String underOld = new SecretBox(old, List.of()).seal(ACCESS_KEY, "ctx");
        SecretBox rotating = new SecretBox(current, List.of(old));

        String resealed = rotating.resealed(underOld, "ctx").orElseThrow();

        assertThat(resealed).startsWith("sealed:v1:" + current.id() + ":");
        assertThat(box.open(resealed, "ctx")).isEqualTo(ACCESS_KEY); // the old key is no longer needed
    }

    @Test
    void aMasterKeyMustBeThirtyTwoBytesOfBase64() {
        assertThatThrownBy(() -> MasterKey.parse("c2hvcnQ=", "PORTA_MASTER_KEY")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("PORTA_MASTER_KEY").hasMessageContaining("32 random bytes");
        assertThatThrownBy(() -> MasterKey.parse("not base64 !", "PORTA_MASTER_KEY")).isInstanceOf(ConfigException.class);
        assertThat(MasterKey.parse(current.toBase64() + "\n", "x").id()).isEqualTo(current.id());
        assertThat(current.toString()).doesNotContain(current.toBase64());
    }
}
