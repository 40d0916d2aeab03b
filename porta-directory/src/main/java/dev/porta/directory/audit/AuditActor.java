// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import java.util.regex.Pattern;

/**
 * Who did it, as one short string: {@code admin-key} (the admin REST API's bearer key),
 * {@code admin-cli:<os user>} ({@code porta admin} on the server), {@code member:<id>},
 * {@code app:<client id>}, {@code anonymous} (an unauthenticated caller, e.g. a failed sign-in) or
 * {@code system}. Never a secret: only the kind and an id.
 */
public record AuditActor(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z-]{1,16}(:[A-Za-z0-9._@-]{1,64})?");

    public AuditActor {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not an audit actor: " + value);
        }
    }

    public static final AuditActor ADMIN_KEY = new AuditActor("admin-key");
    public static final AuditActor ANONYMOUS = new AuditActor("anonymous");
    public static final AuditActor SYSTEM = new AuditActor("system");

    public static AuditActor adminCli(String osUser) {
        String u = osUser == null ? "" : osUser.replaceAll("[^A-Za-z0-9._@-]", "");
        u = u.length() > 64 ? u.substring(0, 64) : u;
        return new AuditActor(u.isEmpty() ? "admin-cli" : "admin-cli:" + u);
    }

    public static AuditActor member(MemberId id) {
        return new AuditActor("member:" + id.value());
    }

    public static AuditActor app(ClientId id) {
        return new AuditActor("app:" + id.value());
    }

    @Override
    public String toString() {
        return value;
    }
}
