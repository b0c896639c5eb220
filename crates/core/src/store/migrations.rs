//! Ordered schema migrations, recorded in `PRAGMA user_version`.
//!
//! Never edit a step that has shipped: add a new one at the end. All pending
//! steps run in one transaction at open; a database whose version is newer
//! than this list is refused (error code `storage`), because an older binary
//! cannot know what a newer schema means.

use rusqlite::Connection;

use crate::Error;

/// The migration steps; step N (1-based) brings `user_version` from N-1 to N.
pub const MIGRATIONS: &[&str] = &[
    // 1: initial schema.
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE units (
        code TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('province', 'commune')),
        parent TEXT,
        kind TEXT NOT NULL,
        sort_name TEXT NOT NULL
    ) STRICT;
    CREATE INDEX units_by_parent ON units (level, parent, sort_name);
    CREATE TABLE news (
        id TEXT PRIMARY KEY NOT NULL,
        unit TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        body_html TEXT NOT NULL,
        link TEXT,
        image TEXT,
        published_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX news_by_date ON news (published_ms DESC, id);
    CREATE TABLE procedures (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        field TEXT NOT NULL,
        levels TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        name_len INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX procedures_by_name ON procedures (sort_name);
    CREATE INDEX procedures_by_field ON procedures (field);
    CREATE TABLE procedure_bodies (
        id INTEGER PRIMARY KEY REFERENCES procedures (id) ON DELETE CASCADE,
        body TEXT NOT NULL
    ) STRICT;
    CREATE VIRTUAL TABLE procedures_fts USING fts5 (
        name, keywords,
        tokenize = 'unicode61 remove_diacritics 0',
        prefix = '1 2 3',
        detail = column
    );
    CREATE TABLE checklist (
        code TEXT NOT NULL,
        doc_index INTEGER NOT NULL CHECK (doc_index >= 0),
        checked_ms INTEGER NOT NULL,
        PRIMARY KEY (code, doc_index)
    ) STRICT;
    CREATE TABLE media (
        url TEXT PRIMARY KEY NOT NULL,
        mime TEXT NOT NULL,
        bytes BLOB NOT NULL,
        fetched_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE sync_state (
        resource TEXT NOT NULL,
        scope TEXT NOT NULL,
        cursor TEXT NOT NULL DEFAULT '0',
        etag TEXT,
        synced_ms INTEGER,
        last_error_code TEXT,
        last_error_message TEXT,
        offline INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (resource, scope)
    ) STRICT;",
    // 2: service requests (issue 4): the outbox (user data), draft photos,
    // and caches of services, the device's requests and public requests.
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('upload', 'request', 'rating', 'reopen', 'support')),
        payload TEXT NOT NULL,
        depends_on TEXT NOT NULL DEFAULT '[]',
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_ms INTEGER,
        last_error_code TEXT,
        last_error_message TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'done', 'failed_permanent')),
        remote_id TEXT,
        created_ms INTEGER NOT NULL,
        finished_ms INTEGER
    ) STRICT;
    CREATE INDEX outbox_by_state ON outbox (state, id);
    CREATE TABLE draft_photos (
        id TEXT PRIMARY KEY NOT NULL,
        mime TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        created_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE services (
        code TEXT PRIMARY KEY NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        definition TEXT
    ) STRICT;
    CREATE TABLE my_requests (
        id TEXT PRIMARY KEY NOT NULL,
        detailed_status TEXT NOT NULL,
        requested_ms INTEGER NOT NULL,
        body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX my_requests_by_date ON my_requests (requested_ms DESC, id);
    CREATE TABLE public_requests (
        unit TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (unit, id)
    ) STRICT;",
    // 3: images that could not be fetched, so a sync does not wait on them again at once.
    "CREATE TABLE media_misses (
        url TEXT PRIMARY KEY NOT NULL,
        tried_ms INTEGER NOT NULL
    ) STRICT;",
    // 4: procedure search (issue 7): the in-memory index reads aliases and
    // keywords from `procedures` (filled from the bodies at open, see
    // `procedures::fill_search_columns`), so the FTS table goes; the user's
    // recently opened and saved procedures.
    "DROP TABLE procedures_fts;
    ALTER TABLE procedures ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE procedures ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
    CREATE TABLE procedure_visits (
        code TEXT PRIMARY KEY NOT NULL,
        visited_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX procedure_visits_by_time ON procedure_visits (visited_ms DESC);
    CREATE TABLE saved_procedures (
        code TEXT PRIMARY KEY NOT NULL,
        saved_ms INTEGER NOT NULL
    ) STRICT;",
    // 5: ticked documents keyed by the document's identity (group U+001F
    // name), not its position (issue 13), so a catalogue update that reorders
    // documents keeps the ticks; existing ticks are moved over through the
    // stored bodies, and ticks of procedures no longer held keep their index
    // ('#N') rather than being dropped.
    "CREATE TABLE checked_documents (
        code TEXT NOT NULL,
        document TEXT NOT NULL,
        checked_ms INTEGER NOT NULL,
        PRIMARY KEY (code, document)
    ) STRICT;
    INSERT OR IGNORE INTO checked_documents (code, document, checked_ms)
        SELECT c.code,
               COALESCE(json_extract(b.body, '$.documents[' || c.doc_index || '].group'), '')
                   || char(31) || json_extract(b.body, '$.documents[' || c.doc_index || '].name'),
               c.checked_ms
        FROM checklist c
        JOIN procedures p ON p.code = c.code
        JOIN procedure_bodies b ON b.id = p.id
        WHERE json_extract(b.body, '$.documents[' || c.doc_index || '].name') IS NOT NULL;
    INSERT OR IGNORE INTO checked_documents (code, document, checked_ms)
        SELECT c.code, '#' || c.doc_index, c.checked_ms
        FROM checklist c
        WHERE NOT EXISTS (
            SELECT 1 FROM procedures p JOIN procedure_bodies b ON b.id = p.id
            WHERE p.code = c.code
              AND json_extract(b.body, '$.documents[' || c.doc_index || '].name') IS NOT NULL);
    DROP TABLE checklist;",
    // 6: the server's holiday table (days off, swapped working days), so the
    // working time left before a deadline is counted offline as the server
    // counted the deadline.
    "CREATE TABLE holidays (
        date TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('off', 'work'))
    ) STRICT;",
    // 7: buses (issue 8): the home province's network, one row per stop, route,
    // pattern, trip (times packed), service, shape and footpath, so queries read
    // what they need; the chunks of a download in progress; favourite stops and
    // journeys (user data).
    "CREATE TABLE bus_network (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        province TEXT NOT NULL,
        etag TEXT NOT NULL,
        version TEXT NOT NULL,
        timezone TEXT NOT NULL,
        stored_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE bus_stops (
        idx INTEGER PRIMARY KEY,
        stop_id TEXT NOT NULL UNIQUE,
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        lat INTEGER NOT NULL,
        lon INTEGER NOT NULL,
        folded_name TEXT NOT NULL,
        folded_rest TEXT NOT NULL
    ) STRICT;
    CREATE INDEX bus_stops_lat ON bus_stops (lat);
    CREATE TABLE bus_routes (
        idx INTEGER PRIMARY KEY,
        route_id TEXT NOT NULL UNIQUE,
        short_name TEXT NOT NULL,
        long_name TEXT NOT NULL,
        color TEXT NOT NULL,
        text_color TEXT NOT NULL
    ) STRICT;
    CREATE TABLE bus_patterns (
        idx INTEGER PRIMARY KEY,
        route INTEGER NOT NULL,
        direction INTEGER NOT NULL,
        headsign TEXT NOT NULL,
        stops BLOB NOT NULL,
        shape INTEGER
    ) STRICT;
    CREATE INDEX bus_patterns_route ON bus_patterns (route);
    CREATE TABLE bus_stop_patterns (
        stop INTEGER NOT NULL,
        pattern INTEGER NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (stop, pattern, pos)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE bus_trips (
        idx INTEGER PRIMARY KEY,
        trip_id TEXT NOT NULL,
        pattern INTEGER NOT NULL,
        service INTEGER NOT NULL,
        first_departure INTEGER NOT NULL,
        last_arrival INTEGER NOT NULL,
        times BLOB NOT NULL
    ) STRICT;
    CREATE INDEX bus_trips_pattern ON bus_trips (pattern, first_departure);
    CREATE TABLE bus_services (
        idx INTEGER PRIMARY KEY,
        service_id TEXT NOT NULL,
        weekdays INTEGER NOT NULL,
        start_date INTEGER NOT NULL,
        end_date INTEGER NOT NULL,
        added BLOB NOT NULL,
        removed BLOB NOT NULL
    ) STRICT;
    CREATE TABLE bus_shapes (
        idx INTEGER PRIMARY KEY,
        points BLOB NOT NULL
    ) STRICT;
    CREATE TABLE bus_footpaths (
        from_stop INTEGER NOT NULL,
        to_stop INTEGER NOT NULL,
        meters INTEGER NOT NULL,
        seconds INTEGER NOT NULL,
        PRIMARY KEY (from_stop, to_stop)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE bus_download (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        province TEXT NOT NULL,
        etag TEXT NOT NULL,
        total INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE bus_download_chunks (
        offset INTEGER PRIMARY KEY,
        bytes BLOB NOT NULL
    ) STRICT;
    CREATE TABLE bus_favourites (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        label TEXT NOT NULL,
        saved_ms INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
    ) STRICT;",
    // 8: planned power cuts of the home unit (issue 9): the server's `Outage` JSON
    // in `body`, with the columns the "upcoming" query needs.
    "CREATE TABLE outages (
        id TEXT PRIMARY KEY NOT NULL,
        unit TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX outages_by_end ON outages (unit, end_ms);",
    // 9: CAP alerts of the home unit (issue 9): the server's `Alert` JSON in
    // `body`, with what "active" and the home order need.
    "CREATE TABLE alerts (
        id TEXT PRIMARY KEY NOT NULL,
        unit TEXT NOT NULL,
        sent_ms INTEGER NOT NULL,
        expires_ms INTEGER,
        cancelled INTEGER NOT NULL,
        body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX alerts_by_unit ON alerts (unit, sent_ms DESC);",
    // Issue 10: the outbox without a fixed list of kinds, so new kinds
    // (announcement acknowledgements now) need no table rebuild; the kind is
    // checked where rows are read (`store::outbox`). Rows keep their ids.
    "CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        depends_on TEXT NOT NULL DEFAULT '[]',
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_ms INTEGER,
        last_error_code TEXT,
        last_error_message TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'done', 'failed_permanent')),
        remote_id TEXT,
        created_ms INTEGER NOT NULL,
        finished_ms INTEGER
    ) STRICT;
    INSERT INTO outbox_new (id, uuid, kind, payload, depends_on, attempts, next_attempt_ms,
        last_error_code, last_error_message, state, remote_id, created_ms, finished_ms)
    SELECT id, uuid, kind, payload, depends_on, attempts, next_attempt_ms,
        last_error_code, last_error_message, state, remote_id, created_ms, finished_ms
    FROM outbox;
    DELETE FROM sqlite_sequence WHERE name = 'outbox_new';
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_by_state ON outbox (state, id);",
    // Issue 10: the cached published announcements of the household's unit
    // (home village or commune) and the units above it, per scope.
    "CREATE TABLE announcements (
        scope TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (scope, id)
    ) STRICT;",
    // Issue 9: epidemic bulletins of the home unit: the server's `Bulletin`
    // JSON in `body`, with the day and publication time the latest/trend
    // queries order by.
    "CREATE TABLE bulletins (
        id TEXT PRIMARY KEY NOT NULL,
        unit TEXT NOT NULL,
        date TEXT NOT NULL,
        published_ms INTEGER NOT NULL,
        body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX bulletins_by_date ON bulletins (unit, date DESC, published_ms DESC);",
    // Issue 12: parts of a document pulled in several requests (the service
    // list and its forms) kept as they arrive, so a cut link loses only the
    // part in flight; `etag` is the list's, which the parts belong to.
    "CREATE TABLE staged_documents (
        resource TEXT NOT NULL,
        key TEXT NOT NULL,
        etag TEXT NOT NULL,
        body TEXT NOT NULL,
        staged_ms INTEGER NOT NULL,
        PRIMARY KEY (resource, key)
    ) STRICT;",
    // Issue 12: procedure bodies zstd-compressed (a year's catalogue kept 235 MB
    // of plain JSON); an older store's text bodies are packed at open
    // (`procedures::pack_bodies`), after which `procedure_bodies` stays empty.
    "CREATE TABLE procedure_packed (
        id INTEGER PRIMARY KEY REFERENCES procedures (id) ON DELETE CASCADE,
        body BLOB NOT NULL
    ) STRICT;",
    // Issue 12: the built procedure search index and the catalogue version it
    // was built from (one row), so a start reads it instead of building it.
    "CREATE TABLE search_index (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        catalogue_version INTEGER NOT NULL,
        bytes BLOB NOT NULL
    ) STRICT;",
    // Issue 12: bodies fetched in byte ranges, one per name (the bus network, the
    // catalogue's bundle), in place of the bus network's own tables; a download in
    // progress is carried over.
    "CREATE TABLE downloads (
        name TEXT PRIMARY KEY NOT NULL,
        key TEXT NOT NULL,
        etag TEXT NOT NULL,
        total INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE download_chunks (
        name TEXT NOT NULL,
        offset INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (name, offset)
    ) STRICT;
    INSERT INTO downloads (name, key, etag, total)
        SELECT 'bus', province, etag, total FROM bus_download;
    INSERT INTO download_chunks (name, offset, bytes)
        SELECT 'bus', offset, bytes FROM bus_download_chunks;
    DROP TABLE bus_download_chunks;
    DROP TABLE bus_download;",
];

