// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.LobbyDelta;
import dev.porta.calling.protocol.ServerMessage.LobbyEntry;
import dev.porta.calling.protocol.ServerMessage.Ref;
import dev.porta.calling.protocol.ServerMessage.RosterBatch;
import dev.porta.calling.protocol.ServerMessage.RosterChange;
import dev.porta.calling.protocol.ServerMessage.RosterDelta;
import dev.porta.calling.protocol.ServerMessage.RosterEntry;
import dev.porta.calling.protocol.ServerMessageEncoder;
import dev.porta.media.api.TrackSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who has a seat in the meeting (Connected or reconnecting), in join order, and the sequence number every
 * roster change carries; sends the changes to everyone seated, and lobby news to those who may admit, with
 * the guest-privacy rule applied per recipient. Touched only on the meeting's actor.
 *
 * <p>Two roster protocols (docs/calling-protocol.md §4.4). Version 1 clients get every change at once as its
 * own {@code rosterDelta} and the whole roster as their snapshot: n joins cost everyone n frames. Version 2
 * clients show a page of the roster: the changes of one window ({@code calling.roster-window}) go out when it
 * closes as one batch per client, holding only what changed in that client's page, and the total. Clients
 * that show the same page share one encoded frame, so a batch costs the meeting one encoding per page shown.
 */
final class Roster {
    private final MeetingDetails details;
    private final ServerMessageEncoder encoder;
    private final Map<ParticipantId, Participant> seated = new LinkedHashMap<>();
    /** Opens the batching window: runs the flush it is given (on the actor) once the window closes. */
    private final Consumer<Runnable> window;
    /** Who changed (added, updated or removed) since the last batch; bounded by the changes one window can hold. */
    private final Set<ParticipantId> changedInWindow = new LinkedHashSet<>();
    private boolean windowOpen;
    private long seq;

    /** @param window runs the flush it is given on the meeting's actor once the batching window has passed */
    Roster(MeetingDetails details, ServerMessageEncoder encoder, Consumer<Runnable> window) {
        this.details = details;
        this.encoder = encoder;
        this.window = window;
    }

    Participant get(ParticipantId id) {
        return seated.get(id);
    }

    boolean has(ParticipantId id) {
        return seated.containsKey(id);
    }

    int size() {
        return seated.size();
    }

    boolean isEmpty() {
        return seated.isEmpty();
    }

    void seat(Participant p) {
        seated.put(p.id, p);
    }

    /** False when {@code p} had no seat. */
    boolean unseat(Participant p) {
        return seated.remove(p.id) != null;
    }

    List<Participant> inJoinOrder() {
        return List.copyOf(seated.values());
    }

    /**
     * Tells everyone seated (but {@code excluded}) that {@code p} was added, updated or removed: version 1
     * clients at once, version 2 clients in the batch of the window this change opens or falls in.
     */
    void changed(String op, Participant p, Participant excluded) {
        seq++;
        broadcast(new RosterDelta(seq, op, op.equals("removed") ? new Ref(p.id.value()) : entry(p)), excluded, 1);
        changedInWindow.add(p.id);
        if (!windowOpen) {
            windowOpen = true;
            window.accept(this::flush);
        }
    }

    /**
     * The roster as {@code recipient} may see it, with the current sequence number: the whole of it for a
     * version 1 client; for version 2 the page it shows, its own entry and the total, noting what it now holds.
     */
    ServerMessage.Roster snapshotFor(Participant recipient) {
        if (recipient.rosterVersion < 2) {
            List<RosterEntry> entries = new ArrayList<>(seated.size());
            for (Participant q : seated.values()) {
                entries.add(visibleTo(recipient, q));
            }
            return new ServerMessage.Roster(seq, entries);
        }
        List<Participant> page = page(new ArrayList<>(seated.values()), recipient.pageOffset, recipient.pageLimit);
        List<RosterEntry> entries = new ArrayList<>(page.size() + 1);
        Set<ParticipantId> shown = new HashSet<>();
        for (Participant q : page) {
            entries.add(visibleTo(recipient, q));
            shown.add(q.id);
        }
        if (!shown.contains(recipient.id) && seated.get(recipient.id) == recipient) {
            entries.add(entry(recipient)); // a client always holds its own entry, wherever its page is
        }
        recipient.pageShown = shown;
        recipient.rosterSeqSent = seq;
        recipient.rosterTotalSent = seated.size();
        return new ServerMessage.Roster(seq, entries, recipient.pageOffset, seated.size());
    }

