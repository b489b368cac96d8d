-- Seqline's own tables on PostgreSQL: the timelines and the rows (Grains/Timelines/Postgres,
-- Grains/Storage/Rows/Postgres). Idempotent; a node applies it on every start (PostgresSchema.cs).

-- Storage timelines (one per conversation) and sync timelines (one per user): entries keyed
-- (timeline, seq), so a timeline's entries are one range of the primary key's index; and a head
-- per timeline, the last seq and the trim mark. Every append moves the head in the transaction
-- that inserts the entries, on the condition that it is where the writer read it: the head row is
-- what two activations of one grain race for, and only one of them wins a seq.
CREATE TABLE IF NOT EXISTS conversations_entries (
    timeline text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,            -- Unix milliseconds
    payload bytea NOT NULL,
    PRIMARY KEY (timeline, seq)
);
CREATE TABLE IF NOT EXISTS conversations_heads (
    timeline text NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    trimmed_through bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS inboxes_entries (
    timeline text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    payload bytea NOT NULL,
    PRIMARY KEY (timeline, seq)
);
CREATE TABLE IF NOT EXISTS inboxes_heads (
    timeline text NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    trimmed_through bigint NOT NULL DEFAULT 0
);

-- A conversation's members and a user's conversation index, one row per (owner, key).
CREATE TABLE IF NOT EXISTS members_rows (
    owner text NOT NULL,
    key text NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE TABLE IF NOT EXISTS index_rows (
    owner text NOT NULL,
    key text NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (owner, key)
);
