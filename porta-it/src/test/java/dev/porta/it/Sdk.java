// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import dev.porta.server.RunningPorta;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The official SDK clients as a custom application would build them. The only addition is an HTTP
 * client that trusts Porta's self-signed certificate — the SDK's documented {@code httpClient(...)}
 * option; the authentication pipeline is the SDK's own.
 */
final class Sdk {
    private Sdk() { }

    static HttpClient trustingHttpClient(RunningPorta porta) {
        return trustingHttpClient(porta.certificatePem());
    }

    /** An SDK HTTP client that trusts exactly the certificate in {@code certificatePem} (Porta's, or a proxy's). */
    static HttpClient trustingHttpClient(java.nio.file.Path certificatePem) {
        try {
            SslContext ssl = SslContextBuilder.forClient().trustManager(certificatePem.toFile()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                    .secure(spec -> spec.sslContext(ssl))).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    static CommunicationIdentityClientBuilder identityClientBuilder(RunningPorta porta, String connectionString) {
        return new CommunicationIdentityClientBuilder().connectionString(connectionString).httpClient(trustingHttpClient(porta));
    }

    static CommunicationIdentityClient identityClient(RunningPorta porta, String connectionString) {
        return identityClientBuilder(porta, connectionString).buildClient();
    }
}
