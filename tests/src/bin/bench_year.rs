//! Prints the figures of "A year of content on the device" in docs/BENCHMARKS.md
//! (issue 12): a server filled with a year of content, a first and a second sync
//! of a fresh profile through a counting proxy, then, on that profile, the time to
//! open the store, to list news, to search procedures and to ask for buses, and the
//! size of the database file with its largest tables.
//!
//! The content goes in through the server's own ingest: `congdan-server seed` of a
//! generated data directory (the real units, the real catalogue, the HCMC GTFS zip
//! through `gtfs/networks.csv` as in data/demo, and 100,000 news items: the 100 real
//! VnExpress items of data/demo/feeds repeated under new guids and links, one every
//! 5¼ minutes over the last 365 days, in 20 RSS files), then the catalogue grown to
//! 50,000 procedures ([`congdan_sources::catalogue::replicate`], the records the
//! search bench uses) through the storage call `seed` makes.
//!
//! Run with `make bench-year`, or: `cargo build --release -p congdan-server -p
//! congdan-tests --bin congdan-server --bin congdan-bench-year &&
//! target/release/congdan-bench-year`.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use congdan_core::{Core, JourneyOptions, ProcedureQuery};
use congdan_server::storage::{ContentStorage, SqliteStorage};
use congdan_tests::bench::{file_size, mb, ms, quantile_ms, run_server, second_sync};
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::TestServer;
use congdan_tests::{demo_dir, workspace_root};

/// News items in a year of content.
const NEWS: usize = 100_000;
/// News items per generated RSS file (well under the 10 MB a feed file may have).
const NEWS_PER_FILE: usize = 5_000;
/// Procedures in a year of content.
const PROCEDURES: usize = 50_000;
/// The home unit of the profile: Phường Bến Thành, so the HCMC network is its own.
const HOME_UNIT: &str = "26743";
/// Rounds of the relevance queries for the search percentiles.
const SEARCH_ROUNDS: usize = 5;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let data = work.path().join("data");
    let started = Instant::now();
    write_data_dir(&data)?;
    println!(
        "generated data dir ({NEWS} news items in {} RSS files) in {:.1} s",
        NEWS.div_ceil(NEWS_PER_FILE),
        started.elapsed().as_secs_f64()
    );

    let server_db = work.path().join("server.db");
    let started = Instant::now();
    run_server(&[
        "seed".as_ref(),
        "--db".as_ref(),
        server_db.as_ref(),
        data.as_ref(),
    ])?;
    println!(
        "server: seed (units, 2,642 procedures, {NEWS} news, HCMC GTFS) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    grow_catalogue(&server_db).await?;
    println!(
        "server: catalogue grown to {PROCEDURES} procedures in {:.1} s; server database {}",
        started.elapsed().as_secs_f64(),
        mb(file_size(&server_db))
    );

    let server = TestServer::start_on(&server_db).await?;
    let proxy = CountingProxy::start(server.addr()).await?;
    let profile = work.path().join("profile.db");
    {
        let core = Core::open(&profile)?;
        core.set_server_url(&proxy.url())?;
        let started = Instant::now();
        core.set_home_unit(HOME_UNIT).await?;
        let done_at = std::sync::Mutex::new(Vec::new());
        let report = core
            .sync(&|p| {
                if p.done
                    && let Ok(mut done) = done_at.lock()
                {
                    done.push((p.resource, p.bytes, started.elapsed()));
                }
            })
            .await?;
        let first = started.elapsed();
        println!(
            "first sync (choose {HOME_UNIT}, then sync): {:.1} s, {} on the wire",
            first.as_secs_f64(),
            mb(proxy.counters().total())
        );
        let done_at = done_at.into_inner().unwrap_or_default();
        for r in &report.resources {
            // Some resources (the bus network, the small lists) report no progress.
            let progress = done_at
                .iter()
                .find(|(name, _, _)| *name == r.resource)
                .map_or(String::new(), |(_, bytes, at)| {
                    format!(
                        ", {} after decompression, done at {:.1} s",
                        mb(u64::from(*bytes)),
                        at.as_secs_f64()
                    )
                });
            println!(
                "  {:<15} {:>7} items in {:>4} pages{progress}",
                r.resource, r.items, r.pages
            );
        }
        println!(
            "second sync (nothing changed): {}",
            second_sync(&core, &proxy).await?
        );
    }
    drop(proxy);
    drop(server);

    measure_profile(&profile)?;
    Ok(())
}

