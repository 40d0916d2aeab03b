// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Config;
import dev.porta.common.Database;
import dev.porta.common.SecretBox;
import dev.porta.directory.DemoSeeder;
import dev.porta.directory.Directory;
import dev.porta.directory.DirectoryConfig;
import dev.porta.directory.JdbcDirectoryStore;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.admin.AdminRoutes;
import dev.porta.directory.oauth.Audiences;
import dev.porta.common.SigningKeyRing;
import dev.porta.directory.oauth.TokenExchangeGrant;
import dev.porta.directory.oauth.TokenIssuer;
import dev.porta.directory.oauth.TokenRoutes;
import dev.porta.directory.oauth.TokenVerifier;
import dev.porta.meetings.JdbcMeetingStore;
import dev.porta.meetings.JoinLinks;
import dev.porta.meetings.MeetingLookup;
import dev.porta.meetings.MeetingService;
import dev.porta.meetings.attendance.JdbcAttendanceStore;
import dev.porta.meetings.graph.OnlineMeetingRoutes;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The directory, token issuer and meetings API wired together (porta-directory, porta-meetings):
 * what PortaServer registers, and the services other modules call.
 */
public final class MeetingsWiring {
    private final Directory directory;
    private final TokenVerifier tokens;
    private final MeetingLookup lookup;
    private final TokenRoutes tokenRoutes;
    private final OnlineMeetingRoutes meetingRoutes;
    private final dev.porta.media.record.FileRecordingStore recordings;
    private final AdminRoutes adminRoutes;
    private final JdbcMeetingStore meetingStore;
    private final JdbcAttendanceStore attendance;
    private final dev.porta.directory.audit.AuditRetention auditRetention;

    /** @param baseUrl Porta's public base URL ending in {@code /}; read per request, so it may be known only after start */
    MeetingsWiring(Config config, Database database, SecretBox secrets, Clock clock, Supplier<String> baseUrl, ClusterWiring cluster) {
        DirectoryConfig dc = DirectoryConfig.from(config);
        var store = new JdbcDirectoryStore(database, secrets);
        this.directory = directory(dc, store, clock);
        var keys = new SigningKeyRing(store, clock);
        var audiences = new Audiences(baseUrl);
        var issuer = new TokenIssuer(keys, baseUrl, dc.accessTokenLifetime(), clock);
        this.tokens = new TokenVerifier(keys, issuer, audiences, store, clock);
        // audit log: admin actions and failed sign-ins (docs/admin.md#audit-log), purged after audit.retention
        var auditLog = new dev.porta.directory.audit.JdbcAuditLog(database);
        var audit = new dev.porta.directory.audit.Audit(auditLog, clock);
        var failures = cluster.rateLimits().limiter("directory.failed-secret", dc.failedSecretBurst(), dc.failedSecretWindow(), 100_000);
        this.tokenRoutes = new TokenRoutes(directory, issuer, keys, audiences, failures, baseUrl, clock)
                .withAuthorizationCodes(cluster.authorizationCodes())
                .withAudit(audit);
        // Calling tokens: short-lived, audience calling only, from a member's Graph token (docs/graph-api.md).
        var callingIssuer = new TokenIssuer(keys, baseUrl, callingTokenLifetime(config), clock);
        tokenRoutes.withTokenExchange(new TokenExchangeGrant(tokens, callingIssuer, directory, clock));
        // Refresh tokens for members who ask for offline_access: rotating, hashed, revoked with the sign-in.
        tokenRoutes.withRefreshTokens(new dev.porta.directory.RefreshTokens(store, refreshTokenLifetime(config), clock));

        this.meetingStore = new JdbcMeetingStore(database);
        var links = new JoinLinks(baseUrl);
        this.attendance = new JdbcAttendanceStore(database);
        attendance.closeInterruptedSessions(); // nobody is in a live meeting at start-up
        // recordings the SFU's recorder keeps under <data.dir>/recordings, served back through Graph (docs/recording.md)
        this.recordings = new dev.porta.media.record.FileRecordingStore(java.nio.file.Path.of(config.string("data.dir")));
        this.meetingRoutes = new OnlineMeetingRoutes(new MeetingService(meetingStore, directory, clock), directory, tokens, links, baseUrl, clock)
                .withAttendance(attendance).withRecordings(new StoredRecordings(recordings));
        this.lookup = new MeetingLookup(meetingStore, directory, links, clock);
        this.adminRoutes = new AdminRoutes(directory, dc.adminKey(),
                cluster.rateLimits().limiter("directory.admin-key", dc.failedSecretBurst(), dc.failedSecretWindow(), 10_000))
                .withAudit(audit);
        // last, so nothing above can fail after its thread started
        this.auditRetention = new dev.porta.directory.audit.AuditRetention(auditLog, auditRetention(config),
                java.time.Duration.ofHours(1), clock);
    }

