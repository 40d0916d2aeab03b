// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * The official SDKs pointed at Porta instead of Microsoft's cloud: the Graph client with an
 * azure-identity client-secret credential whose authority is Porta, and the Communication Identity
 * client from Porta's connection string.
 */
final class PortaClients {
    private static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

    final GraphServiceClient graph;
    final CommunicationIdentityClient identities;

    PortaClients(PortalConfig c) {
        HttpClient azureHttp = c.portaCertificate().map(PortaClients::nettyTrusting).orElse(null);
        var credential = new ClientSecretCredentialBuilder().tenantId(c.tenantId()).clientId(c.clientId()).clientSecret(c.clientSecret())
                .authorityHost(c.portaUrl()).disableInstanceDiscovery();
        var identityBuilder = new CommunicationIdentityClientBuilder().connectionString(c.connectionString());
        if (azureHttp != null) {
            credential.httpClient(azureHttp);
            identityBuilder.httpClient(azureHttp);
        }
        String host = URI.create(c.portaUrl()).getHost();
        var auth = new AzureIdentityAuthenticationProvider(credential.build(), new String[] {host}, GRAPH_SCOPE);
        OkHttpClient okHttp = c.portaCertificate().map(PortaClients::okHttpTrusting).orElseGet(() -> GraphClientFactory.create().build());
        this.graph = new GraphServiceClient(auth, okHttp);
        graph.getRequestAdapter().setBaseUrl(c.portaUrl() + "v1.0");
        this.identities = identityBuilder.buildClient();
    }

    private static HttpClient nettyTrusting(Path pem) {
        try {
            var ssl = SslContextBuilder.forClient().trustManager(pem.toFile()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create().secure(spec -> spec.sslContext(ssl))).build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pem, e);
        }
    }

    private static OkHttpClient okHttpTrusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("porta", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return GraphClientFactory.create().sslSocketFactory(ssl.getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0]).build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pem, e);
        }
    }
}
