// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The directory's operations, for the admin CLI and API, the token issuer and other modules. Every
 * input is validated here (a {@link DirectoryException} names the field), so each surface stays thin.
 */
public final class Directory {
    private static final Pattern UPN = Pattern.compile("[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,190}");
    private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9._ -]{1,100}");
    private static final int MAX_NAME = 256;
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 256;
    private static final int MAX_REDIRECT_URIS = 10;

    private final DirectoryStore store;
    private final PasswordHasher hasher;
    private final DirectoryConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<Consumer<MemberId>> memberRevocationListeners = new CopyOnWriteArrayList<>();

    public Directory(DirectoryStore store, PasswordHasher hasher, DirectoryConfig config, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.config = config;
        this.clock = clock;
    }

    // ---- tenants

    public Tenant createTenant(TenantId id, String displayName) {
        if (store.findTenant(id).isPresent()) {
            throw new DirectoryException(DirectoryException.Kind.CONFLICT, "id", "Tenant " + id + " already exists.");
        }
        Tenant t = new Tenant(id, name(displayName, "displayName"), clock.instant());
        store.createTenant(t);
        return t;
    }

    public Optional<Tenant> tenant(TenantId id) {
        return store.findTenant(id);
    }

    public List<Tenant> tenants() {
        return store.tenants();
    }

    // ---- members

    public Member addMember(TenantId tenant, String userPrincipalName, String displayName, String password) {
        requireTenant(tenant);
        String upn = upn(userPrincipalName);
        if (store.findMemberByUpn(tenant, upn).isPresent()) {
            throw new DirectoryException(DirectoryException.Kind.CONFLICT, "userPrincipalName", "A member with userPrincipalName " + upn + " already exists.");
        }
        Member m = new Member(MemberId.random(), tenant, upn, name(displayName, "displayName"), hasher.hash(password(password)),
                true, clock.instant());
        store.createMember(m);
        return m.withoutSecrets();
    }

    public Optional<Member> member(TenantId tenant, MemberId id) {
        return store.findMember(tenant, id).map(Member::withoutSecrets);
    }

    /** The tenant a member id belongs to; lets a resource server tell a foreign-tenant token from an unknown user. */
    public Optional<TenantId> tenantOfMember(MemberId id) {
        return store.findMemberInAnyTenant(id).map(Member::tenantId);
    }

    public Optional<Member> memberByUpn(TenantId tenant, String upn) {
        return store.findMemberByUpn(tenant, upn.toLowerCase(Locale.ROOT)).map(Member::withoutSecrets);
    }

    public List<Member> members(TenantId tenant) {
        return store.members(tenant).stream().map(Member::withoutSecrets).toList();
    }

    /** Changes what is given (null keeps the current value). */
    public Member updateMember(TenantId tenant, MemberId id, String displayName, String password, Boolean enabled) {
        Member m = store.findMember(tenant, id).orElseThrow(() -> DirectoryException.notFound("Member " + id));
        Member changed = new Member(m.id(), m.tenantId(), m.userPrincipalName(),
                displayName == null ? m.displayName() : name(displayName, "displayName"),
                password == null ? m.passwordHash() : hasher.hash(password(password)),
                enabled == null ? m.enabled() : enabled, m.createdAt());
        store.updateMember(changed);
        if (password != null || !changed.enabled()) {
            // A new password or a disabled account ends every sign-in: no refresh token survives it.
            store.revokeRefreshTokens(id, clock.instant());
        }
        if (!changed.enabled()) {
            memberRevoked(id);
        }
        return changed.withoutSecrets();
    }

    /**
     * Revokes every refresh token of a member (Graph's {@code revokeSignInSessions}): each app must sign
     * the member in again once its access token expires. Returns how many tokens were still live.
     */
    /** The administrator roles a member holds in its tenant (docs/admin.md#roles). */
    public java.util.Set<MemberRole> roles(TenantId tenant, MemberId id) {
        return store.roles(tenant, id);
    }

    /** Gives a member of {@code tenant} a role; false when it already held it. */
    public boolean grantRole(TenantId tenant, MemberId id, MemberRole role) {
        store.findMember(tenant, id).orElseThrow(() -> DirectoryException.notFound("Member " + id));
        return store.grantRole(tenant, id, role);
    }

    /** Takes a role away; false when the member did not hold it. */
    public boolean revokeRole(TenantId tenant, MemberId id, MemberRole role) {
        store.findMember(tenant, id).orElseThrow(() -> DirectoryException.notFound("Member " + id));
        return store.revokeRole(tenant, id, role);
    }

    public int revokeSignInSessions(TenantId tenant, MemberId id) {
        store.findMember(tenant, id).orElseThrow(() -> DirectoryException.notFound("Member " + id));
        return store.revokeRefreshTokens(id, clock.instant());
    }

    public boolean deleteMember(TenantId tenant, MemberId id) {
        boolean deleted = store.deleteMember(tenant, id);
        if (deleted) {
            memberRevoked(id);
        }
        return deleted;
    }

    /**
     * Tells {@code listener} when a member is disabled or deleted, so live components (calls) end the
     * member's sessions at once instead of when the member's token expires.
     */
    public void onMemberRevoked(Consumer<MemberId> listener) {
        memberRevocationListeners.add(listener);
    }

    private void memberRevoked(MemberId id) {
        memberRevocationListeners.forEach(l -> l.accept(id));
    }

    /**
     * The enabled member with this user name and password; empty otherwise, taking the same time either way.
     *
     * @throws PasswordHasher.Busy when too many checks are waiting (nothing was evaluated)
     */
    public Optional<Member> authenticateMember(TenantId tenant, String userPrincipalName, String password) {
        Optional<String> name = userNameKey(userPrincipalName);
        Optional<Member> m = name.isEmpty() ? Optional.empty() : store.findMemberByUpn(tenant, name.get());
        if (m.isEmpty()) {
            hasher.verifyNothing(password);
            return Optional.empty();
        }
        boolean ok = hasher.verify(password, m.get().passwordHash());
        return ok && m.get().enabled() ? Optional.of(m.get().withoutSecrets()) : Optional.empty();
    }

    /**
     * A typed user name as sign-in looks it up (trimmed, lower case); empty when it cannot name anyone.
     * Limits on failed sign-ins per account must use this same form, so that {@code " Adele@x"} and
     * {@code "adele@x"} share one allowance.
     */
    public static Optional<String> userNameKey(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String key = typed.trim().toLowerCase(Locale.ROOT);
        return key.isEmpty() || key.length() > 300 ? Optional.empty() : Optional.of(key);
    }

    // ---- apps

    public AppRegistration registerApp(TenantId tenant, String displayName, Set<AppPermission> permissions, List<String> redirectUris) {
        requireTenant(tenant);
        AppRegistration app = new AppRegistration(ClientId.random(), tenant, Ids.newUuid(), name(displayName, "displayName"),
                permissions, redirectUris(redirectUris), clock.instant());
        store.createApp(app);
        return app;
    }

    public Optional<AppRegistration> app(TenantId tenant, ClientId id) {
        return store.findApp(tenant, id);
    }

    public List<AppRegistration> apps(TenantId tenant) {
        return store.apps(tenant);
    }

    /** Replaces the app's granted application permissions. */
    public AppRegistration setPermissions(TenantId tenant, ClientId id, Set<AppPermission> permissions) {
        AppRegistration a = requireApp(tenant, id);
        AppRegistration changed = new AppRegistration(a.clientId(), a.tenantId(), a.objectId(), a.displayName(), permissions,
                a.redirectUris(), a.createdAt());
        store.updateApp(changed);
        return changed;
    }

    public AppRegistration setRedirectUris(TenantId tenant, ClientId id, List<String> uris) {
        AppRegistration a = requireApp(tenant, id);
        AppRegistration changed = new AppRegistration(a.clientId(), a.tenantId(), a.objectId(), a.displayName(), a.permissions(),
                redirectUris(uris), a.createdAt());
        store.updateApp(changed);
        return changed;
    }

    public boolean deleteApp(TenantId tenant, ClientId id) {
        return store.deleteApp(tenant, id);
    }

    /** Creates a client secret; its value is in the result and nowhere else. Null lifetime means the default. */
    public NewClientSecret addClientSecret(TenantId tenant, ClientId id, Duration lifetime) {
        requireApp(tenant, id);
        Duration life = lifetime == null ? config.clientSecretLifetime() : lifetime;
        if (life.isNegative() || life.isZero() || life.compareTo(Duration.ofDays(730)) > 0) {
            throw DirectoryException.invalid("lifetime", "A client secret lives between one second and 730 days.");
        }
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        ClientSecret s = new ClientSecret(Ids.newUuid(), id, hasher.hash(value), value.substring(0, 3), now, now.plus(life));
        store.addSecret(s);
        return new NewClientSecret(s.id(), id, value, s.expiresAt());
    }

    public List<ClientSecret> clientSecrets(TenantId tenant, ClientId id) {
        requireApp(tenant, id);
        return store.secrets(id).stream().map(ClientSecret::withoutHash).toList();
    }

    public boolean deleteClientSecret(TenantId tenant, ClientId id, String secretId) {
        requireApp(tenant, id);
        return store.deleteSecret(id, secretId);
    }

    /**
     * The app whose unexpired secret this is; empty otherwise. Whether the app is unknown, has no
     * secrets or several, the check costs one hash: the stored hint (the secret's first characters)
     * picks the candidate, and a dummy hash stands in when there is none. So neither the answer nor its
     * timing tells which part was wrong, nor how many secrets an app has.
     *
     * @throws PasswordHasher.Busy when too many checks are waiting (nothing was evaluated)
     */
    public Optional<AppRegistration> authenticateClient(TenantId tenant, ClientId id, String secret) {
        Optional<AppRegistration> app = store.findApp(tenant, id);
        Instant now = clock.instant();
        List<ClientSecret> candidates = app.isEmpty() || secret == null ? List.of()
                : store.secrets(id).stream().filter(s -> !s.isExpired(now) && secret.startsWith(s.hint())).toList();
        if (candidates.isEmpty()) {
            hasher.verifyNothing(secret);
            return Optional.empty();
        }
        boolean ok = false;
        for (ClientSecret s : candidates) { // more than one only when two secrets' hints collide
            ok |= hasher.verify(secret, s.hash());
        }
        return ok ? app : Optional.empty();
    }

    // ---- application access policies

    /** Creates or replaces a named application access policy (a list of apps). */
    public void setAccessPolicy(TenantId tenant, String name, Set<ClientId> apps) {
        requireTenant(tenant);
        for (ClientId app : apps) {
            requireApp(tenant, app);
        }
        store.setAccessPolicy(tenant, policyName(name), apps);
    }

    public Map<String, Set<ClientId>> accessPolicies(TenantId tenant) {
        return store.accessPolicies(tenant);
    }

    /** Grants a policy to one member, or tenant-wide when {@code member} is empty; an empty name revokes. */
    public void grantAccessPolicy(TenantId tenant, Optional<MemberId> member, Optional<String> policyName) {
        requireTenant(tenant);
        member.ifPresent(m -> store.findMember(tenant, m).orElseThrow(() -> DirectoryException.notFound("Member " + m)));
        policyName.ifPresent(n -> {
            if (!store.accessPolicies(tenant).containsKey(policyName(n))) {
                throw DirectoryException.notFound("Application access policy '" + n + "'");
            }
        });
        store.grantAccessPolicy(tenant, member.map(MemberId::value).orElse(DirectoryStore.WHOLE_TENANT), policyName);
    }

    public Map<String, String> accessPolicyGrants(TenantId tenant) {
        return store.accessPolicyGrants(tenant);
    }

    /**
     * Whether an app may act on a member's meetings: the member's own policy if they have one, else the
     * tenant-wide one, must list the app (Teams' application access policy rule). Applied immediately.
     */
    public boolean mayActFor(TenantId tenant, ClientId app, MemberId member) {
        Optional<String> policy = store.grantedAccessPolicy(tenant, member.value())
                .or(() -> store.grantedAccessPolicy(tenant, DirectoryStore.WHOLE_TENANT));
        return policy.map(name -> store.accessPolicies(tenant).getOrDefault(name, Set.of()).contains(app)).orElse(false);
    }

    // ---- meeting policy

    public MeetingPolicy tenantMeetingPolicy(TenantId tenant) {
        return store.meetingPolicy(tenant, DirectoryStore.WHOLE_TENANT).orElseGet(MeetingPolicy::defaults);
    }

    public void setTenantMeetingPolicy(TenantId tenant, MeetingPolicy policy) {
        requireTenant(tenant);
        store.setMeetingPolicy(tenant, DirectoryStore.WHOLE_TENANT, Optional.of(policy));
    }

    public Optional<MeetingPolicy> organizerMeetingPolicy(TenantId tenant, MemberId organizer) {
        return store.meetingPolicy(tenant, organizer.value());
    }

    /** Sets an organizer's override, or with empty, removes it so the tenant policy applies again. */
    public void setOrganizerMeetingPolicy(TenantId tenant, MemberId organizer, Optional<MeetingPolicy> policy) {
        store.findMember(tenant, organizer).orElseThrow(() -> DirectoryException.notFound("Member " + organizer));
        store.setMeetingPolicy(tenant, organizer.value(), policy);
    }

    /** The policy that governs an organizer's meetings: their override, else the tenant's, else the defaults. */
    public MeetingPolicy effectiveMeetingPolicy(TenantId tenant, MemberId organizer) {
        return store.meetingPolicy(tenant, organizer.value()).orElseGet(() -> tenantMeetingPolicy(tenant));
    }

    // ---- validation

    private void requireTenant(TenantId tenant) {
        store.findTenant(tenant).orElseThrow(() -> DirectoryException.notFound("Tenant " + tenant));
    }

    private AppRegistration requireApp(TenantId tenant, ClientId id) {
        return store.findApp(tenant, id).orElseThrow(() -> DirectoryException.notFound("App " + id));
    }

    private static String name(String value, String field) {
        if (value == null || value.isBlank() || value.length() > MAX_NAME || value.chars().anyMatch(Character::isISOControl)) {
            throw DirectoryException.invalid(field, "'" + field + "' must be 1 to " + MAX_NAME + " printable characters.");
        }
        return value.strip();
    }

    private static String upn(String value) {
        if (value == null || !UPN.matcher(value.trim()).matches()) {
            throw DirectoryException.invalid("userPrincipalName", "'userPrincipalName' must look like name@domain (at most 255 characters).");
        }
        return value.trim().toLowerCase(Locale.ROOT);
    }

    private static String password(String value) {
        if (value == null || value.length() < MIN_PASSWORD || value.length() > MAX_PASSWORD) {
            throw DirectoryException.invalid("password", "'password' must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
        }
        return value;
    }

    private static String policyName(String value) {
        if (value == null || !POLICY_NAME.matcher(value).matches() || value.equals(DirectoryStore.WHOLE_TENANT)) {
            throw DirectoryException.invalid("name", "A policy name is 1 to 100 letters, digits, spaces, '.', '_' or '-'.");
        }
        return value;
    }

    private static List<String> redirectUris(List<String> uris) {
        if (uris.size() > MAX_REDIRECT_URIS) {
            throw DirectoryException.invalid("redirectUris", "At most " + MAX_REDIRECT_URIS + " redirect URIs.");
        }
        for (String u : uris) {
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw DirectoryException.invalid("redirectUris", "'" + u + "' is not a URI.");
            }
            boolean loopbackHttp = "http".equals(uri.getScheme())
                    && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
            if (u.length() > 300 || uri.getFragment() != null || !("https".equals(uri.getScheme()) || loopbackHttp) || uri.getHost() == null) {
                throw DirectoryException.invalid("redirectUris", "A redirect URI must be an absolute https URL (or http on loopback) without a fragment: '" + u + "'.");
            }
        }
        return uris;
    }
}
