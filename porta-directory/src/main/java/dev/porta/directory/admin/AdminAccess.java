// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import dev.porta.directory.MemberRole;
import dev.porta.directory.audit.AuditActor;
import dev.porta.directory.oauth.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what on the admin API (docs/admin.md#roles), decided on the server for every request:
 * the admin key may do everything; a signed-in member only in its own tenant, an auditor only
 * reads (GET), a tenant admin also changes, and creating tenants stays with the admin key. The
 * answer is the sentence the console shows, or empty when the request may go ahead.
 */
final class AdminAccess {

    /** The caller of one request: the admin key (no member) or a console member and its roles. */
    record Caller(Optional<Principal.Member> member, Set<MemberRole> roles) {
        static final Caller KEY = new Caller(Optional.empty(), Set.of());

        Caller {
            roles = Set.copyOf(roles);
        }

        AuditActor actor() {
            return member.map(m -> AuditActor.member(m.memberId())).orElse(AuditActor.ADMIN_KEY);
        }

        boolean canChange() {
            return member.isEmpty() || roles.contains(MemberRole.TENANT_ADMIN);
        }
    }

    private AdminAccess() { }

    /**
     * @param pathTenant  the {@code {tenant}} of the route, if it has one
     * @param queryTenant the {@code tenant} query parameter (the audit log's filter), if given
     */
    static Optional<String> refusal(Caller caller, String method, String path, Optional<String> pathTenant, Optional<String> queryTenant) {
        if (caller.member().isEmpty()) {
            return Optional.empty();
        }
        String own = caller.member().get().tenant().value();
        if (caller.roles().isEmpty()) {
            return Optional.of("Your account has no administrator role. Ask your administrator for the tenant-admin or auditor role.");
        }
        if (pathTenant.isPresent() && !pathTenant.get().equalsIgnoreCase(own)
                || queryTenant.isPresent() && !queryTenant.get().isBlank() && !queryTenant.get().trim().equalsIgnoreCase(own)) {
            return Optional.of("You can administer only your own organization.");
        }
        boolean reads = method.equals("GET") || method.equals("HEAD");
        if (!reads && path.equals("/admin/v1/tenants")) {
            return Optional.of("Only the server's admin key can create tenants.");
        }
        if (!reads && !caller.canChange()) {
            return Optional.of("Your auditor role lets you see this but not change it. Ask a tenant admin to make the change.");
        }
        return Optional.empty();
    }
}
