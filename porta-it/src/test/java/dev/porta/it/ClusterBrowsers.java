// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import dev.porta.it.browser.Browsers;
import dev.porta.it.browser.MinimalJoinPages;
import dev.porta.it.browser.NamespaceServices;
import java.time.Duration;

/**
 * What a browser test of a cluster starts and stops: Chromium, PostgreSQL and Redis (in the test's namespace
 * when absent there), and {@link TwoNodeCluster}. Closing prints what the pages logged.
 */
final class ClusterBrowsers implements AutoCloseable {
    final Browsers browsers;
    final MinimalJoinPages pages;
    final NamespaceServices services;
    final TwoNodeCluster cluster;

    private ClusterBrowsers(Browsers browsers, NamespaceServices services, TwoNodeCluster cluster) {
        this.browsers = browsers;
        this.pages = new MinimalJoinPages(browsers);
        this.services = services;
        this.cluster = cluster;
    }

    /** @param lease the nodes' lease, or null for the default (see {@link TwoNodeCluster#start}) */
    static ClusterBrowsers start(Duration lease) throws Exception {
        Browsers browsers = Browsers.start();
        NamespaceServices services = null;
        try {
            services = NamespaceServices.startWhereAbsent();
            return new ClusterBrowsers(browsers, services, TwoNodeCluster.start(lease));
        } catch (Exception | Error e) {
            browsers.close();
            if (services != null) {
                services.close();
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        System.err.println("=== what the pages logged\n" + String.join("\n", browsers.log));
        browsers.close();
        cluster.close();
        services.close();
    }
}
