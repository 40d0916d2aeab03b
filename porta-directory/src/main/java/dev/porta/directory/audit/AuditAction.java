// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import java.util.Locale;
import java.util.Optional;

/**
 * What an audit event records: a closed list, so a filter can name every value and a new kind of
 * event is a reviewed change here rather than a free-form string somewhere.
 */
public enum AuditAction {
    // security-relevant failures (only attempts that were evaluated; the rate limiter's refusals are not stored)
    MEMBER_SIGN_IN_FAILED,
    CLIENT_SECRET_FAILED,
    ADMIN_KEY_REFUSED,
    /** A signed-in member's request to the admin API that its roles do not allow (no role, another tenant, an auditor's change). */
    ADMIN_ACCESS_REFUSED,
    // tenants and members
    TENANT_CREATED,
    MEMBER_CREATED,
    MEMBER_UPDATED,
    MEMBER_DISABLED,
    MEMBER_ENABLED,
    MEMBER_PASSWORD_RESET,
    MEMBER_DELETED,
    MEMBER_SESSIONS_REVOKED,
    MEMBER_ROLE_GRANTED,
    MEMBER_ROLE_REVOKED,
    // app registrations and their secrets
    APP_REGISTERED,
    APP_UPDATED,
    APP_DELETED,
    CLIENT_SECRET_CREATED,
    CLIENT_SECRET_DELETED,
    // policies
    ACCESS_POLICY_SET,
    ACCESS_POLICY_GRANTED,
    MEETING_POLICY_CHANGED,
    MEETING_POLICY_CLEARED,
    LIVE_MEETING_ENDED,
    LIVE_PARTICIPANT_REMOVED,
    // Identity API access keys
    ACCESS_KEY_ROTATED;

    /** The action named {@code s} (any case, {@code -} or {@code _}), if there is one. */
    public static Optional<AuditAction> parse(String s) {
        if (s == null || s.length() > 40) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(s.trim().replace('-', '_').toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
