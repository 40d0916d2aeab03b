// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import dev.porta.common.SigningKeyRing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Persistence of the directory. Writes are single statements or one transaction each. */
public interface DirectoryStore extends SigningKeyRing.Store {


    /** Marks the tenant-wide row in grant and meeting-policy tables. */
    String WHOLE_TENANT = "*";

    void createTenant(Tenant tenant);

    Optional<Tenant> findTenant(TenantId id);

    List<Tenant> tenants();

    void createMember(Member member);

    Optional<Member> findMember(TenantId tenant, MemberId id);

    /** The member with this id in whichever tenant holds it. */
    Optional<Member> findMemberInAnyTenant(MemberId id);

    Optional<Member> findMemberByUpn(TenantId tenant, String userPrincipalName);

    List<Member> members(TenantId tenant);

    boolean updateMember(Member member);

    boolean deleteMember(TenantId tenant, MemberId id);

    void createApp(AppRegistration app);

    Optional<AppRegistration> findApp(TenantId tenant, ClientId id);

    List<AppRegistration> apps(TenantId tenant);

    boolean updateApp(AppRegistration app);

    boolean deleteApp(TenantId tenant, ClientId id);

    void addSecret(ClientSecret secret);

    List<ClientSecret> secrets(ClientId app);

    boolean deleteSecret(ClientId app, String secretId);

    /** Replaces the app list of a named access policy; an empty set removes the policy's apps. */
    void setAccessPolicy(TenantId tenant, String name, Set<ClientId> apps);

    /** Every policy name with its apps. */
    java.util.Map<String, Set<ClientId>> accessPolicies(TenantId tenant);

    /** Grants a policy to a member id or {@link #WHOLE_TENANT}; replaces an earlier grant. Empty name revokes. */
    void grantAccessPolicy(TenantId tenant, String memberIdOrWholeTenant, Optional<String> policyName);

    /** The policy granted to a member id or {@link #WHOLE_TENANT}. */
    Optional<String> grantedAccessPolicy(TenantId tenant, String memberIdOrWholeTenant);

    /** Every grant: member id or {@link #WHOLE_TENANT} to policy name. */
    java.util.Map<String, String> accessPolicyGrants(TenantId tenant);

    /** Sets (or with empty, clears) the meeting policy of a member id or {@link #WHOLE_TENANT}. */
    void setMeetingPolicy(TenantId tenant, String memberIdOrWholeTenant, Optional<MeetingPolicy> policy);

    Optional<MeetingPolicy> meetingPolicy(TenantId tenant, String memberIdOrWholeTenant);



    // ---- refresh tokens (hashes only)

    void saveRefreshToken(RefreshTokenRecord token);

    Optional<RefreshTokenRecord> findRefreshToken(String tokenHash);

    /** Marks an unused, unrevoked token used; false when it already was (or is revoked): the caller lost a race or replays it. */
    boolean markRefreshTokenUsed(String tokenHash, Instant at);

    /** Revokes every token of a sign-in; returns how many were still live. */
    int revokeRefreshTokenFamily(String familyId, Instant at);

    /** Revokes every refresh token of a member (password change, disabled, admin). */
    int revokeRefreshTokens(MemberId member, Instant at);

    /** Forgets tokens whose family expired before {@code now}. */
    int purgeExpiredRefreshTokens(Instant now);

    /** The administrator roles a member holds (empty for most members). */
    Set<MemberRole> roles(TenantId tenant, MemberId member);

    /** Gives a member a role; true when it did not hold it yet. */
    boolean grantRole(TenantId tenant, MemberId member, MemberRole role);

    /** Takes a role away; true when the member held it. */
    boolean revokeRole(TenantId tenant, MemberId member, MemberRole role);
}
