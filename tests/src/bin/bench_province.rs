//! Prints the figures of "A province-sized database" in docs/BENCHMARKS.md
//! (issue 11): the demo seed (the national catalogue, 3,355 units) grown to a
//! province's year, 1,000,000 service requests over the communes of Hà Nội and
//! 10,000 news items, first on SQLite, then moved into a throwaway PostgreSQL
//! cluster with `congdan-server copy` (timed); on each engine the real server on
//! loopback, and the real client core: a device's first and second sync of one
//! ward, the officer's inbox, the officer and Open311 request lists with their
//! filters, a public lookup by id and the ward's news list (p50/p99 over repeated
//! calls), and the size of the database.
//!
//! The rows are the server's own: one real Open311 POST per service through the
//! running server gives the public view and private details of a request of that
//! service; each generated request is one of those replayed at another time and
//! commune through the storage call the POST handler makes
//! ([`RequestStorage::create_request`]), its deadline shifted with it, and its
//! status steps go through the storage call of the officer's status change
//! ([`RequestStorage::change_status`], audit record included). News items are the
//! 100 real items of the demo feeds under new ids, units and dates, stored with
//! [`ContentStorage::upsert_news`] as the feed ingest does.
//!
//! Run with `make bench-province`, or: `cargo build --release -p congdan-server
//! -p congdan-tests --bin congdan-server --bin congdan-bench-province &&
//! target/release/congdan-bench-province [--requests N] [--news N]
//! [--engine sqlite|postgres|both] [--keep DIR]`. `--keep DIR` keeps the generated
//! SQLite database in DIR and reuses it when it is there (a second run then
//! measures without generating again; schema steps a newer server adds run on it).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use congdan_core::Core;
use congdan_protocol::news::NewsItem;
use congdan_protocol::open311::{Datatype, DetailedStatus, ServiceRequest};
use congdan_protocol::requests::Role;
use congdan_protocol::units::Unit;
use congdan_server::accounts::{DEMO_PASSWORD, DEMO_UNIT, DEMO_USERNAME};
use congdan_server::open311::{OPEN311_PREFIX, agency_name};
use congdan_server::storage::audit::AuditRecord;
use congdan_server::storage::requests::{NewRequest, PrivateDetails, StatusStep};
use congdan_server::storage::{ContentStorage, RequestStorage, Resource, Scope, SqliteStorage};
use congdan_tests::DEMO_API_KEY;
use congdan_tests::bench::{file_size, mb, quantile_ms, run_server, second_sync};
use congdan_tests::pg_cluster::PgCluster;
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::{TestServer, seeded_template};
use futures_util::StreamExt;

/// The province whose year is generated: Hà Nội.
const PROVINCE: &str = "01";
/// The ward measured: Phường Ba Đình, the demo officer's.
const WARD: &str = DEMO_UNIT;
/// A point in that ward (the requests of a service all share the template's).
const WARD_POINT: (&str, &str) = ("21.0341", "105.8372");
/// Share of the news items published for the whole province (the rest go to its communes).
const PROVINCE_NEWS_SHARE: usize = 5;
/// Requests generated at once (the storage serialises the writes; this overlaps the rest).
const IN_FLIGHT: usize = 8;
/// Calls per measured list or lookup.
const ROUNDS: usize = 50;
/// Calls of the slow lists (the officer inbox reads every request's timeline).
const SLOW_ROUNDS: usize = 10;
/// Status steps answer with this text (official answers are public).
const ANSWER: &str = "Đã tiếp nhận và xử lý xong. Cảm ơn ông/bà đã phản ánh.";

/// Checked command line.
struct Args {
    requests: u64,
    news: usize,
    sqlite: bool,
    postgres: bool,
    keep: Option<PathBuf>,
}

