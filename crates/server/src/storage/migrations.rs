//! Schema migrations of the server database, recorded in `PRAGMA user_version`.
//!
//! Each step is SQL that runs once, in order; the version is the number of steps
//! applied. All pending steps run in one transaction at open. Never edit a step
//! that has shipped: append a new one, and its twin at the end of the
//! PostgreSQL list in `pg_migrations.rs` (same tables, columns and invariants;
//! `congdan-server copy` relies on the two schemas matching column for column).
//! A database newer than [`MIGRATIONS`] is refused rather than guessed at.
//!
//! Tables and invariants (also in docs/PROTOCOL.md):
//! - `counters(name, value)`: the row `seq` holds the last sequence number handed
//!   out; it only grows.
//! - `units`, `procedures`, `news`: one row per key with the protocol JSON in
//!   `body` and the `seq` of its last change (unique across the table).
//! - `tombstones(resource, key, scope, seq)`: deleted keys; a key has either a live
//!   row or a tombstone, never both. `scope` is the news item's unit, or `all`.
//! - `services`: Open311 services with their definition JSON, deadline in working
//!   hours and agency; `position` orders the list.
//! - `requests`: one row per service request; `body` is the public Open311 JSON,
//!   rewritten on every change together with a new `seq` from the shared counter
//!   (the "my requests" change feed); `private` holds contact details and
//!   attribute answers, never served publicly. `token` is the Open311 token.
//! - `request_updates`: the status history and official answers
//!   (`servicerequestupdates`); append-only.
//! - `request_media`: photos of a request; an upload belongs to at most one request.
//! - `ratings` (one per request), `supports` (one per request and device).
//! - `devices(id, token_hash)`, `accounts` (argon2 PHC strings), `sessions`
//!   (sha256 of login tokens): secrets are never stored in clear.
//! - `uploads`: resumable photo uploads; `length(data)` is the offset; `complete`
//!   only after the bytes decoded as an image.
//! - `idempotency(key, fingerprint, status, answer)`: the first answer to each
//!   `Idempotency-Key`, written in the same transaction as the change it answers.
//! - `holidays(date, kind, name, status, source)`: days off (`off`) and swapped
//!   working weekend days (`work`), one row per local date; an import replaces
//!   whole years.
//! - `api_keys(name, key_hash, created_at, last_used_at)`: one Open311 `api_key`
//!   per client app, as SHA-256; a revoked key's row is deleted.
//! - `request_updates.public` (step 5): whether the step's note may be shown to
//!   residents and in public lists; officers' notes are internal (0) unless the
//!   officer marks them public, official answers and residents' own words are 1.
//! - `feed_bundles(resource, head, etag, built_at, body)` (step 16): the whole
//!   change feed of a resource (the catalogue) as one zstd `Page` whose `next` is
//!   `head`, rebuilt after each ingest; served byte for byte with ranges.
//! - `bus_networks(province, version, etag, ingested_at, stops, routes, trips, body)`:
//!   the compact bus network of each province (`body`: zstd of the congdan-transit
//!   encoding, served byte for byte); an ingest replaces the row in one statement,
//!   and only after the new feed validated, so a broken feed never removes one.
//! - `outages(id, unit, seq, body)`: planned power cuts, one row per cut and unit
//!   (`id` = `<cut>@<unit>`), a change feed scoped by `unit` like news; a
//!   withdrawn cut stays with status `cancelled` (see `storage/outages.rs`).
//! - `alerts(id, unit, seq, body)`: CAP alerts per unit (`id` = `<alert>@<unit>`),
//!   a change feed scoped by `unit`; a cancelled alert stays with `msg_type`
//!   `Cancel`. `cap_documents(alert, …, xml)`: the CAP text of each alert as
//!   received or emitted (see `storage/alerts.rs`).
//! - `villages(code, parent, body)`: villages and tổ dân phố below a commune
//!   (`add-unit`), kept out of the `units` change feed so that clients that
//!   know only provinces and communes keep syncing; served by
//!   `/api/v1/units/{code}/villages`.
//! - `audit_log`: append-only, one row per official write (who, role and unit
//!   at the time, action, target, short detail), always written in the same
//!   transaction as the write it records (announcements, request status
//!   changes, answers and assignments).
//! - `announcements` with `announcement_units` (the units it goes to) and
//!   `announcement_acks` (one row per device `device:<id>` or proxied household
//!   `household:<unit>:<name>`; the last answer replaces the earlier one).
//! - `requests.triage` (step 11): 1 when the request came without a unit and
//!   the server placed it (nearest unit centroid, the configured default unit,
//!   or `unit` NULL: the national triage queue); cleared when an officer
//!   routes or assigns it. `requests.assignee`: username of the officer it is
//!   assigned to (routing to another unit clears it).
//! - `bulletins(id, unit, seq, body)` (step 12): epidemic bulletins, one row per bulletin
//!   and unit (`id` = `<bulletin>@<unit>`), a change feed scoped by `unit` like
//!   outages; a correction that drops a unit deletes its row with a tombstone
//!   (see `storage/bulletins.rs`). Posts are in `audit_log` (`bulletin.post`).
//! - `announcement_media(upload_id, announcement_id, position, name)` (step 13):
//!   the photos and PDFs of an announcement; an upload belongs to at most one
//!   announcement and never also to a request. A PDF upload is served only
//!   once it belongs to an announcement.
//! - `login_failures(key, count, since, locked_until)` (step 14): failed logins
//!   per `user:<name>` and `addr:<ip>` in the window that began at `since`;
//!   `locked_until` once the limit was reached (see `crate::login_limits`). A
//!   row whose window and lock are over is deleted at the next failure.
//! - Request lists (step 15): `GET requests`, the officer list and the
//!   public requests a device syncs are newest first by `requested_at`, then
//!   `id`, read along `requests_requested (requested_at, id)` or, for a unit,
//!   `requests_unit_requested (unit, requested_at, id)`, which stop after the
//!   page asked for. They replace `requests_requested_at` and `requests_unit`
//!   (ordered by `id`, the planner sorted every request of a 90-day window
//!   first: 1,000,000 requests, docs/BENCHMARKS.md).

