-- Issue 14: guests see other guests' ACS identities (8:acs:…) in roster and lobby by default, as in ACS;
-- the new guest capability seeGuestIdentities turns that off for privacy. Policies saved before this
-- version could not have chosen either way: give them the default once.
UPDATE directory_meeting_policy
   SET guest_capabilities = CASE WHEN guest_capabilities IS NULL OR guest_capabilities = '' THEN 'seeGuestIdentities'
                                 ELSE guest_capabilities || ',seeGuestIdentities' END;
