-- Review finding M1: guests no longer admit from the lobby by default. Policies saved before this
-- version stored the old default set, which included admitFromLobby, and nobody could have chosen
-- otherwise through it; take the right away once. An administrator who wants it grants it again
-- (with manageParticipants and present, the new guest capabilities).
UPDATE directory_meeting_policy
   SET guest_capabilities = REPLACE(REPLACE(REPLACE(guest_capabilities,
           ',admitFromLobby', ''), 'admitFromLobby,', ''), 'admitFromLobby', '');