    private static java.time.Duration callingTokenLifetime(Config config) {
        java.time.Duration d = config.duration("directory.calling-token-lifetime");
        if (d.compareTo(java.time.Duration.ofMinutes(1)) < 0 || d.compareTo(java.time.Duration.ofHours(1)) > 0) {
            throw new dev.porta.common.ConfigException("directory.calling-token-lifetime", "must be between 1m and 1h, got " + d);
        }
        return d;
    }

    /** audit.retention, checked: 1d to 3650d (Main checks it before any command runs). */
    static java.time.Duration auditRetention(Config config) {
        java.time.Duration d = config.duration("audit.retention");
        if (d.compareTo(dev.porta.directory.audit.AuditRetention.MIN) < 0 || d.compareTo(dev.porta.directory.audit.AuditRetention.MAX) > 0) {
            throw new dev.porta.common.ConfigException("audit.retention", "must be between 1d and 3650d, got " + d);
        }
        return d;
    }

    /** The audit log alone, for {@code porta admin} working straight on the database. */
    static dev.porta.directory.audit.Audit audit(Database database, Clock clock) {
        return new dev.porta.directory.audit.Audit(new dev.porta.directory.audit.JdbcAuditLog(database), clock);
    }

    /** Purges the audit log every hour; closed with the server. */
    /** Where recordings are kept: the SFU's recorder writes them, Graph reads them back. */
    public dev.porta.media.record.RecordingStore recordings() {
        return recordings;
    }

    dev.porta.directory.audit.AuditRetention auditRetention() {
        return auditRetention;
    }

    private static java.time.Duration refreshTokenLifetime(Config config) {
        java.time.Duration d = config.duration("directory.refresh-token-lifetime");
        if (d.compareTo(java.time.Duration.ofMinutes(5)) < 0 || d.compareTo(java.time.Duration.ofDays(90)) > 0) {
            throw new dev.porta.common.ConfigException("directory.refresh-token-lifetime", "must be between 5m and 90d, got " + d);
        }
        return d;
    }

    private static Directory directory(DirectoryConfig dc, JdbcDirectoryStore store, Clock clock) {
        return new Directory(store, new PasswordHasher(dc.argon2MemoryKib(), dc.argon2Iterations(), dc.argon2MaxWaiting()), dc, clock);
    }

    /** The directory alone, for {@code porta admin} working straight on the database. */
    static Directory directory(Config config, Database database, SecretBox secrets, Clock clock) {
        return directory(DirectoryConfig.from(config), new JdbcDirectoryStore(database, secrets), clock);
    }

    /** Lets the admin API accept members' tokens of the admin console's app registration, within their roles. */
    void acceptConsoleSignIn(java.util.function.Predicate<dev.porta.directory.ClientId> consoleClient) {
        adminRoutes.withMemberSignIn(tokens, consoleClient);
    }

    /** Lets the admin API show this node's live meetings and end them or remove someone from them. */
    void showLiveMeetings(dev.porta.directory.admin.LiveMeetings live) {
        adminRoutes.withLiveMeetings(live);
    }

    void register(JavalinDefaultRoutingApi routes) {
        tokenRoutes.register(routes);
        meetingRoutes.register(routes);
        adminRoutes.register(routes);
    }

    /** Tenants, members, apps, access and meeting policies (admin CLI and API). */
    public Directory directory() {
        return directory;
    }

    /** Verifies members' tokens: Graph ones ({@link TokenVerifier#verify}) and calling ones ({@link TokenVerifier#verifyCallingMember}). */
    public TokenVerifier tokens() {
        return tokens;
    }

    /** Stored meetings, for the calling service's lookup by meeting ID. */
    public JdbcAttendanceStore attendance() {
        return attendance;
    }

    public JdbcMeetingStore meetingStore() {
        return meetingStore;
    }

    /** The calling service's meeting lookup. */
    public MeetingLookup lookup() {
        return lookup;
    }

    public DemoSeeder.DemoSeed seedDemo() {
        return new DemoSeeder(directory).seed();
    }
}
