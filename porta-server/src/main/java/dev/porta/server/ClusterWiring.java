// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.cluster.NodeStatus;
import dev.porta.cluster.Redis;
import dev.porta.cluster.RedisMeetingPlacement;
import dev.porta.cluster.RedisAuthorizationCodes;
import dev.porta.cluster.RedisRateLimits;
import dev.porta.cluster.RedisRevocations;
import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import dev.porta.common.MeetingPlacement;
import dev.porta.common.RateLimits;
import dev.porta.common.Revocations;
import dev.porta.directory.oauth.AuthorizationCodeStore;
import dev.porta.directory.oauth.AuthorizationCodes;
import java.time.Clock;
import java.time.Duration;
import java.net.URI;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the nodes of a cluster share, chosen once from {@code cluster.*}: with {@code cluster.redis-url}
 * set, rate-limit buckets, authorization codes and revocations live in Redis; without it, in this
 * process (one node). Every other wiring class takes its limiters, codes and revocations from here, and
 * the calling service its {@link MeetingPlacement}: every meeting here (one node), or the node registry
 * and leases in Redis, kept alive by this class's heartbeat.
 */
final class ClusterWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

    private final String nodeId;
    private final Redis redis; // null: one node
    private final RateLimits rateLimits;
    private final Revocations revocations;
    private final AuthorizationCodeStore codes;
    private final MeetingPlacement placement;
    private final RedisMeetingPlacement registry; // null: one node
    private final String nodeUrl; // empty: this node's own base URL once it listens
    private final Duration heartbeatInterval;
    private final java.util.List<String> socketSources;
    private ScheduledExecutorService heartbeat;
    private final NodeDrain drain;
    private final Duration drainTimeout;
    private final Duration stopDrainTimeout;
    /** Whether a meeting is live on this node (set once the calling service exists). */
    private volatile java.util.function.Predicate<String> liveHere = meetingId -> false;
    private volatile boolean halted;

    ClusterWiring(Config config, Clock clock) {
        this.nodeId = nodeId(config);
        this.drain = new NodeDrain(clock);
        this.drainTimeout = config.duration("cluster.drain-timeout");
        this.stopDrainTimeout = config.duration("cluster.stop-drain-timeout");
        if (drainTimeout.isNegative()) {
            throw new ConfigException("cluster.drain-timeout", "must not be negative, got " + drainTimeout);
        }
        if (stopDrainTimeout.isNegative()) {
            throw new ConfigException("cluster.stop-drain-timeout", "must not be negative, got " + stopDrainTimeout);
        }
        String url = config.string("cluster.redis-url");
        if (url.isBlank()) {
            this.redis = null;
            this.rateLimits = RateLimits.local(clock);
            this.revocations = Revocations.local();
            this.codes = new AuthorizationCodes(clock);
            this.placement = MeetingPlacement.local();
            this.registry = null;
            this.nodeUrl = "";
            this.heartbeatInterval = Duration.ZERO;
            this.socketSources = java.util.List.of();
            return;
        }
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ConfigException("cluster.redis-url", "must be a redis:// or rediss:// URL");
        }
        Duration timeout = config.duration("cluster.redis-timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException("cluster.redis-timeout", "must be positive, got " + timeout);
        }
        // every key checked before anything is opened, so a refused configuration leaves nothing behind
        this.heartbeatInterval = config.duration("cluster.heartbeat-interval");
        Duration lease = config.duration("cluster.lease");
        if (heartbeatInterval.toMillis() < 100) {
            throw new ConfigException("cluster.heartbeat-interval", "must be at least 100ms, got " + heartbeatInterval);
        }
        if (lease.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigException("cluster.lease", "must be at least twice cluster.heartbeat-interval, got " + lease);
        }
        this.nodeUrl = nodeUrl(config);
        this.socketSources = socketSources(config);
        try {
            this.redis = Redis.connect(url, config.string("cluster.redis-key-prefix"), timeout);
        } catch (RuntimeException e) {
            // the URL may hold a password: name the key, not the value
            throw new ConfigException("cluster.redis-url", "Redis could not be reached (" + e.getClass().getSimpleName() + ")");
        }
        this.rateLimits = new RedisRateLimits(redis, clock);
        this.revocations = new RedisRevocations(redis, nodeId);
        this.codes = new RedisAuthorizationCodes(redis, clock);
        this.registry = new RedisMeetingPlacement(redis, nodeId, lease, clock);
        this.placement = registry;
        LOG.info("Cluster node {}: rate limits, authorization codes, revocations and meeting placement shared in Redis (prefix '{}')",
                nodeId, redis.prefix());
    }

    /** {@code cluster.node-url}: where clients reach this node itself (not the load balancer), ending in /. */
    private static String nodeUrl(Config config) {
        String url = config.string("cluster.node-url").strip();
        if (url.isEmpty()) {
            return "";
        }
        URI u;
        try {
            u = new URI(url.endsWith("/") ? url : url + "/");
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("cluster.node-url", "is not a URL");
        }
        if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw new ConfigException("cluster.node-url", "must be an https URL with a host and no user, query or fragment");
        }
        return u.toString();
    }

    /**
     * {@code cluster.node-origins} as CSP {@code connect-src} sources ({@code wss://host:port}): Porta's own
     * pages may open the calling WebSocket on any node, since a join is sent to the meeting's home. Empty:
     * {@code wss:} (any secure WebSocket), because the nodes are not known in advance.
     */
    private static java.util.List<String> socketSources(Config config) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String origin : config.list("cluster.node-origins")) {
            URI u;
            try {
                u = new URI(origin.strip());
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("cluster.node-origins", "'" + origin + "' is not an origin such as https://node1.example:8443");
            }
            if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                    || u.getRawQuery() != null || u.getRawFragment() != null || !u.getHost().matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw new ConfigException("cluster.node-origins", "'" + origin + "' is not an origin such as https://node1.example:8443");
            }
            out.add("wss://" + u.getRawAuthority());
        }
        return out.isEmpty() ? java.util.List.of("wss:") : java.util.List.copyOf(out);
    }

    /** Extra CSP {@code connect-src} sources for Porta's own pages (none on one node). */
    java.util.List<String> callingSocketSources() {
        return socketSources;
    }

    private static String nodeId(Config config) {
        String id = config.string("cluster.node-id").strip();
        if (id.isEmpty()) {
            return "node-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("cluster.node-id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    String nodeId() {
        return nodeId;
    }

    RateLimits rateLimits() {
        return rateLimits;
    }

    Revocations revocations() {
        return revocations;
    }

    AuthorizationCodeStore authorizationCodes() {
        return codes;
    }

    /**
     * Where each meeting lives: here (one node), or the meeting's home in the cluster. While this node
     * drains, a meeting not live here is not started here: in a cluster it goes to another node (a lease
     * this node still holds for it is handed over), on one node it is refused as unavailable (retryable).
     */
    MeetingPlacement placement() {
        return new MeetingPlacement() {
            @Override
            public Home place(String meetingId) {
                if (!drain.draining() || liveHere.test(meetingId)) {
                    return placement.place(meetingId);
                }
                return registry != null ? registry.placeAway(meetingId) : new MeetingPlacement.Home.Unavailable("this node is draining");
            }

            // every other question goes to the placement itself (a resume ticket asks whether its node still lives)
            @Override
            public boolean isLive(String nodeId) {
                return placement.isLive(nodeId);
            }
        };
    }

    /** Tells the placement which meetings are live here (they stay here while the node drains). */
    void liveMeetingsFrom(java.util.function.Predicate<String> live) {
        this.liveHere = live;
    }

    NodeDrain drain() {
        return drain;
    }

    /**
     * This node is being stopped (SIGTERM): it drains for at most {@code cluster.stop-drain-timeout}, and in a
     * cluster flags itself draining in Redis at once, so no new meeting is placed here.
     */
    Duration startStopping() {
        if (drain.startStopping(stopDrainTimeout)) {
            LOG.info("Node {} stopping: no new meetings; waiting up to {} for the live ones to end (cluster.stop-drain-timeout)",
                    nodeId, stopDrainTimeout);
        }
        if (registry != null) {
            try {
                registry.flagDraining();
            } catch (RuntimeException e) {
                LOG.warn("Node {} could not flag itself draining in Redis ({})", nodeId, e.toString());
            }
        }
        return stopDrainTimeout;
    }

    /** The node registry and placement in Redis, when this node is part of a cluster. */
    Optional<RedisMeetingPlacement> registry() {
        return Optional.ofNullable(registry);
    }

    /**
     * Registers this node and keeps it registered (with its load and its meetings' leases) every
     * {@code cluster.heartbeat-interval}; the first heartbeat runs now, so the node is live before it takes a
     * join. Nothing happens on one node.
     *
     * @param ownUrl this node's base URL, used when {@code cluster.node-url} is empty
     * @param load   this node's load and live meetings now
     * @param lost   told of live meetings whose lease another node holds now
     * @param drained run once when the node drains ({@code porta admin drain}) and its last meeting ended,
     *                or {@code cluster.drain-timeout} passed: the node exits
     */
    void startHeartbeat(String ownUrl, Supplier<Load> load, Consumer<Set<String>> lost, Runnable drained) {
        if (registry == null) {
            return;
        }
        URI url = URI.create(nodeUrl.isEmpty() ? ownUrl : nodeUrl);
        try {
            registry.clearDrainFlag(); // left by an earlier run under this id: a node that starts takes meetings
        } catch (RuntimeException e) {
            LOG.warn("Cluster node {}: could not clear an old drain flag ({})", nodeId, e.toString());
        }
        Runnable beat = () -> {
            try {
                Load now = load.get();
                String drainingAs = !drain.draining() ? "" : drain.reason().equals("porta admin drain") ? "admin" : "stopping";
                Set<String> gone = registry.heartbeat(new NodeStatus(url, now.mediaAddresses(), now.meetings(), now.participants(),
                        now.packetsPerSecond()), now.liveMeetings(), drainingAs);
                if (!gone.isEmpty()) {
                    LOG.warn("Cluster node {}: another node holds the lease of live meetings {} now", nodeId, gone);
                    lost.accept(gone);
                }
                if (registry.drainFlagged()) {
                    if (drain.start("porta admin drain", drainTimeout)) {
                        LOG.info("Cluster node {} draining (porta admin drain): no new meetings; exits once its {} live meetings end,"
                                + " at most {} from now (cluster.drain-timeout)", nodeId, now.meetings(), drainTimeout);
                    }
                } else if (drain.reason().equals("porta admin drain") && drain.cancel()) {
                    LOG.info("Cluster node {} no longer draining (porta admin undrain): takes new meetings again", nodeId);
                }
                if (drain.exitNow(now.meetings())) {
                    LOG.info("Cluster node {} drained ({}): exiting", nodeId,
                            now.meetings() == 0 ? "no meeting left" : now.meetings() + " meetings still live at cluster.drain-timeout are ended");
                    Thread.ofPlatform().name("porta-drained").start(drained);
                }
            } catch (RuntimeException e) {
                LOG.warn("Cluster node {}: heartbeat failed ({}); its registration and leases lapse unless the next one succeeds",
                        nodeId, e.toString());
            }
        };
        beat.run();
        heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("porta-cluster-heartbeat").daemon().factory());
        heartbeat.scheduleWithFixedDelay(beat, heartbeatInterval.toMillis(), heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Cluster node {} registered as {} (heartbeat every {})", nodeId, url, heartbeatInterval);
    }

    /** What a heartbeat reports of this node. */
    record Load(java.util.List<String> mediaAddresses, int meetings, int participants, long packetsPerSecond,
                Collection<String> liveMeetings) { }

    /** Redis, when this node is part of a cluster (readiness checks it). */
    Optional<Redis> redis() {
        return Optional.ofNullable(redis);
    }

    /** Stops beating and will not leave the cluster on close: the node's registration and leases lapse by themselves. */
    void halt() {
        halted = true;
        if (heartbeat != null) {
            // a heartbeat under way finishes first: one still running while the meetings end would release
            // their leases and renew the registration, which a killed process never does
            heartbeat.shutdown();
            try {
                heartbeat.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Leaves the cluster: no more heartbeats, out of the registry, leases released. The server calls it once
     * its meetings ended, before it stops listening, so no join is sent to a node on its way out.
     */
    synchronized void leave() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            try {
                heartbeat.awaitTermination(5, TimeUnit.SECONDS); // a beat under way would register the node again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (registry != null && !halted) {
            registry.leave(); // live meetings have ended by now (calling closes first): release their leases
        }
    }

    @Override
    public void close() {
        leave();
        revocations.close();
        if (redis != null) {
            redis.close();
        }
    }
}
