// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import dev.porta.directory.DirectoryException;
import dev.porta.directory.TenantId;
import dev.porta.directory.audit.AuditAction;
import dev.porta.directory.audit.AuditActor;
import dev.porta.directory.audit.AuditQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The audit log's filters as the admin API's query parameters and the CLI's options name them
 * ({@code since}, {@code until}, {@code action}, {@code actor}, {@code tenant}, {@code limit},
 * {@code cursor}); each bad value is refused with a sentence saying what is expected.
 */
final class AuditParams {
    private AuditParams() { }

    static AuditQuery query(Function<String, String> param) {
        Optional<Instant> since = time(param, "since");
        Optional<Instant> until = time(param, "until");
        if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
            throw DirectoryException.invalid("until", "'until' must be later than 'since'.");
        }
        Optional<AuditAction> action = present(param, "action").map(a -> AuditAction.parse(a).orElseThrow(() ->
                DirectoryException.invalid("action", "'action' must be one of " + Arrays.stream(AuditAction.values())
                        .map(Enum::name).collect(Collectors.joining(", ")) + ".")));
        Optional<AuditActor> actor = present(param, "actor").map(a -> {
            try {
                return new AuditActor(a);
            } catch (IllegalArgumentException e) {
                throw DirectoryException.invalid("actor", "'actor' must be like admin-key, admin-cli:<user>, member:<id>, app:<id>, anonymous or system.");
            }
        });
        Optional<TenantId> tenant = present(param, "tenant").map(t -> TenantId.parse(t).orElseThrow(() ->
                DirectoryException.invalid("tenant", "'tenant' must be a tenant id (UUID).")));
        int limit = present(param, "limit").map(l -> number(l, "limit", 1, AuditQuery.MAX_LIMIT)).orElse(AuditQuery.DEFAULT_LIMIT);
        long cursor = present(param, "cursor").map(c -> (long) number(c, "cursor", 0, Integer.MAX_VALUE)).orElse(0L);
        return new AuditQuery(since, until, action, actor, tenant, cursor, limit);
    }

    private static Optional<String> present(Function<String, String> param, String name) {
        return Optional.ofNullable(param.apply(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** An ISO-8601 instant ({@code 2026-12-02T15:00:00Z}) or a UTC date ({@code 2026-12-02}, its midnight). */
    private static Optional<Instant> time(Function<String, String> param, String name) {
        return present(param, name).map(s -> {
            try {
                return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw DirectoryException.invalid(name, "'" + name + "' must be an ISO-8601 time like 2026-12-02T15:00:00Z or a date like 2026-12-02.");
            }
        });
    }

    private static int number(String s, String name, int min, int max) {
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        String what = name.equals("cursor") ? "the nextCursor of a previous page" : "a whole number from " + min + " to " + max;
        throw DirectoryException.invalid(name, "'" + name + "' must be " + what + ".");
    }
}