    /** Version 2: {@code recipient} shows {@code limit} entries from {@code offset} on; its next snapshot is that page. */
    void showPage(Participant recipient, int offset, int limit) {
        recipient.pageOffset = offset;
        recipient.pageLimit = limit;
    }

    /**
     * Closes the window: sends each version 2 client what changed in its page since what it holds, and the
     * total, as one {@code rosterDelta} batch. A client whose page and total did not change gets nothing (its
     * next batch's {@code prev} is still its seq). Someone who came and went within the window never shows.
     */
    void flush() {
        windowOpen = false;
        if (changedInWindow.isEmpty()) {
            return;
        }
        Set<ParticipantId> changed = Set.copyOf(changedInWindow);
        changedInWindow.clear();
        List<Participant> order = null;
        Map<PageKey, PageBatch> batches = new HashMap<>();
        for (Participant r : seated.values()) {
            if (r.rosterVersion < 2 || r.link == null || r.awaitingEntry || r.rosterSeqSent >= seq) {
                continue; // version 1, reconnecting (it gets a snapshot on resume), or its snapshot is newer
            }
            if (order == null) {
                order = new ArrayList<>(seated.values());
            }
            List<Participant> all = order;
            boolean hides = hidesGuestsFrom(r);
            // clients that hold the same page as of the same seq hold the same ids: one batch serves them all
            PageBatch b = batches.computeIfAbsent(new PageKey(r.pageOffset, r.pageLimit, r.rosterSeqSent, hides),
                    k -> pageBatch(all, r, changed, hides));
            boolean selfNews = changed.contains(r.id) || b.mentioned().contains(r.id);
            if (b.changes().isEmpty() && !selfNews && b.total() == r.rosterTotalSent) {
                continue;
            }
            r.pageShown = b.shown();
            r.rosterSeqSent = seq;
            r.rosterTotalSent = b.total();
            if (selfNews) {
                r.link.send(encoder.encode(withOwnEntry(b, r)));
            } else {
                r.link.send(b.frame());
            }
        }
    }

    private record PageKey(int offset, int limit, long prev, boolean hidesGuests) { }

    /** One page's batch: its changes, the ids it now shows and those its changes name, and the encoded frame. */
    private record PageBatch(long prev, int total, List<RosterChange> changes, Set<ParticipantId> shown,
                             Set<ParticipantId> mentioned, String frame) { }

    private PageBatch pageBatch(List<Participant> order, Participant like, Set<ParticipantId> changed, boolean hides) {
        Set<ParticipantId> before = like.pageShown;
        List<Participant> page = page(order, like.pageOffset, like.pageLimit);
        Set<ParticipantId> now = new HashSet<>();
        for (Participant q : page) {
            now.add(q.id);
        }
        List<RosterChange> changes = new ArrayList<>();
        Set<ParticipantId> mentioned = new HashSet<>();
        for (ParticipantId id : before) {
            if (!now.contains(id)) {
                changes.add(new RosterChange("removed", new Ref(id.value())));
                mentioned.add(id);
            }
        }
        for (Participant q : page) {
            String op = !before.contains(q.id) ? "added" : changed.contains(q.id) ? "updated" : null;
            if (op != null) {
                RosterEntry e = entry(q);
                changes.add(new RosterChange(op, hides && "guest".equals(e.kind()) ? e.withoutIdentity() : e));
                mentioned.add(q.id);
            }
        }
        String frame = encoder.encode(new RosterBatch(seq, like.rosterSeqSent, order.size(), changes));
        return new PageBatch(like.rosterSeqSent, order.size(), changes, now, mentioned, frame);
    }

