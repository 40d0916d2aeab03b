// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.communication.common.CommunicationTokenCredential;
import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.communication.identity.CommunicationIdentityServiceVersion;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.azure.core.credential.AccessToken;
import com.azure.core.exception.HttpResponseException;
import dev.porta.identity.TokenCheck;
import dev.porta.server.RunningPorta;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official {@code azure-communication-identity} SDK, configured with nothing but Porta's connection
 * string (and an HTTP client that trusts Porta's self-signed certificate), against a running Porta.
 */
@ParameterizedClass(name = "on {0}")
@ValueSource(strings = {"h2", "postgresql"})
class IdentityApiSdkTest {
    /** The database this Porta runs on ("h2" or "postgresql"); the lifecycle methods receive it too. */
    @Parameter
    String database;
    static RunningPorta porta;
    static CommunicationIdentityClient client;

    @BeforeParameterizedClassInvocation
    static void start(String database) {
        porta = RunningPorta.on(database);
        client = Sdk.identityClient(porta, porta.connectionString());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        porta.close();
    }

    @Test
    void createsAnIdentityInTheAcsFormatOfThisResource() {
        CommunicationUserIdentifier user = client.createUser();

        assertThat(user.getId()).matches("8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}");
        assertThat(porta.server().identities().resources().getFirst().id().toString())
                .isEqualTo(user.getId().substring(6, 42));
    }

    @Test
    void createsAnIdentityWithATokenThatTheSdkCredentialParsesAndPortaAccepts() throws Exception {
        CommunicationUserIdentifierAndToken result = client.createUserAndToken(
                List.of(CommunicationTokenScope.VOIP, CommunicationTokenScope.CHAT));

        AccessToken token = result.getUserToken();
        assertThat(token.getExpiresAt()).isBetween(OffsetDateTime.now().plusMinutes(1439), OffsetDateTime.now().plusMinutes(1441));
        try (var credential = new CommunicationTokenCredential(token.getToken())) {
            assertThat(credential.getToken().block().getExpiresAt().toEpochSecond()).isEqualTo(token.getExpiresAt().toEpochSecond());
        }
        assertThat(porta.server().accessTokens().check(token.getToken()))
                .isInstanceOfSatisfying(TokenCheck.Valid.class, v -> assertThat(v.identity().value()).isEqualTo(result.getUser().getId()));
    }

    @Test
    void issuesTokensWithTheRequestedLifetime() {
        CommunicationUserIdentifier user = client.createUser();

        AccessToken oneHour = client.getToken(user, List.of(CommunicationTokenScope.VOIP), Duration.ofMinutes(60));
        AccessToken twoHours = client.getToken(user, List.of(CommunicationTokenScope.VOIP), Duration.ofHours(2));
        AccessToken byDefault = client.getToken(user, List.of(CommunicationTokenScope.CHAT));

        assertThat(oneHour.getExpiresAt()).isBetween(OffsetDateTime.now().plusMinutes(59), OffsetDateTime.now().plusMinutes(61));
        assertThat(twoHours.getExpiresAt()).isBetween(OffsetDateTime.now().plusMinutes(119), OffsetDateTime.now().plusMinutes(121));
        assertThat(byDefault.getExpiresAt()).isBetween(OffsetDateTime.now().plusHours(23).plusMinutes(59), OffsetDateTime.now().plusHours(24).plusMinutes(1));
    }

    @Test
    void revocationInvalidatesEarlierTokensButNotLaterOnes() {
        CommunicationUserIdentifierAndToken created = client.createUserAndToken(List.of(CommunicationTokenScope.VOIP));

        client.revokeTokens(created.getUser());
        AccessToken later = client.getToken(created.getUser(), List.of(CommunicationTokenScope.VOIP));

        assertThat(porta.server().accessTokens().check(created.getUserToken().getToken()))
                .isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.REVOKED));
        assertThat(porta.server().accessTokens().check(later.getToken())).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    void deletionInvalidatesTokensAndLaterCallsAnswerNotFound() {
        CommunicationUserIdentifierAndToken created = client.createUserAndToken(List.of(CommunicationTokenScope.VOIP));

        client.deleteUser(created.getUser());

        assertThat(porta.server().accessTokens().check(created.getUserToken().getToken()))
                .isEqualTo(new TokenCheck.Refused(TokenCheck.Reason.IDENTITY_DELETED));
        assertThatThrownBy(() -> client.getToken(created.getUser(), List.of(CommunicationTokenScope.VOIP)))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));
        assertThatThrownBy(() -> client.revokeTokens(created.getUser()))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));
        assertThatThrownBy(() -> client.deleteUser(created.getUser()))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));
    }

    @Test
    void refusesLifetimesOutsideSixtyToFourteenFortyMinutesAndIssuesNothing() {
        CommunicationUserIdentifier user = client.createUser();

        for (Duration bad : List.of(Duration.ofMinutes(59), Duration.ofMinutes(1441))) {
            assertThatThrownBy(() -> client.getToken(user, List.of(CommunicationTokenScope.VOIP), bad))
                    .isInstanceOfSatisfying(HttpResponseException.class, e -> {
                        assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("InvalidExpiresInMinutes");
                    });
        }
        assertThat(porta.server().identities().resources()).isNotEmpty();
        var stored = porta.server().identities().find(porta.server().identities().resources().getFirst(),
                new dev.porta.identity.CommunicationUserId(user.getId()));
        assertThat(stored.orElseThrow().lastTokenIssuedAt()).isEmpty();
    }

    @Test
    void refusesAnUnknownIdentityWithNotFound() {
        var unknown = new CommunicationUserIdentifier(client.createUser().getId().substring(0, 43) + "00000000-0000-0000-0000-000000000000");

        assertThatThrownBy(() -> client.getToken(unknown, List.of(CommunicationTokenScope.VOIP)))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));
    }

    @Test
    void refusesAConnectionStringWithAWrongKeyAndChangesNothing() {
        String wrong = porta.connectionString().replaceAll("accesskey=.*", "accesskey=" + java.util.Base64.getEncoder().encodeToString(new byte[64]));
        CommunicationIdentityClient intruder = Sdk.identityClient(porta, wrong);
        CommunicationUserIdentifierAndToken victim = client.createUserAndToken(List.of(CommunicationTokenScope.VOIP));

        assertThatThrownBy(intruder::createUser)
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));
        assertThatThrownBy(() -> intruder.deleteUser(victim.getUser()))
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));

        assertThat(porta.server().accessTokens().check(victim.getUserToken().getToken())).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    void bothAccessKeysWorkAndRotatingOneLeavesTheOtherWorking() {
        var resource = porta.server().identities().resources().getFirst();
        String secondary = porta.connectionString().replaceAll("accesskey=.*", "accesskey=" + resource.secondaryKey());
        assertThat(Sdk.identityClient(porta, secondary).createUser().getId()).startsWith("8:acs:");

        var rotated = porta.server().identities().rotateKey(resource.id(), 1);

        assertThatThrownBy(() -> Sdk.identityClient(porta, secondary).createUser())
                .isInstanceOfSatisfying(HttpResponseException.class, e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));
        String fresh = porta.connectionString().replaceAll("accesskey=.*", "accesskey=" + rotated.secondaryKey());
        assertThat(Sdk.identityClient(porta, fresh).createUser().getId()).startsWith("8:acs:");
        assertThat(client.createUser().getId()).startsWith("8:acs:");
    }

    @Test
    void everyServiceVersionTheSdkOffersIsAccepted() {
        for (CommunicationIdentityServiceVersion v : CommunicationIdentityServiceVersion.values()) {
            var versioned = Sdk.identityClientBuilder(porta, porta.connectionString()).serviceVersion(v).buildClient();
            assertThat(versioned.createUser().getId()).as(v.getVersion()).startsWith("8:acs:");
        }
    }
}
