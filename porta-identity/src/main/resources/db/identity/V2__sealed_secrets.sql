-- Access keys are stored sealed (AES-256-GCM under the master key, see dev.porta.common.SecretBox),
-- which is longer than their Base64 text; Porta seals existing rows on its next start.
ALTER TABLE identity_resource ALTER COLUMN primary_key SET DATA TYPE VARCHAR(400);
ALTER TABLE identity_resource ALTER COLUMN secondary_key SET DATA TYPE VARCHAR(400);