use rusqlite::{Connection, TransactionBehavior};

use super::StorageError;

/// Ordered schema steps; index + 1 is the `user_version` after the step.
const MIGRATIONS: &[&str] = &[
    // 1: content tables, the sequence counter and tombstones.
    "CREATE TABLE counters (
         name  TEXT PRIMARY KEY NOT NULL,
         value INTEGER NOT NULL
     ) STRICT;
     INSERT INTO counters (name, value) VALUES ('seq', 0);
     CREATE TABLE units (
         code   TEXT PRIMARY KEY NOT NULL,
         parent TEXT,
         seq    INTEGER NOT NULL UNIQUE,
         body   TEXT NOT NULL
     ) STRICT;
     CREATE TABLE procedures (
         code TEXT PRIMARY KEY NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE TABLE news (
         id   TEXT PRIMARY KEY NOT NULL,
         unit TEXT NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX news_unit_seq ON news (unit, seq);
     CREATE TABLE tombstones (
         resource TEXT NOT NULL,
         key      TEXT NOT NULL,
         scope    TEXT NOT NULL,
         seq      INTEGER NOT NULL UNIQUE,
         PRIMARY KEY (resource, key)
     ) STRICT;
     CREATE INDEX tombstones_resource_seq ON tombstones (resource, seq);",
    // 2: Open311 services and requests, their history, devices, accounts,
    // sessions, uploads and idempotency records.
    "CREATE TABLE services (
         code           TEXT PRIMARY KEY NOT NULL,
         position       INTEGER NOT NULL,
         body           TEXT NOT NULL,
         definition     TEXT NOT NULL,
         deadline_hours INTEGER NOT NULL,
         agency         TEXT NOT NULL
     ) STRICT;
     CREATE TABLE devices (
         id         TEXT PRIMARY KEY NOT NULL,
         token_hash TEXT NOT NULL UNIQUE,
         created_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE uploads (
         id              TEXT PRIMARY KEY NOT NULL,
         idempotency_key TEXT UNIQUE,
         mime            TEXT NOT NULL,
         length          INTEGER NOT NULL,
         data            BLOB NOT NULL,
         complete        INTEGER NOT NULL DEFAULT 0,
         created_at      TEXT NOT NULL
     ) STRICT;
     CREATE TABLE requests (
         id              INTEGER PRIMARY KEY AUTOINCREMENT,
         service_code    TEXT NOT NULL REFERENCES services (code),
         token           TEXT NOT NULL UNIQUE,
         device_id       TEXT REFERENCES devices (id),
         unit            TEXT,
         detailed_status TEXT NOT NULL,
         requested_at    TEXT NOT NULL,
         updated_at      TEXT NOT NULL,
         seq             INTEGER NOT NULL UNIQUE,
         body            TEXT NOT NULL,
         private         TEXT NOT NULL,
         answer          TEXT,
         reopen_count    INTEGER NOT NULL DEFAULT 0
     ) STRICT;
     CREATE INDEX requests_requested_at ON requests (requested_at);
     CREATE INDEX requests_device_seq ON requests (device_id, seq);
     CREATE TABLE request_media (
         request_id INTEGER NOT NULL REFERENCES requests (id),
         position   INTEGER NOT NULL,
         upload_id  TEXT NOT NULL UNIQUE REFERENCES uploads (id),
         PRIMARY KEY (request_id, position)
     ) STRICT;
     CREATE TABLE request_updates (
         id              INTEGER PRIMARY KEY AUTOINCREMENT,
         request_id      INTEGER NOT NULL REFERENCES requests (id),
         detailed_status TEXT NOT NULL,
         at              TEXT NOT NULL,
         note            TEXT NOT NULL,
         officer         TEXT
     ) STRICT;
     CREATE INDEX request_updates_at ON request_updates (at);
     CREATE INDEX request_updates_request ON request_updates (request_id, id);
     CREATE TABLE ratings (
         request_id INTEGER PRIMARY KEY NOT NULL REFERENCES requests (id),
         stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
         comment    TEXT,
         at         TEXT NOT NULL
     ) STRICT;
     CREATE TABLE supports (
         request_id INTEGER NOT NULL REFERENCES requests (id),
         device_id  TEXT NOT NULL REFERENCES devices (id),
         at         TEXT NOT NULL,
         PRIMARY KEY (request_id, device_id)
     ) STRICT;
     CREATE TABLE idempotency (
         key         TEXT PRIMARY KEY NOT NULL,
         fingerprint TEXT NOT NULL,
         status      INTEGER NOT NULL,
         answer      TEXT NOT NULL,
         created_at  TEXT NOT NULL
     ) STRICT;
     CREATE TABLE accounts (
         username      TEXT PRIMARY KEY NOT NULL,
         password_hash TEXT NOT NULL,
         name          TEXT NOT NULL,
         role          TEXT NOT NULL,
         unit          TEXT NOT NULL,
         created_at    TEXT NOT NULL
     ) STRICT;
     CREATE TABLE sessions (
         token_hash TEXT PRIMARY KEY NOT NULL,
         username   TEXT NOT NULL REFERENCES accounts (username),
         expires_at TEXT NOT NULL
     ) STRICT;",
    // 3: API keys of client apps (`api-key add/list/revoke`), stored hashed.
    "CREATE TABLE api_keys (
         name         TEXT PRIMARY KEY NOT NULL,
         key_hash     TEXT NOT NULL UNIQUE,
         created_at   TEXT NOT NULL,
         last_used_at TEXT
     ) STRICT;",
    // 4: public holidays and day swaps the deadlines skip (`holidays import`).
    "CREATE TABLE holidays (
         date   TEXT PRIMARY KEY NOT NULL,
         kind   TEXT NOT NULL CHECK (kind IN ('off', 'work')),
         name   TEXT NOT NULL,
         status TEXT NOT NULL,
         source TEXT NOT NULL
     ) STRICT;",
    // 5: internal officer notes. Existing steps: answers, residents' steps and
    // empty notes are public; other officer notes become internal, and a
    // request's public `status_notes` keeps only its official answer.
    "ALTER TABLE request_updates ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
     UPDATE request_updates SET public = 1
      WHERE officer IS NULL OR note = ''
         OR note = (SELECT r.answer FROM requests r WHERE r.id = request_updates.request_id);
     UPDATE requests SET body = json_remove(body, '$.status_notes')
      WHERE json_extract(body, '$.status_notes') IS NOT NULL
        AND (answer IS NULL OR json_extract(body, '$.status_notes') IS NOT answer);",
    // 6: a request's claim: the SHA-256 of the Idempotency-Key it was sent
    // with, so a device that registers again can take its earlier requests back.
    "ALTER TABLE requests ADD COLUMN claim_hash TEXT;",
    // 7: bus networks (issue 8): one compact network per province, replaced whole.
    "CREATE TABLE bus_networks (
         province    TEXT PRIMARY KEY NOT NULL,
         version     TEXT NOT NULL,
         etag        TEXT NOT NULL,
         ingested_at TEXT NOT NULL,
         stops       INTEGER NOT NULL,
         routes      INTEGER NOT NULL,
         trips       INTEGER NOT NULL,
         body        BLOB NOT NULL
     ) STRICT;",
    // 8: planned power cuts: one row per (cut, unit), scoped by unit like news.
    "CREATE TABLE outages (
         id   TEXT PRIMARY KEY NOT NULL,
         unit TEXT NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX outages_unit_seq ON outages (unit, seq);",
    // 9: CAP alerts: the change feed per unit (like news), and every CAP document
    // as received or emitted, served as is by GET /api/v1/alerts/{id}.cap.
    "CREATE TABLE alerts (
         id   TEXT PRIMARY KEY NOT NULL,
         unit TEXT NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX alerts_unit_seq ON alerts (unit, seq);
     CREATE TABLE cap_documents (
         alert       TEXT PRIMARY KEY NOT NULL,
         sender      TEXT NOT NULL,
         identifier  TEXT NOT NULL,
         xml         TEXT NOT NULL,
         signed      INTEGER NOT NULL,
         received_at TEXT NOT NULL
     ) STRICT;",
    // 10: issue 10, the audit log of official writes, announcements with their
    // target units and acknowledgements. Self-contained (may be renumbered).
    "CREATE TABLE villages (
         code   TEXT PRIMARY KEY NOT NULL,
         parent TEXT NOT NULL,
         body   TEXT NOT NULL
     ) STRICT;
     CREATE INDEX villages_parent ON villages (parent, code);
     CREATE TABLE audit_log (
         id       INTEGER PRIMARY KEY AUTOINCREMENT,
         at       TEXT NOT NULL,
         username TEXT NOT NULL,
         role     TEXT NOT NULL,
         unit     TEXT NOT NULL,
         action   TEXT NOT NULL,
         target   TEXT NOT NULL,
         detail   TEXT NOT NULL
     ) STRICT;
     CREATE INDEX audit_log_unit ON audit_log (unit, id);
     CREATE TABLE announcements (
         id             TEXT PRIMARY KEY NOT NULL,
         author         TEXT NOT NULL,
         author_name    TEXT NOT NULL,
         author_unit    TEXT NOT NULL,
         title          TEXT NOT NULL,
         body           TEXT NOT NULL,
         event_start    TEXT,
         event_place    TEXT,
         status         TEXT NOT NULL
                        CHECK (status IN ('draft', 'submitted', 'returned', 'published')),
         return_comment TEXT,
         created_at     TEXT NOT NULL,
         updated_at     TEXT NOT NULL,
         published_at   TEXT
     ) STRICT;
     CREATE INDEX announcements_author ON announcements (author, updated_at);
     CREATE INDEX announcements_status ON announcements (status, updated_at);
     CREATE TABLE announcement_units (
         announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
         unit            TEXT NOT NULL,
         PRIMARY KEY (announcement_id, unit)
     ) STRICT;
     CREATE INDEX announcement_units_unit ON announcement_units (unit);
     CREATE TABLE announcement_acks (
         announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
         ack_key         TEXT NOT NULL,
         unit            TEXT NOT NULL,
         kind            TEXT NOT NULL CHECK (kind IN ('seen', 'going', 'not_going')),
         reason          TEXT,
         by_proxy        INTEGER NOT NULL,
         household       TEXT,
         at              TEXT NOT NULL,
         PRIMARY KEY (announcement_id, ack_key)
     ) STRICT;",
    // 11: feedback triage (issue 10): requests placed by the server, and their assignee.
    "ALTER TABLE requests ADD COLUMN triage INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE requests ADD COLUMN assignee TEXT;
     CREATE INDEX requests_unit ON requests (unit, id);",
    // 12: epidemic bulletins: one row per (bulletin, unit), scoped by unit like outages.
    "CREATE TABLE bulletins (
         id   TEXT PRIMARY KEY NOT NULL,
         unit TEXT NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX bulletins_unit_seq ON bulletins (unit, seq);",
    // 13: photos and PDFs of announcements (issue 10).
    "CREATE TABLE announcement_media (
         upload_id       TEXT PRIMARY KEY NOT NULL,
         announcement_id TEXT NOT NULL REFERENCES announcements (id),
         position        INTEGER NOT NULL,
         name            TEXT NOT NULL
     ) STRICT;
     CREATE INDEX announcement_media_announcement ON announcement_media (announcement_id, position);",
    // 14: failed-login counts in the database, so that every server process
    // enforces the same limits (issue 11).
    "CREATE TABLE login_failures (
         key          TEXT PRIMARY KEY NOT NULL,
         count        INTEGER NOT NULL,
         since        TEXT NOT NULL,
         locked_until TEXT
     ) STRICT;
     CREATE INDEX login_failures_since ON login_failures (since);",
    // 15: request lists read newest first along an index (issue 11, a province's year).
    "CREATE INDEX requests_requested ON requests (requested_at, id);
     CREATE INDEX requests_unit_requested ON requests (unit, requested_at, id);
     DROP INDEX requests_requested_at;
     DROP INDEX requests_unit;",
    // 16: the whole feed of a resource as one compressed body, for a device's
    // first download on a poor link (issue 12).
    "CREATE TABLE feed_bundles (
         resource TEXT PRIMARY KEY NOT NULL,
         head     INTEGER NOT NULL,
         etag     TEXT NOT NULL,
         built_at TEXT NOT NULL,
         body     BLOB NOT NULL
     ) STRICT;",
];

