// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.server.RunningPorta;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.OffsetDateTime;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import reactor.core.publisher.Mono;

/**
 * The official Graph SDK and azure-identity credential as a custom application configures them for
 * Porta (reference §6.2): authority host, no instance discovery, Porta's host allowed for the bearer
 * token, Porta's base URL — plus HTTP clients that trust Porta's self-signed certificate.
 */
final class GraphSdk {
    static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

    private GraphSdk() { }

    static ClientSecretCredential credential(RunningPorta porta, String tenantId, String clientId, String secret) {
        return credential(porta.baseUrl(), porta.certificatePem(), tenantId, clientId, secret);
    }

    /** The credential for Porta reached at {@code baseUrl}, whose TLS certificate is {@code certificatePem}. */
    static ClientSecretCredential credential(String baseUrl, Path certificatePem, String tenantId, String clientId, String secret) {
        return new ClientSecretCredentialBuilder()
                .tenantId(tenantId).clientId(clientId).clientSecret(secret)
                .authorityHost(baseUrl)
                .disableInstanceDiscovery()
                .httpClient(Sdk.trustingHttpClient(certificatePem))
                .build();
    }

    static GraphServiceClient graph(RunningPorta porta, TokenCredential credential) {
        return graph(porta.baseUrl(), porta.certificatePem(), credential);
    }

    /** The Graph client for Porta reached at {@code baseUrl}, whose TLS certificate is {@code certificatePem}. */
    static GraphServiceClient graph(String baseUrl, Path certificatePem, TokenCredential credential) {
        String host = URI.create(baseUrl).getHost();
        var auth = new AzureIdentityAuthenticationProvider(credential, new String[] {host}, GRAPH_SCOPE);
        GraphServiceClient graph = new GraphServiceClient(auth, okHttp(certificatePem));
        graph.getRequestAdapter().setBaseUrl(baseUrl + "v1.0");
        return graph;
    }

    /**
     * A Graph client for a new app of the demo tenant {@code tenant} with {@code permissions}, inside the demo
     * access policy when {@code inPolicy}.
     */
    static GraphServiceClient appClient(RunningPorta porta, String tenant, String name,
                                        java.util.Set<dev.porta.directory.AppPermission> permissions, boolean inPolicy) {
        var directory = porta.server().meetings().directory();
        var t = new dev.porta.directory.TenantId(tenant);
        var app = directory.registerApp(t, name, permissions, java.util.List.of());
        if (inPolicy) {
            var apps = new java.util.HashSet<>(directory.accessPolicies(t).get(dev.porta.directory.DemoSeeder.ACCESS_POLICY));
            apps.add(app.clientId());
            directory.setAccessPolicy(t, dev.porta.directory.DemoSeeder.ACCESS_POLICY, apps);
        }
        String secret = directory.addClientSecret(t, app.clientId(), null).value();
        return graph(porta, credential(porta, tenant, app.clientId().value(), secret));
    }

    /** Trust managers that trust exactly the certificate in {@code certificatePem}. */
    static TrustManagerFactory trusting(Path certificatePem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(certificatePem)) {
            trust.setCertificateEntry("trusted", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    /** A credential that always hands out this token (for delegated tokens and forged ones). */
    static TokenCredential fixed(String token) {
        return request -> Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
    }

    private static OkHttpClient okHttp(Path certificatePem) {
        try {
            TrustManagerFactory tmf = trusting(certificatePem);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return GraphClientFactory.create().sslSocketFactory(ssl.getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0]).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Schedules, through the Graph SDK with the demo app's credentials, a meeting of the demo's first member (the
     * organizer) that started five minutes ago and lasts an hour, with {@code lobby} deciding who waits.
     */
    static com.microsoft.graph.models.OnlineMeeting scheduleAsDemoOrganizer(RunningPorta porta, String subject,
                                                                           com.microsoft.graph.models.LobbyBypassScope lobby) {
        var demo = porta.demo();
        String tenant = demo.get("tenantId").asText();
        GraphServiceClient graph = graph(porta, credential(porta, tenant, demo.at("/app/clientId").asText(),
                demo.at("/app/clientSecret").asText()));
        var meeting = new com.microsoft.graph.models.OnlineMeeting();
        meeting.setSubject(subject);
        meeting.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        meeting.setEndDateTime(OffsetDateTime.now().plusHours(1));
        var bypass = new com.microsoft.graph.models.LobbyBypassSettings();
        bypass.setScope(lobby);
        meeting.setLobbyBypassSettings(bypass);
        return graph.users().byUserId(demo.at("/members/0/id").asText()).onlineMeetings().post(meeting);
    }
}
