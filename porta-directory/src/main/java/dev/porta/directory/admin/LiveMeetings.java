// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.admin;

import dev.porta.directory.TenantId;
import java.util.List;

/**
 * The live meetings an organization's administrators see and act on through the admin API. The directory does
 * not know the calling service (the dependency runs the other way), so the server wires calling behind this.
 * Each answer covers the node that serves the request: in a cluster a meeting is live on its home node only.
 */
public interface LiveMeetings {

    /** The tenant's meetings live on this node, with who is in each and in its lobby. */
    List<Meeting> of(TenantId tenant);

    /** Ends the tenant's meeting for everyone; false when it is not live on this node. */
    boolean end(TenantId tenant, String meetingId);

    /** Ends one participant (in the meeting or its lobby); false when there is no such meeting or participant here. */
    boolean remove(TenantId tenant, String meetingId, String participantId);

    /** No calling service: no meeting is ever live (a directory-only deployment, tests). */
    static LiveMeetings none() {
        return new LiveMeetings() {
            @Override
            public List<Meeting> of(TenantId tenant) {
                return List.of();
            }

            @Override
            public boolean end(TenantId tenant, String meetingId) {
                return false;
            }

            @Override
            public boolean remove(TenantId tenant, String meetingId, String participantId) {
                return false;
            }
        };
    }

    /** A live meeting. */
    record Meeting(String meetingId, String subject, String organizerMemberId, List<Person> people) {
        public Meeting {
            people = List.copyOf(people);
        }
    }

    /** Someone in a live meeting or waiting in its lobby. */
    record Person(String participantId, String displayName, String role, boolean guest, boolean inLobby) { }
}