/// The schema version this binary writes.
pub fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).expect("migration count fits in i64")
}

/// Applies every pending step in one transaction. Errors: `storage`, including
/// [`Error::SchemaTooNew`] for a database written by a newer app.
pub fn run(conn: &mut Connection) -> Result<(), Error> {
    run_steps(conn, MIGRATIONS)
}

/// [`run`] over an explicit list, so tests can check all-or-nothing behaviour.
pub(crate) fn run_steps(conn: &mut Connection, steps: &[&str]) -> Result<(), Error> {
    let known = i64::try_from(steps.len()).expect("migration count fits in i64");
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(Error::storage("migration begin"))?;
    let found: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::storage("read user_version"))?;
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    if found == known {
        return Ok(());
    }
    let start = usize::try_from(found).unwrap_or(0);
    for (i, step) in steps.iter().enumerate().skip(start) {
        tx.execute_batch(step)
            .map_err(Error::storage("migration step"))?;
        tracing::info!(step = i + 1, "applied migration");
    }
    tx.pragma_update(None, "user_version", known)
        .map_err(Error::storage("write user_version"))?;
    tx.commit().map_err(Error::storage("migration commit"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn schema(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT type || ' ' || name FROM sqlite_schema ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrates_an_empty_database_to_latest() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
        let tables = schema(&conn);
        for t in [
            "table settings",
            "table units",
            "table news",
            "table procedures",
            "table procedure_bodies",
            "table checked_documents",
            "table media",
            "table sync_state",
            "table outbox",
            "table draft_photos",
            "table services",
            "table my_requests",
            "table public_requests",
            "table procedure_visits",
            "table saved_procedures",
            "table outages",
            "table alerts",
            "table bulletins",
        ] {
            assert!(tables.iter().any(|s| s == t), "missing {t}: {tables:?}");
        }
        // Running again is a no-op.
        run(&mut conn).unwrap();
        assert_eq!(schema(&conn), tables);
    }

    /// Issue 10: the outbox rebuilt without a list of kinds keeps every row,
    /// its id and the id sequence (a deleted last row's id is not reused).
    #[test]
    fn outbox_rebuild_keeps_rows_ids_and_sequence() {
        let step = MIGRATIONS
            .iter()
            .position(|s| s.contains("CREATE TABLE outbox_new"))
            .unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        run_steps(&mut conn, &MIGRATIONS[..step]).unwrap();
        conn.execute_batch(
            "INSERT INTO outbox (uuid, kind, payload, created_ms) VALUES
                 ('a', 'request', '{}', 1), ('b', 'rating', '{}', 2), ('c', 'support', '{}', 3);
             DELETE FROM outbox WHERE uuid = 'c';",
        )
        .unwrap();
        run(&mut conn).unwrap();
        let kept: Vec<(i64, String)> = conn
            .prepare("SELECT id, uuid FROM outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kept, [(1, "a".to_owned()), (2, "b".to_owned())]);
        conn.execute(
            "INSERT INTO outbox (uuid, kind, payload, created_ms) VALUES ('d', 'ack', '{}', 4)",
            [],
        )
        .unwrap();
        let id: i64 = conn
            .query_row("SELECT id FROM outbox WHERE uuid = 'd'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, 4);
        assert!(schema(&conn).contains(&"index outbox_by_state".to_owned()));
    }

    #[test]
    fn a_bus_download_in_progress_is_carried_into_downloads() {
        let step = MIGRATIONS
            .iter()
            .position(|s| s.contains("CREATE TABLE downloads"))
            .unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        run_steps(&mut conn, &MIGRATIONS[..step]).unwrap();
        conn.execute_batch(
            "INSERT INTO bus_download (id, province, etag, total) VALUES (1, '79', '\"a\"', 10);
             INSERT INTO bus_download_chunks (offset, bytes) VALUES (0, x'0102'), (2, x'03');",
        )
        .unwrap();
        run(&mut conn).unwrap();
        let kept = crate::store::downloads::get(&conn, crate::sync::bus::DOWNLOAD)
            .unwrap()
            .unwrap();
        assert_eq!((kept.key.as_str(), kept.total, kept.held), ("79", 10, 3));
        assert_eq!(
            crate::store::downloads::body(&conn, crate::sync::bus::DOWNLOAD).unwrap(),
            [1, 2, 3]
        );
        assert!(!schema(&conn).contains(&"table bus_download".to_owned()));
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        let err = run(&mut conn).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { .. }));
        assert_eq!(err.code(), ErrorCode::Storage);
    }

    #[test]
    fn a_failing_step_applies_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = ["CREATE TABLE a (x INTEGER);", "CREATE TABLE oops ("];
        assert!(run_steps(&mut conn, &steps).is_err());
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 0);
        assert!(schema(&conn).is_empty());
    }
}