fn args() -> anyhow::Result<Args> {
    let mut out = Args {
        requests: 1_000_000,
        news: 10_000,
        sqlite: true,
        postgres: true,
        keep: None,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--requests" => out.requests = value()?.parse()?,
            "--news" => out.news = value()?.parse()?,
            "--keep" => out.keep = Some(value()?.into()),
            "--engine" => match value()?.as_str() {
                "sqlite" => out.postgres = false,
                "postgres" => out.sqlite = false,
                "both" => {}
                other => anyhow::bail!("--engine sqlite|postgres|both, not {other}"),
            },
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let scratch = tempfile::tempdir()?;
    let dir = args.keep.clone().unwrap_or_else(|| scratch.path().into());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("province-{}.db", args.requests));
    if db.exists() {
        println!("reusing {}", db.display());
    } else {
        let partial = dir.join("province-partial.db");
        let _ = std::fs::remove_file(&partial);
        std::fs::copy(seeded_template(), &partial).context("copying the demo seed")?;
        generate(&partial, &args).await?;
        for ext in ["db-wal", "db-shm"] {
            let _ = std::fs::remove_file(partial.with_extension(ext));
        }
        std::fs::rename(&partial, &db)?;
    }
    let ids = args.requests;
    if args.sqlite {
        println!("\n== SQLite ==");
        println!(
            "database: {}",
            mb(file_size(&db) + file_size(&db.with_extension("db-wal")))
        );
        measure(&db, ids).await?;
    }
    if args.postgres {
        println!("\n== PostgreSQL ==");
        let cluster = PgCluster::start().context("PostgreSQL is not installed")?;
        let started = Instant::now();
        run_server(&[
            "copy".as_ref(),
            "--from".as_ref(),
            db.as_ref(),
            "--to".as_ref(),
            cluster.url().as_ref(),
        ])?;
        println!(
            "congdan-server copy (SQLite file into the empty database): {:.0} s",
            started.elapsed().as_secs_f64()
        );
        pg_sizes(cluster.url()).await?;
        measure(Path::new(cluster.url()), ids).await?;
    }
    Ok(())
}

/// A request of each service as the server stores it, and the private details
/// it was sent with.
struct Template {
    public: ServiceRequest,
    private: PrivateDetails,
}

