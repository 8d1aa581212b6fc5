-- Webhooks name the PSP's id, not the service's: finding the authentication they belong
-- to must not scan every handle and attempt.
CREATE INDEX psp_handles_by_psp_id ON psp_handles (provider, psp_id);
CREATE INDEX attempts_by_psp_id ON attempts (provider, psp_id);
