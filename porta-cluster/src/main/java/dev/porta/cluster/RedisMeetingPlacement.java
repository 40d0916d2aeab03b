// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.common.MeetingPlacement;
import io.lettuce.core.ScriptOutputType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node registry and meeting placement in Redis. Keys (after the deployment's prefix):
 * <ul>
 *   <li>{@code node:<id>}: a hash of what the node said at its last heartbeat (url, media, meetings,
 *       participants, packetsPerSecond, heartbeat); it expires one lease time after that heartbeat, so a
 *       node that stops beating drops out by itself;</li>
 *   <li>{@code nodes}: a sorted set of node ids by the time their registration lapses;</li>
 *   <li>{@code homes:<id>}: the meetings a node is home to (for listing);</li>
 *   <li>{@code home:<meeting id>}: the meeting's lease: the home node's id, set with NX and PX;</li>
 *   <li>{@code drain:<id>}: set while the node drains ({@code porta admin drain}, or its own stop): no new
 *       meeting is placed on it; it keeps its live meetings until they end.</li>
 * </ul>
 * Placing runs one Lua script, so two nodes that place one meeting at once get the same home. The home
 * renews its leases at each heartbeat while the meeting is live here and releases them once it ended.
 * When Redis cannot be reached, no meeting is placed ({@link Home.Unavailable}): a join is refused with a
 * reason the client retries on, never served on a node that may not be the home.
 */
public final class RedisMeetingPlacement implements MeetingPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMeetingPlacement.class);
    private static final LuaScript PLACE = LuaScript.load("place.lua");
    private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat.lua");
    private static final LuaScript LEAVE = LuaScript.load("leave.lua");

    private final Redis redis;
    private final String nodeId;
    private final Duration lease;
    private final Clock clock;
    /** Leases this node holds (or took at a join), with when it last placed each: ended meetings are released after one lease time. */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    /** Whether the last heartbeat found this node's drain flag set. */
    private volatile boolean drainFlagged;
    /** Whether a heartbeat of this node reached Redis: a registration missing after that means Redis lost it. */
    private volatile boolean registered;

    /**
     * @param lease how long a registration and a lease last without a heartbeat; beat several times per lease
     */
    public RedisMeetingPlacement(Redis redis, String nodeId, Duration lease, Clock clock) {
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("node id must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (lease.toMillis() < 100) {
            throw new IllegalArgumentException("lease must be at least 100 ms");
        }
        this.redis = redis;
        this.nodeId = nodeId;
        this.lease = lease;
        this.clock = clock;
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    public Home place(String meetingId) {
        return place(meetingId, false);
    }

    /**
     * Places a meeting that is not live here while this node drains: a lease this node still holds for it
     * (the meeting ended, or its first participant never arrived) is handed over, and the meeting goes to
     * another node that does not drain (or nowhere: {@link Home.Unavailable}).
     */
    public Home placeAway(String meetingId) {
        return place(meetingId, true);
    }

    private Home place(String meetingId, boolean handOver) {
        List<Object> answer;
        try {
            answer = redis.eval(PLACE, ScriptOutputType.MULTI, List.of(leaseKey(meetingId), redis.key("nodes"), redis.key("settling")),
                    nodeId, Long.toString(lease.toMillis()), redis.key("node:"), redis.key("homes:"), meetingId,
                    redis.key("drain:"), handOver ? "1" : "0");
        } catch (RuntimeException e) {
            LOG.warn("meeting {} not placed: Redis unreachable ({})", meetingId, e.toString());
            return new Home.Unavailable("Redis cannot be reached");
        }
        if (answer == null || answer.isEmpty() || answer.get(0) == null) {
            return new Home.Unavailable("no node is live");
        }
        String home = (String) answer.get(0);
        if (home.isEmpty()) {
            // Redis lost its data a moment ago; the meeting may be live on a node that has not taken its lease back yet
            return new Home.Unavailable("the nodes are taking back their meetings' leases (Redis lost its data)");
        }
        if (handOver) {
            held.remove(meetingId);
        }
        if (home.equals(nodeId)) {
            held.put(meetingId, clock.instant());
            return HERE;
        }
        String url = answer.size() > 1 ? (String) answer.get(1) : null;
        URI homeUrl = nodeUrl(url);
        if (homeUrl == null) {
            // its lease has not lapsed yet, but it stopped beating (or never said where it is): nobody serves it now
            return new Home.Unavailable("home node " + home + " is not live");
        }
        return new Home.Elsewhere(home, homeUrl);
    }

    @Override
    public boolean isLive(String otherNode) {
        try {
            return redis.commands().exists(redis.key("node:" + otherNode)) > 0;
        } catch (RuntimeException e) {
            return true; // cannot tell: never take over what that node may still serve
        }
    }

    /**
     * Registers this node with its load for one lease time, renews the leases of its live meetings (and of
     * meetings placed here within the last lease time, whose first participant may still be on the way)
     * and releases the others.
     *
     * @return the live meetings whose lease another node holds now (this node lost them, e.g. after being
     *         cut off from Redis for longer than a lease)
     * @throws RuntimeException when Redis cannot be reached (the caller logs it and beats again)
     */
    public Set<String> heartbeat(NodeStatus status, Collection<String> liveMeetings) {
        return heartbeat(status, liveMeetings, "");
    }

    /**
     * As {@link #heartbeat(NodeStatus, Collection)}, for a node that may be draining. When this node beat
     * before and its registration is gone (Redis restarted without persistence, or failed over, or this node
     * was cut off for longer than a lease), the heartbeat also flags the cluster as settling for one lease
     * time, so that no meeting is placed anew before every node took back the leases of its live meetings,
     * and sets this node's drain flag again when it drains.
     *
     * @param drainingAs why this node drains, as its drain flag says it ({@code admin} or {@code stopping}),
     *                   or empty when it does not
     */
    public Set<String> heartbeat(NodeStatus status, Collection<String> liveMeetings, String drainingAs) {
        if (!drainingAs.isEmpty() && !drainingAs.equals("admin") && !drainingAs.equals("stopping")) {
            throw new IllegalArgumentException("drainingAs must be empty, admin or stopping");
        }
        Instant recent = clock.instant().minus(lease);
        Set<String> renew = new HashSet<>(liveMeetings);
        Map<String, Instant> release = new java.util.HashMap<>();
        held.forEach((meeting, placedAt) -> {
            if (!renew.contains(meeting)) {
                if (placedAt.isAfter(recent)) {
                    renew.add(meeting);
                } else {
                    release.put(meeting, placedAt);
                }
            }
        });
        List<String> args = new ArrayList<>(List.of(nodeId, Long.toString(lease.toMillis()), redis.key("home:"),
                status.url().toString(), String.join(",", status.mediaAddresses()), Integer.toString(status.meetings()),
                Integer.toString(status.participants()), Long.toString(status.packetsPerSecond()), registered ? "1" : "0", drainingAs,
                Integer.toString(renew.size())));
        args.addAll(renew);
        args.addAll(release.keySet());
        List<String> answer = redis.eval(HEARTBEAT, ScriptOutputType.MULTI, List.of(redis.key("node:" + nodeId), redis.key("nodes"),
                redis.key("homes:" + nodeId), drainKey(nodeId), redis.key("settling")), args.toArray(String[]::new));
        registered = true;
        drainFlagged = "1".equals(answer.get(0));
        List<String> lost = answer.subList(1, answer.size());
        release.forEach(held::remove); // unless placed again meanwhile (the next heartbeat takes that lease back)
        for (String m : renew) {
            held.putIfAbsent(m, Instant.MIN);
        }
        lost.forEach(held::remove);
        return Set.copyOf(lost);
    }

    /** Leaves the cluster (shutdown): no longer live, and every lease this node holds is released. */
    public void leave() {
        List<String> args = new ArrayList<>(List.of(nodeId, redis.key("home:")));
        args.addAll(held.keySet());
        try {
            redis.eval(LEAVE, ScriptOutputType.INTEGER, List.of(redis.key("node:" + nodeId), redis.key("nodes"),
                    redis.key("homes:" + nodeId), drainKey(nodeId)), args.toArray(String[]::new));
            held.clear();
        } catch (RuntimeException e) {
            LOG.warn("node {} could not leave the cluster cleanly (Redis unreachable: {}); its registration and leases lapse by themselves",
                    nodeId, e.toString());
        }
    }

    /** Whether this node's drain flag was set at its last heartbeat ({@code porta admin drain}). */
    public boolean drainFlagged() {
        return drainFlagged;
    }

    /** Sets this node's own drain flag (it is stopping): no new meeting is placed here from now on. */
    public void flagDraining() {
        redis.commands().set(drainKey(nodeId), "stopping");
        drainFlagged = true;
    }

    /** Clears a drain flag left from an earlier run under this id (a node that starts takes meetings). */
    public void clearDrainFlag() {
        redis.commands().del(drainKey(nodeId));
        drainFlagged = false;
    }

    /**
     * Flags a live node as draining ({@code porta admin drain}): no new meeting is placed on it; it serves
     * its live meetings until they end, then exits.
     *
     * @return false when no live node has this id (nothing is written)
     */
    public static boolean drain(Redis redis, String nodeId) {
        if (nodes(redis).stream().noneMatch(n -> n.nodeId().equals(nodeId))) {
            return false;
        }
        redis.commands().set(redis.key("drain:" + nodeId), "admin");
        return true;
    }

    /**
     * Clears a node's drain flag ({@code porta admin undrain}): it takes new meetings again, if it has not
     * exited yet.
     *
     * @return false when the node was neither live nor flagged
     */
    public static boolean undrain(Redis redis, String nodeId) {
        boolean flagged = redis.commands().del(redis.key("drain:" + nodeId)) > 0;
        return flagged || nodes(redis).stream().anyMatch(n -> n.nodeId().equals(nodeId));
    }

    /** The live nodes, by id. */
    public List<ClusterNode> nodes() {
        return nodes(redis);
    }

    /** The live nodes that the registry in {@code redis} holds, by id (also for {@code porta admin cluster}). */
    public static List<ClusterNode> nodes(Redis redis) {
        var c = redis.commands();
        List<String> time = c.time();
        long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        List<ClusterNode> out = new ArrayList<>();
        for (String id : c.zrangebyscore(redis.key("nodes"), io.lettuce.core.Range.create((double) now, Double.POSITIVE_INFINITY))) {
            Map<String, String> h = c.hgetall(redis.key("node:" + id));
            if (h.isEmpty()) {
                continue; // lapsed between the two reads
            }
            String media = h.getOrDefault("media", "");
            List<String> homes = new ArrayList<>(c.smembers(redis.key("homes:" + id)));
            homes.sort(null);
            out.add(new ClusterNode(id, h.getOrDefault("url", ""), media.isEmpty() ? List.of() : Arrays.asList(media.split(",")),
                    intOf(h.get("meetings")), intOf(h.get("participants")), longOf(h.get("packetsPerSecond")),
                    Duration.ofMillis(Math.max(0, now - longOf(h.get("heartbeat")))), homes,
                    c.exists(redis.key("drain:" + id)) > 0));
        }
        out.sort(java.util.Comparator.comparing(ClusterNode::nodeId));
        return out;
    }

    /** How many meetings this node holds the lease of (a gauge). */
    public int leasesHeld() {
        return held.size();
    }

    private String drainKey(String id) {
        return redis.key("drain:" + id);
    }

    private String leaseKey(String meetingId) {
        return redis.key("home:" + meetingId);
    }

    /** A registered node's URL, only as an absolute https URL with a host (anything else is not followed). */
    static URI nodeUrl(String url) {
        if (url == null || url.isEmpty()) {
            return null;
        }
        try {
            URI u = new URI(url);
            return "https".equals(u.getScheme()) && u.getHost() != null && u.getRawUserInfo() == null
                    && u.getRawQuery() == null && u.getRawFragment() == null ? u : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static int intOf(String s) {
        return (int) Math.min(Integer.MAX_VALUE, longOf(s));
    }

    private static long longOf(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