/// Grows the seeded database at `db` to a province's year.
async fn generate(db: &Path, args: &Args) -> anyhow::Result<()> {
    let templates = templates(db).await?;
    let storage = SqliteStorage::open(db)?;
    let communes: Vec<Unit> = storage
        .units_json(Some(PROVINCE.to_owned()))
        .await?
        .iter()
        .map(|json| serde_json::from_str(json))
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!communes.is_empty(), "no communes below {PROVINCE}");
    println!(
        "province {PROVINCE}: {} communes, {} services",
        communes.len(),
        templates.len()
    );

    let started = Instant::now();
    let now = Utc::now();
    let year = chrono::Duration::days(365);
    let step = year / i32::try_from(args.requests.max(1)).unwrap_or(i32::MAX);
    let steps = std::sync::atomic::AtomicU64::new(0);
    let mut done = futures_util::stream::iter(0..args.requests)
        .map(|n| {
            let at = now - year + step * i32::try_from(n).unwrap_or(i32::MAX);
            let pick = mix(n);
            let unit = &communes[usize::try_from(pick % communes.len() as u64).unwrap_or(0)];
            let template =
                &templates[usize::try_from((pick >> 20) % templates.len() as u64).unwrap_or(0)];
            let (storage, steps) = (&storage, &steps);
            async move {
                let made = one_request(storage, template, unit, at, now, pick).await?;
                steps.fetch_add(made, std::sync::atomic::Ordering::Relaxed);
                anyhow::Ok(())
            }
        })
        .buffer_unordered(IN_FLIGHT);
    let mut count = 0u64;
    while let Some(result) = done.next().await {
        result?;
        count += 1;
        if count.is_multiple_of(100_000) {
            println!(
                "  {count} requests in {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    drop(done);
    println!(
        "generated {count} requests with {} status steps in {:.0} s",
        steps.load(std::sync::atomic::Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let real: Vec<NewsItem> = storage
        .changes(Resource::News, Scope::All, 0, 10_000)
        .await?
        .items
        .iter()
        .map(|json| serde_json::from_str(json))
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!real.is_empty(), "no seeded news");
    let spacing = year / i32::try_from(args.news.max(1)).unwrap_or(i32::MAX);
    let items: Vec<NewsItem> = (0..args.news)
        .map(|n| {
            let mut item = real[n % real.len()].clone();
            item.id = format!("{}-{n}", item.id);
            item.unit = if n.is_multiple_of(PROVINCE_NEWS_SHARE) {
                PROVINCE.to_owned()
            } else {
                communes[n % communes.len()].code.clone()
            };
            item.link = item.link.map(|l| format!("{l}?p={n}"));
            item.published_at = now - spacing * i32::try_from(n).unwrap_or(i32::MAX);
            item
        })
        .collect();
    for chunk in items.chunks(1000) {
        storage.upsert_news(chunk.to_vec()).await?;
    }
    println!(
        "generated {} news items (1 in {PROVINCE_NEWS_SHARE} for the province, the rest over its communes) in {:.1} s",
        args.news,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Stores one generated request and its status steps; the number of steps.
async fn one_request(
    storage: &SqliteStorage,
    template: &Template,
    unit: &Unit,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    pick: u64,
) -> anyhow::Result<u64> {
    let mut public = template.public.clone();
    let shift = at - public.requested_datetime;
    public.service_request_id = String::new();
    public.requested_datetime = at;
    public.updated_datetime = at;
    public.expected_datetime = public.expected_datetime.map(|d| d + shift);
    public.unit = Some(unit.code.clone());
    public.agency_responsible = agency_name(&unit.kind, &unit.name);
    public.media_url = None;
    public.media_urls = Vec::new();
    let new = NewRequest {
        public,
        token: congdan_server::secrets::random_token()?,
        triage: false,
        device_id: None,
        claim_hash: None,
        private: template.private.clone(),
        media_ids: Vec::new(),
        inline_media: Vec::new(),
        media_base: format!("{OPEN311_PREFIX}/media/"),
    };
    let id = storage
        .create_request(new, None)
        .await??
        .into_inner()
        .service_request_id
        .context("a created request has an id")?;
    let path = status_path(now - at, pick);
    for (n, status) in path.iter().enumerate() {
        let hours = 4 * (i64::try_from(n).unwrap_or(0) + 1) + i64::try_from(pick % 40)?;
        let when = (at + chrono::Duration::hours(hours)).min(now);
        let answer = (*status == DetailedStatus::Answered).then(|| ANSWER.to_owned());
        let step = StatusStep {
            status: *status,
            note: String::new(),
            note_public: false,
            answer,
            officer: format!("Cán bộ {}", unit.name),
            at: when,
        };
        let audit = AuditRecord {
            at: when,
            username: format!("canbo.{}", unit.code),
            role: Role::Officer,
            unit: unit.code.clone(),
            action: "request.status",
            target: id.clone(),
            detail: status.as_str().to_owned(),
        };
        storage.change_status(id.clone(), step, audit).await??;
    }
    Ok(path.len() as u64)
}

/// The status steps of a request of this age: a week-old request may still wait;
/// older ones were mostly answered, some closed after.
fn status_path(age: chrono::Duration, pick: u64) -> &'static [DetailedStatus] {
    use DetailedStatus::{Answered, Closed, InProgress, Received};
    let roll = (pick >> 40) % 100;
    let fresh = age < chrono::Duration::days(7);
    match (fresh, roll) {
        (true, 0..50) => &[],
        (true, 50..80) => &[Received],
        (true, 80..90) => &[Received, InProgress],
        (true, _) => &[Received, Answered],
        (false, 0..3) => &[],
        (false, 3..8) => &[Received],
        (false, 8..12) => &[Received, InProgress],
        (false, 12..70) => &[Received, Answered],
        (false, _) => &[Received, Answered, Closed],
    }
}

/// One real Open311 POST per service through the running server on `db`, read
/// back from storage: the public view and private details of each.
async fn templates(db: &Path) -> anyhow::Result<Vec<Template>> {
    let services = SqliteStorage::open(db)?.services().await?;
    let server = TestServer::start_on(db).await?;
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    for record in &services {
        let code = &record.service.service_code;
        let mut form: Vec<(String, String)> = [
            ("api_key", DEMO_API_KEY),
            ("service_code", code),
            ("unit", WARD),
            ("lat", WARD_POINT.0),
            ("long", WARD_POINT.1),
            ("address_string", "Số 12 phố Đội Cấn, Ba Đình"),
            (
                "description",
                "Sự cố kéo dài nhiều ngày, đề nghị xử lý sớm.",
            ),
            ("first_name", "An"),
            ("last_name", "Nguyễn"),
            ("phone", "0912345678"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mut attributes = Vec::new();
        for attribute in record.definition.attributes.iter().filter(|a| a.variable) {
            let value = match attribute.datatype {
                Datatype::Singlevaluelist | Datatype::Multivaluelist => attribute
                    .values
                    .first()
                    .map_or_else(String::new, |v| v.key.clone()),
                Datatype::Number => "1".to_owned(),
                Datatype::Datetime => Utc::now().to_rfc3339(),
                Datatype::String | Datatype::Text => "Có".to_owned(),
            };
            let name = if attribute.datatype == Datatype::Multivaluelist {
                format!("attribute[{}][]", attribute.code)
            } else {
                format!("attribute[{}]", attribute.code)
            };
            form.push((name, value.clone()));
            attributes.push((attribute.code.clone(), value));
        }
        let answer: serde_json::Value = client
            .post(format!("{}/open311/v2/requests.json", server.url()))
            .form(&form)
            .send()
            .await?
            .json()
            .await?;
        let id = answer[0]["service_request_id"]
            .as_str()
            .with_context(|| format!("POST of {code}: {answer}"))?
            .to_owned();
        let private = PrivateDetails {
            first_name: Some("An".into()),
            last_name: Some("Nguyễn".into()),
            email: None,
            phone: Some("0912345678".into()),
            account_id: None,
            attributes,
        };
        sent.push((id, private));
    }
    drop(server);
    let storage = SqliteStorage::open(db)?;
    let mut out = Vec::new();
    for (id, private) in sent {
        let stored = storage
            .officer_request(id.clone())
            .await?
            .with_context(|| format!("request {id} was not stored"))?;
        out.push(Template {
            public: stored.request,
            private,
        });
    }
    Ok(out)
}

/// Every measured figure of one engine; `db` is a file or a `postgres://` URL.
async fn measure(db: &Path, requests: u64) -> anyhow::Result<()> {
    let server = TestServer::start_on(db).await?;
    let proxy = CountingProxy::start(server.addr()).await?;
    let home = tempfile::tempdir()?;
    let core = Core::open(&home.path().join("profile.db"))?;
    core.set_server_url(&proxy.url())?;
    let started = Instant::now();
    core.set_home_unit(WARD).await?;
    let report = core.sync(&|_| {}).await?;
    println!(
        "device, first sync of {WARD} (choose the ward, then sync): {:.2} s, {} on the wire",
        started.elapsed().as_secs_f64(),
        kb(proxy.counters().total())
    );
    for r in report.resources.iter().filter(|r| r.items > 0) {
        println!(
            "  {:<15} {:>6} items in {:>3} pages",
            r.resource, r.items, r.pages
        );
    }
    println!(
        "device, second sync (nothing changed): {}",
        second_sync(&core, &proxy).await?
    );

    core.login(DEMO_USERNAME, DEMO_PASSWORD).await?;
    let mut times = Vec::new();
    let mut shown = 0;
    for _ in 0..SLOW_ROUNDS {
        let started = Instant::now();
        shown = core.inbox().await?.len();
        times.push(started.elapsed());
    }
    println!(
        "officer inbox of {WARD} (core, GET /api/v1/officer/requests): {}, {shown} requests",
        percentiles(&mut times)
    );

    let base = server.url();
    let client = reqwest::Client::new();
    let token = congdan_tests::server::login(&client, &base, DEMO_USERNAME).await;
    let lists: [(&str, String, Option<&str>, usize); 6] = [
        (
            "officer list, status received",
            format!("{base}/api/v1/officer/requests?status=received"),
            Some(&token),
            SLOW_ROUNDS,
        ),
        (
            "Open311 requests.json (last 90 days, whole province)",
            format!("{base}/open311/v2/requests.json"),
            None,
            ROUNDS,
        ),
        (
            "Open311 requests.json?unit (the ward)",
            format!("{base}/open311/v2/requests.json?unit={WARD}"),
            None,
            ROUNDS,
        ),
        (
            "Open311 requests.json?unit&status=open",
            format!("{base}/open311/v2/requests.json?unit={WARD}&status=open"),
            None,
            ROUNDS,
        ),
        (
            "Open311 requests.json?service_code&status=open (province)",
            format!(
                "{base}/open311/v2/requests.json?service_code=chieu-sang-cong-cong&status=open"
            ),
            None,
            ROUNDS,
        ),
        (
            "Open311 requests.json?unit, a month half a year ago",
            format!(
                "{base}/open311/v2/requests.json?unit={WARD}&start_date={}&end_date={}",
                day(Utc::now() - chrono::Duration::days(210)),
                day(Utc::now() - chrono::Duration::days(180))
            ),
            None,
            ROUNDS,
        ),
    ];
    for (what, url, token, rounds) in lists {
        let (mut times, count) = timed_gets(&client, rounds, |_| url.clone(), token).await?;
        println!("{what}: {}, {count} items", percentiles(&mut times));
    }
    let (mut times, count) = timed_gets(
        &client,
        ROUNDS * 4,
        |n| {
            let id = 1 + mix(n as u64 + 7) % requests.max(1);
            format!("{base}/open311/v2/requests/{id}.json")
        },
        None,
    )
    .await?;
    println!(
        "Open311 requests/{{id}}.json (random ids): {}, {count} items in the last",
        percentiles(&mut times)
    );
    let (mut times, count) = timed_gets(
        &client,
        ROUNDS * 4,
        |_| format!("{base}/api/v1/news?unit={WARD}"),
        None,
    )
    .await?;
    println!(
        "news list of {WARD} (/api/v1/news?unit, first page): {}, {count} items",
        percentiles(&mut times)
    );
    Ok(())
}

/// `rounds` GETs of `url(n)` (with a Bearer `token` when given), each timed to
/// the last body byte; the times and the item count of the last answer.
async fn timed_gets(
    client: &reqwest::Client,
    rounds: usize,
    url: impl Fn(usize) -> String,
    token: Option<&str>,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::with_capacity(rounds);
    let mut count = 0;
    for n in 0..rounds {
        let mut call = client.get(url(n));
        if let Some(token) = token {
            call = call.bearer_auth(token);
        }
        let started = Instant::now();
        let answer = call.send().await?.error_for_status()?;
        let body: serde_json::Value = answer.json().await?;
        times.push(started.elapsed());
        count = match &body {
            serde_json::Value::Array(list) => list.len(),
            other => other["items"].as_array().map_or(0, Vec::len),
        };
    }
    Ok((times, count))
}

/// Database and largest table sizes of the PostgreSQL database at `url`.
async fn pg_sizes(url: &str) -> anyhow::Result<()> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let size: i64 = client
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await?
        .try_get(0)?;
    println!("database: {}", mb(u64::try_from(size).unwrap_or(0)));
    for row in client
        .query(
            "SELECT relname::text, pg_total_relation_size(oid) FROM pg_class \
             WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace \
             ORDER BY 2 DESC LIMIT 4",
            &[],
        )
        .await?
    {
        let (name, bytes): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
        println!("  {name:<16} {}", mb(u64::try_from(bytes).unwrap_or(0)));
    }
    Ok(())
}

/// SplitMix64: the same spread of units, services and statuses on every run.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// "p50 x ms, p99 y ms (n calls)" of `times` (sorted in place).
fn percentiles(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.1} ms, p99 {:.1} ms ({} calls)",
        quantile_ms(times, 0.5),
        quantile_ms(times, 0.99),
        times.len()
    )
}

/// An instant as Open311 takes it in a query (`Z`, no `+` to escape).
fn day(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn kb(bytes: u64) -> String {
    format!("{:.0} kB", bytes as f64 / 1024.0)
}
