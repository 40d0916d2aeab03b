// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.identity.HmacAuthenticator;
import dev.porta.identity.TokenCheck;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The refusals the official SDK cannot provoke (it always signs correctly), sent as raw signed HTTP:
 * each gets the ACS error body with the right status, and nothing stored changes.
 */
class IdentityApiRefusalsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static RunningPorta porta;
    static HttpClient http;
    static String key;
    static String host;

    @BeforeAll
    static void start() {
        porta = RunningPorta.start();
        http = porta.httpClient();
        key = porta.connectionString().replaceAll(".*accesskey=", "");
        host = URI.create(porta.baseUrl()).getAuthority();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    record Reply(int status, JsonNode body) { }

    static Reply send(String method, String target, String body, String contentType, Instant date, String signedBody) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String hash = HmacAuthenticator.contentHash(signedBody.getBytes(StandardCharsets.UTF_8));
        String d = HmacAuthenticator.formatDate(date);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(porta.baseUrl().replaceAll("/$", "") + target))
                .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("x-ms-date", d)
                .header("x-ms-content-sha256", hash)
                .header("Authorization", HmacAuthenticator.authorizationHeader(key, method, target, d, host, hash));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    static Reply send(String method, String target, String body) throws Exception {
        return send(method, target, body, body.isEmpty() ? null : "application/json", Instant.now(), body);
    }

    static String createIdentity() throws Exception {
        Reply r = send("POST", "/identities?api-version=2023-10-01", "{}");
        assertThat(r.status()).isEqualTo(201);
        return r.body().at("/identity/id").asText();
    }

    static void assertError(Reply r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body().at("/error/code").asText()).isEqualTo(code);
        assertThat(r.body().at("/error/message").asText()).isNotBlank();
    }

    @Test
    void aMissingOrMalformedApiVersionIsABadRequest() throws Exception {
        assertError(send("POST", "/identities", "{}"), 400, "InvalidApiVersion");
        assertError(send("POST", "/identities?api-version=latest", "{}"), 400, "InvalidApiVersion");
        assertThat(send("POST", "/identities?api-version=2025-03-02-preview", "{}").status()).isEqualTo(201);
    }

    @Test
    void staleAndFutureDatesAreRefused() throws Exception {
        assertError(send("POST", "/identities?api-version=2023-10-01", "{}", "application/json",
                Instant.now().minus(Duration.ofMinutes(11)), "{}"), 401, "Denied");
        assertError(send("POST", "/identities?api-version=2023-10-01", "{}", "application/json",
                Instant.now().plus(Duration.ofMinutes(11)), "{}"), 401, "Denied");
    }

    @Test
    void aBodyThatDoesNotMatchItsHashIsRefusedAndNoTokenIsIssued() throws Exception {
        String id = createIdentity();
        String target = "/identities/" + id + "/:issueAccessToken?api-version=2023-10-01";

        Reply r = send("POST", target, "{\"scopes\":[\"chat\"]}", "application/json", Instant.now(), "{\"scopes\":[\"voip\"]}");

        assertError(r, 401, "Denied");
        assertThat(r.body().at("/error/message").asText()).contains("x-ms-content-sha256");
        Reply get = send("GET", "/identities/" + id + "?api-version=2025-03-02-preview", "");
        assertThat(get.body().has("lastTokenIssuedAt")).isFalse();
    }

    @Test
    void malformedJsonBadScopesAndWrongContentTypeAreBadRequests() throws Exception {
        String id = createIdentity();
        String target = "/identities/" + id + "/:issueAccessToken?api-version=2023-10-01";

        assertError(send("POST", target, "{\"scopes\":[\"voip\""), 400, "InvalidRequestBody");
        assertError(send("POST", target, "[1,2]"), 400, "InvalidRequestBody");
        assertError(send("POST", target, "{\"scopes\":[\"admin\"]}"), 400, "InvalidScope");
        assertError(send("POST", target, "{\"scopes\":[]}"), 400, "InvalidScope");
        assertError(send("POST", target, "{\"scopes\":[\"voip\"],\"expiresInMinutes\":\"sixty\"}"), 400, "InvalidExpiresInMinutes");
        assertError(send("POST", target, "{\"scopes\":[\"voip\"]}", "text/plain", Instant.now(), "{\"scopes\":[\"voip\"]}"), 415,
                "UnsupportedMediaType");
        assertError(send("POST", "/identities?api-version=2023-10-01", "{\"createTokenWithScopes\":[\"nope\"]}"), 400, "InvalidScope");
    }

    @Test
    void aHugeBodyIsRefusedWithoutReadingIt() throws Exception {
        String huge = "{\"scopes\":[\"voip\"],\"pad\":\"" + "x".repeat(200_000) + "\"}";

        assertError(send("POST", "/identities?api-version=2023-10-01", huge), 413, "RequestTooLarge");
    }

    @Test
    void unknownRoutesAndOperationsAnswerNotFoundInTheErrorShape() throws Exception {
        String id = createIdentity();

        assertError(send("POST", "/identities/" + id + "/:frobnicate?api-version=2023-10-01", "{}"), 404, "NotFound");
        assertError(send("GET", "/identities/not-an-id?api-version=2025-03-02-preview", ""), 404, "IdentityNotFound");
        var r = http.send(HttpRequest.newBuilder(URI.create(porta.baseUrl() + "rooms?api-version=2025-03-13")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("NotFound");
    }

    @Test
    void aPercentEncodedIdentityIsTheSameIdentity() throws Exception {
        String id = createIdentity();
        String encoded = id.replace(":", "%3A");

        Reply issued = send("POST", "/identities/" + encoded + "/:issueAccessToken?api-version=2023-10-01", "{\"scopes\":[\"voip\"]}");

        assertThat(issued.status()).isEqualTo(200);
        assertThat(porta.server().accessTokens().check(issued.body().get("token").asText()))
                .isInstanceOfSatisfying(TokenCheck.Valid.class, v -> assertThat(v.identity().value()).isEqualTo(id));
        assertThat(issued.body().get("expiresOn").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @Test
    void aRefusedDeleteLeavesTheIdentityAndItsTokensIntact() throws Exception {
        Reply created = send("POST", "/identities?api-version=2023-10-01", "{\"createTokenWithScopes\":[\"voip\"]}");
        String id = created.body().at("/identity/id").asText();

        Reply refused = send("DELETE", "/identities/" + id + "?api-version=2023-10-01", "", null,
                Instant.now().minus(Duration.ofHours(1)), "");

        assertError(refused, 401, "Denied");
        assertThat(porta.server().accessTokens().check(created.body().at("/accessToken/token").asText())).isInstanceOf(TokenCheck.Valid.class);
        assertThat(send("DELETE", "/identities/" + id + "?api-version=2023-10-01", "").status()).isEqualTo(204);
    }
}