    /** {@code b} for {@code r} itself: its own entry is always held, unredacted, whether in its page or not. */
    private RosterBatch withOwnEntry(PageBatch b, Participant r) {
        List<RosterChange> changes = new ArrayList<>(b.changes().size() + 1);
        for (RosterChange c : b.changes()) {
            if (!(c.participant() instanceof RosterEntry e ? e.id() : ((Ref) c.participant()).id()).equals(r.id.value())) {
                changes.add(c);
            }
        }
        changes.add(new RosterChange("updated", entry(r)));
        return new RosterBatch(seq, b.prev(), b.total(), changes);
    }

    private static List<Participant> page(List<Participant> order, int offset, int limit) {
        int from = Math.min(offset, order.size());
        return order.subList(from, (int) Math.min((long) from + limit, order.size()));
    }

    private RosterEntry visibleTo(Participant recipient, Participant q) {
        RosterEntry e = entry(q);
        return hidesIdentity(recipient, e.id(), e.kind()) ? e.withoutIdentity() : e;
    }

    /** Sends {@code m} to everyone seated whose entry has gone out, but {@code excluded} (may be null). */
    void broadcast(ServerMessage m, Participant excluded) {
        broadcast(m, excluded, Integer.MAX_VALUE);
    }

    /** As {@link #broadcast(ServerMessage, Participant)}, to those whose roster version is at most {@code maxVersion}. */
    private void broadcast(ServerMessage m, Participant excluded, int maxVersion) {
        String frame = null;
        String redacted = null;
        for (Participant p : seated.values()) {
            if (p.link != null && p != excluded && !p.awaitingEntry && p.rosterVersion <= maxVersion) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    frame = frame == null ? encoder.encode(m) : frame;
                    p.link.send(frame);
                }
            }
        }
    }

    /** Sends {@code m} (lobby news) to those seated who may admit from the lobby. */
    void toAdmitters(ServerMessage m) {
        String frame = null;
        String redacted = null;
        for (Participant p : seated.values()) {
            if (p.link != null && !p.awaitingEntry && mayAdmit(p)) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    frame = frame == null ? encoder.encode(m) : frame;
                    p.link.send(frame);
                }
            }
        }
    }

    boolean mayAdmit(Participant p) {
        return Permissions.check(details, p, Capability.ADMIT_FROM_LOBBY) == null;
    }

    RosterEntry entry(Participant p) {
        List<String> streams = new ArrayList<>(3);
        if (p.published.contains(TrackSource.MICROPHONE) && !p.muted) {
            streams.add("audio");
        }
        if (p.published.contains(TrackSource.CAMERA)) {
            streams.add("video");
        }
        if (p.published.contains(TrackSource.SCREEN)) {
            streams.add("screenShare");
        }
        return new RosterEntry(p.id.value(), p.kind(), p.displayName, p.role.wireName(),
                p.isReconnecting() ? "Reconnecting" : "Connected", p.muted, p.speaking, p.handRaised, streams,
                p.breakoutRoomId == null ? null : p.breakoutRoomId.value(), p.external ? Boolean.TRUE : null, p.rawId());
    }

    /**
     * Privacy policy: when guests' identities are not visible to guests, an external recipient sees other
     * guests by participant id only (their raw id is left out). Members, and everyone's own entry, keep it.
     */
    boolean hidesIdentity(Participant recipient, String entryId, String entryKind) {
        return hidesGuestsFrom(recipient) && "guest".equals(entryKind) && !recipient.id.value().equals(entryId);
    }

    /** The privacy policy of {@link #hidesIdentity} for entries of guests other than {@code recipient}. */
    private boolean hidesGuestsFrom(Participant recipient) {
        return recipient.external && !details.policy().guestIdentitiesVisibleToGuests();
    }

    private boolean hidesIdentityFrom(Participant recipient, ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            default -> false;
        };
    }

    private static ServerMessage withoutIdentity(ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> new RosterDelta(d.seq(), d.op(), e.withoutIdentity());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> new LobbyDelta(d.op(), e.withoutIdentity());
            default -> m;
        };
    }
}