/// Open, news, search and bus times on the synced profile, then its size.
fn measure_profile(profile: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let core = Core::open(profile)?;
    println!(
        "open (new Core on the filled store): {:.1} ms",
        ms(started.elapsed())
    );
    let started = Instant::now();
    let news = core.news(20)?;
    println!(
        "first news list (20 of the newest): {:.1} ms ({} items)",
        ms(started.elapsed()),
        news.items.len()
    );
    let started = Instant::now();
    core.prepare_search()?;
    println!(
        "search index build (prepare_search, once per catalogue version, then kept in the store): {:.0} ms",
        ms(started.elapsed())
    );
    let started = Instant::now();
    Core::open(profile)?.prepare_search()?;
    println!(
        "next start: open and the search index read back from the store: {:.0} ms",
        ms(started.elapsed())
    );
    let cases = congdan_search::relevance::parse(&std::fs::read_to_string(
        workspace_root().join("data/search/relevance.tsv"),
    )?);
    let mut times = Vec::new();
    let mut total_hits = 0u64;
    for _ in 0..SEARCH_ROUNDS {
        for case in &cases {
            let query = ProcedureQuery {
                text: case.query.clone(),
                level: None,
                field: None,
                limit: 20,
            };
            let started = Instant::now();
            let found = core.search_procedures(&query)?;
            times.push(started.elapsed());
            total_hits += u64::from(found.total);
        }
    }
    println!(
        "procedure search ({} queries of relevance.tsv × {SEARCH_ROUNDS}, limit 20): {}; {:.0} matches per query on average",
        cases.len(),
        percentiles(&mut times),
        total_hits as f64 / times.len() as f64
    );

    let stops = core.bus_stops("ben thanh")?;
    let from = stops.first().context("no stop named Bến Thành")?;
    let started = Instant::now();
    let departures = core.bus_departures(&from.stop_id, Some("2025-12-01T07:30"), 20)?;
    println!(
        "bus departures at {} ({}): {:.1} ms, {} departures",
        from.name,
        from.stop_id,
        ms(started.elapsed()),
        departures.departures.len()
    );
    let to = core.bus_stops("ben xe mien dong")?;
    let to = to.first().context("no stop named Bến xe Miền Đông")?;
    let options = JourneyOptions {
        at: Some("2025-12-01T07:30".into()),
        ..JourneyOptions::default()
    };
    let started = Instant::now();
    let journeys = core.bus_journey(&from.stop_id, &to.stop_id, &options)?;
    let first = started.elapsed();
    let started = Instant::now();
    core.bus_journey(&from.stop_id, &to.stop_id, &options)?;
    println!(
        "bus journey {} → {}: first {:.0} ms (lays the day out), again {:.1} ms, {} journeys",
        from.name,
        to.name,
        ms(first),
        ms(started.elapsed()),
        journeys.len()
    );
    drop(core);

    let wal = profile.with_extension("db-wal");
    println!(
        "profile database: {} (+ {} WAL)",
        mb(file_size(profile)),
        mb(file_size(&wal))
    );
    let conn = rusqlite::Connection::open(profile)?;
    let parts = conn
        .prepare(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC LIMIT 12",
        )
        .and_then(|mut stmt| {
            stmt.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        });
    match parts {
        Ok(parts) => {
            for (name, bytes) in parts {
                println!("  {name:<36} {}", mb(u64::try_from(bytes).unwrap_or(0)));
            }
        }
        Err(e) => println!("  (no dbstat in this SQLite: {e})"),
    }
    Ok(())
}

