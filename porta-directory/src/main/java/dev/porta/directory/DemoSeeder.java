// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Seeds the demo tenant for {@code porta demo}: an organizer, a second member, and a custom application
 * with {@code OnlineMeetings.ReadWrite.All} covered by a tenant-wide application access policy.
 *
 * <p>Safe to run again on the same database: ids stay the same, and because secrets are stored only as
 * hashes the credentials are <em>rotated</em> on every run — a new client secret replaces the app's
 * earlier ones and both members get new passwords. The returned {@link DemoSeed} is the only place the
 * plain values exist; the caller writes them to its demo file.
 */
public final class DemoSeeder {
    /** The demo tenant's id; the identity module's demo resource uses the same tenant. */
    public static final TenantId DEMO_TENANT = new TenantId("00000000-0000-4000-8000-00000000d3e0");
    public static final String APP_NAME = "Contoso custom app";
    public static final String ACCESS_POLICY = "demo-apps";
    private static final String ORGANIZER_UPN = "megan@demo.porta.example";
    private static final String ATTENDEE_UPN = "adele@demo.porta.example";

    private final Directory directory;
    private final SecureRandom random = new SecureRandom();

    /** A seeded member with their new password. */
    public record DemoMember(MemberId id, String userPrincipalName, String displayName, String password) { }

    /** Everything a demo script needs; {@code members().getFirst()} is the organizer. */
    public record DemoSeed(TenantId tenantId, ClientId clientId, String clientSecret, List<DemoMember> members) {
        public DemoMember organizer() {
            return members.getFirst();
        }
    }

    public DemoSeeder(Directory directory) {
        this.directory = directory;
    }

    public DemoSeed seed() {
        if (directory.tenant(DEMO_TENANT).isEmpty()) {
            directory.createTenant(DEMO_TENANT, "Contoso (demo)");
        }
        DemoMember organizer = member(ORGANIZER_UPN, "Megan Bowen");
        DemoMember attendee = member(ATTENDEE_UPN, "Adele Vance");
        AppRegistration app = directory.apps(DEMO_TENANT).stream().filter(a -> a.displayName().equals(APP_NAME)).findFirst()
                .orElseGet(() -> directory.registerApp(DEMO_TENANT, APP_NAME, Set.of(), List.of()));
        directory.setPermissions(DEMO_TENANT, app.clientId(), EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL));
        for (ClientSecret old : directory.clientSecrets(DEMO_TENANT, app.clientId())) {
            directory.deleteClientSecret(DEMO_TENANT, app.clientId(), old.id());
        }
        NewClientSecret secret = directory.addClientSecret(DEMO_TENANT, app.clientId(), null);
        directory.setAccessPolicy(DEMO_TENANT, ACCESS_POLICY, Set.of(app.clientId()));
        directory.grantAccessPolicy(DEMO_TENANT, Optional.empty(), Optional.of(ACCESS_POLICY));
        return new DemoSeed(DEMO_TENANT, app.clientId(), secret.value(), List.of(organizer, attendee));
    }

    private DemoMember member(String upn, String displayName) {
        String password = password();
        Member m = directory.memberByUpn(DEMO_TENANT, upn)
                .map(existing -> directory.updateMember(DEMO_TENANT, existing.id(), null, password, true))
                .orElseGet(() -> directory.addMember(DEMO_TENANT, upn, displayName, password));
        return new DemoMember(m.id(), m.userPrincipalName(), m.displayName(), password);
    }

    private String password() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return "Demo-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