/// Schema version this binary writes.
pub(crate) fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).expect("the migration list is short")
}

/// Bring `conn` up to [`latest_version`], all pending steps in one transaction.
pub(crate) fn run(conn: &mut Connection) -> Result<(), StorageError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(StorageError::TooNew { found, supported });
    }
    let start = usize::try_from(found).unwrap_or(0);
    for (index, step) in MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(step)?;
        tracing::info!(version = index + 1, "applied server schema migration");
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrates_empty_database_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        let first = schema(&conn);
        assert!(
            first
                .iter()
                .any(|sql| sql.contains("CREATE TABLE tombstones"))
        );
        run(&mut conn).unwrap();
        assert_eq!(first, schema(&conn));
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
    }

    #[test]
    fn step_5_keeps_answers_public_and_makes_officer_notes_internal() {
        let mut conn = Connection::open_in_memory().unwrap();
        for step in &MIGRATIONS[..4] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO services VALUES ('s', 0, '{}', '{}', 8, 'UBND');
             INSERT INTO requests (id, service_code, token, detailed_status, requested_at,
                 updated_at, seq, body, private, answer)
             VALUES (1, 's', 't1', 'answered', 'a', 'a', 1,
                     '{\"status_notes\":\"Đã vá.\"}', '{}', 'Đã vá.'),
                    (2, 's', 't2', 'received', 'a', 'a', 2,
                     '{\"status_notes\":\"Gọi chị An 0912\"}', '{}', NULL);
             INSERT INTO request_updates (request_id, detailed_status, at, note, officer) VALUES
                 (1, 'submitted', 'a', '', NULL),
                 (1, 'answered', 'b', 'Đã vá.', 'B'),
                 (2, 'submitted', 'a', 'Mở lại vì chưa sửa', NULL),
                 (2, 'received', 'b', 'Gọi chị An 0912', 'B');",
        )
        .unwrap();
        run(&mut conn).unwrap();
        let public: Vec<i64> = conn
            .prepare("SELECT public FROM request_updates ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(public, [1, 1, 1, 0]);
        let bodies: Vec<String> = conn
            .prepare("SELECT body FROM requests ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(bodies[0].contains("Đã vá."));
        assert!(!bodies[1].contains("0912"), "{}", bodies[1]);
    }

    #[test]
    fn refuses_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        assert!(matches!(run(&mut conn), Err(StorageError::TooNew { .. })));
    }
}