/// Writes the data directory `seed` reads: real units, catalogue and GTFS network,
/// and [`NEWS`] news items made from the real feed items.
fn write_data_dir(dir: &Path) -> anyhow::Result<()> {
    let demo = demo_dir();
    std::fs::create_dir_all(dir.join("gtfs"))?;
    std::fs::create_dir_all(dir.join("feeds"))?;
    for file in [
        "units.csv",
        "procedures.jsonl.gz",
        "gtfs/networks.csv",
        "gtfs/hcmc-real.zip",
    ] {
        std::fs::copy(demo.join(file), dir.join(file))
            .with_context(|| format!("copying {file}"))?;
    }
    let mut items = Vec::new();
    let mut header = String::new();
    let mut feeds: Vec<_> = std::fs::read_dir(demo.join("feeds"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    feeds.sort();
    for path in feeds {
        let text = std::fs::read_to_string(&path)?;
        let first = text.find("<item>").context("a feed without items")?;
        if header.is_empty() {
            header = text[..first].to_owned();
        }
        let mut rest = &text[first..];
        while let Some(start) = rest.find("<item>") {
            let end = rest[start..].find("</item>").context("unclosed item")? + start + 7;
            items.push(rest[start..end].to_owned());
            rest = &rest[end..];
        }
    }
    anyhow::ensure!(!items.is_empty(), "no real news items");
    let now = chrono::Utc::now();
    let step = chrono::Duration::seconds(365 * 24 * 3600 / NEWS as i64);
    for file in 0..NEWS.div_ceil(NEWS_PER_FILE) {
        let mut xml = header.clone();
        for n in file * NEWS_PER_FILE..((file + 1) * NEWS_PER_FILE).min(NEWS) {
            let published = now - step * i32::try_from(n)?;
            let item = &items[n % items.len()];
            let item = retag(item, "guid", |g| format!("{g}?y={n}"));
            let item = retag(&item, "link", |l| format!("{l}?y={n}"));
            let item = retag(&item, "pubDate", |_| published.to_rfc2822());
            xml.push_str(&item);
            xml.push('\n');
        }
        xml.push_str("</channel>\n</rss>\n");
        std::fs::write(dir.join(format!("feeds/year-{file:03}.xml")), xml)?;
    }
    Ok(())
}

/// `item` with the text of its first `<tag>` element replaced by `f(old text)`.
fn retag(item: &str, tag: &str, f: impl FnOnce(&str) -> String) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    match (item.find(&open), item.find(&close)) {
        (Some(start), Some(end)) if start < end => {
            let inner = item[start + open.len()..end].trim();
            format!("{}{open}{}{}", &item[..start], f(inner), &item[end..])
        }
        _ => item.to_owned(),
    }
}

/// Grows the seeded catalogue to [`PROCEDURES`] through the storage call `seed`
/// makes, with the aliases `seed` adds.
async fn grow_catalogue(db: &Path) -> anyhow::Result<()> {
    let parsed = congdan_sources::catalogue::open(&demo_dir().join("procedures.jsonl.gz"))?;
    let synonyms = congdan_search::Synonyms::builtin();
    let mut real = parsed.items;
    for p in &mut real {
        p.aliases = synonyms.aliases_for(&p.name);
    }
    let storage = SqliteStorage::open(db)?;
    let all = congdan_sources::catalogue::replicate(&real, PROCEDURES);
    storage.upsert_procedures(all).await?;
    Ok(())
}

/// "p50 x ms, p95 y ms, max z ms" of `times` (sorted in place).
fn percentiles(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        quantile_ms(times, 0.5),
        quantile_ms(times, 0.95),
        quantile_ms(times, 1.0)
    )
}
