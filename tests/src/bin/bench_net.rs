//! Prints the slow-link figures of docs/BENCHMARKS.md (issue 12): per network profile,
//! the time and bytes from an empty device to news usable (the app's onboarding
//! included: provinces, the communes of one, choosing the ward) and to the whole
//! catalogue synced, through the shaping proxy, with the real server and client core.
//!
//! A sync that fails (a cut, a refused connection) is tried again after `--retry`
//! seconds, as a pull-to-refresh or a network-change trigger would; each run stops
//! after `--budget` seconds and reports how far it got. Every failed sync that got
//! somewhere prints the resource it stopped in and what it completed before; at the
//! end a table gives, per resource (paged feeds and documents alike), the time and
//! link bytes of its completed pulls and of the syncs that stopped in it. A second
//! sync, with nothing changed, gives what an idle pull-to-refresh costs (time, bytes,
//! requests).
//!
//! Then the outbox: a profile made ready over the plain loopback (units, services,
//! the ward) saves `--submissions N` reports with a phone-sized photo each, and
//! drains them through the same link (a drain that stops is started again after
//! `--retry` seconds, as "Gửi ngay" would; backoff waits are skipped with a fake
//! clock); the server is then asked how many times each report arrived.
//!
//! Run with `make bench-net`, or: `cargo build --release -p congdan-server -p congdan-tests
//! --bin congdan-server --bin congdan-bench-net && target/release/congdan-bench-net
//! [--profile 2g|3g|lossy|flapping]... [--budget SECONDS] [--retry SECONDS]
//! [--submissions N] [--skip-sync] [--ward WARD:PROVINCE]`.

use anyhow::{Context, bail};
use congdan_core::secrets::MemoryStore;
use congdan_core::{AttributeAnswer, Core, CoreOptions, FakeClock, RequestDraft, SyncProgress};
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::TestServer;
use congdan_tests::shaper::{PROFILES, Profile, Shaper};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The ward a run chooses unless told (Phường Ba Đình, Hà Nội), and its province.
const HOME: (&str, &str) = ("00004", "01");

/// The service every benchmark report is filed under.
const SERVICE: &str = "chieu-sang-cong-cong";

struct Options {
    profiles: Vec<Profile>,
    budget: Duration,
    retry: Duration,
    /// Reports with a photo drained per profile (0: no outbox run).
    submissions: usize,
    /// Leave out the first-sync run (outbox figures only).
    skip_sync: bool,
    /// The ward chosen at onboarding and its province (`--ward 25747:79` for a Hồ Chí
    /// Minh City ward, whose sync also downloads the city's bus network).
    home: (String, String),
}

fn options() -> anyhow::Result<Options> {
    let mut profiles = Vec::new();
    let mut budget = Duration::from_secs(1200);
    let mut retry = Duration::from_secs(2);
    let mut submissions = 100;
    let mut skip_sync = false;
    let mut home = (HOME.0.to_string(), HOME.1.to_string());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--profile" => {
                let name = value()?;
                profiles.push(Profile::named(&name).with_context(|| format!("no profile {name}"))?);
            }
            "--budget" => budget = Duration::from_secs(value()?.parse()?),
            "--retry" => retry = Duration::from_secs(value()?.parse()?),
            "--submissions" => submissions = value()?.parse()?,
            "--skip-sync" => skip_sync = true,
            "--ward" => {
                let given = value()?;
                let (ward, province) = given
                    .split_once(':')
                    .with_context(|| format!("--ward WARD:PROVINCE, not {given}"))?;
                home = (ward.to_string(), province.to_string());
            }
            other => bail!("unknown argument {other}"),
        }
    }
    if profiles.is_empty() {
        profiles = PROFILES.to_vec();
    }
    Ok(Options {
        profiles,
        budget,
        retry,
        submissions,
        skip_sync,
        home,
    })
}

/// A moment of a run: seconds since the empty device started, and bytes on the link.
#[derive(Debug, Clone, Copy)]
struct Mark {
    secs: f64,
    bytes: u64,
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} s, {:.1} KB",
            self.secs,
            self.bytes as f64 / 1000.0
        )
    }
}

/// What the syncs of a run spent on one resource: its completed pulls, and the
/// failed syncs that stopped in it.
#[derive(Debug, Default, Clone, Copy)]
struct PullTally {
    completed: u32,
    completed_secs: f64,
    completed_bytes: u64,
    stopped: u32,
    stopped_secs: f64,
    stopped_bytes: u64,
    /// Changes those stopped syncs stored before they stopped (paged resources).
    stored: u64,
}

/// Per-resource time and link bytes of every sync attempt: each pull is charged
/// from the previous pull's end (or the attempt's start) to its own completion
/// report, so what happens between two pulls (news images, the outbox drain)
/// counts for the next one.
#[derive(Default)]
struct Pulls {
    /// End of the previous pull of the current attempt.
    last: Option<Mark>,
    /// What the current attempt completed, in order.
    attempt: Vec<(String, Mark)>,
    /// Changes stored so far by the pull in progress (paged resources), by name.
    stored: Option<(String, u32)>,
    tally: BTreeMap<String, PullTally>,
}

impl Pulls {
    fn start(&mut self, at: Mark) {
        self.last = Some(at);
        self.attempt.clear();
        self.stored = None;
    }

    /// A page of `resource` was stored; `items` changes so far in this pull.
    fn page(&mut self, resource: &str, items: u32) {
        self.stored = Some((resource.to_string(), items));
    }

    /// The share of `now` since the previous pull ended.
    fn take(&mut self, now: Mark) -> Mark {
        let last = self.last.replace(now).unwrap_or(now);
        Mark {
            secs: now.secs - last.secs,
            bytes: now.bytes - last.bytes,
        }
    }

    fn completed(&mut self, resource: &str, now: Mark) {
        let spent = self.take(now);
        self.stored = None;
        let t = self.tally.entry(resource.to_string()).or_default();
        t.completed += 1;
        t.completed_secs += spent.secs;
        t.completed_bytes += spent.bytes;
        self.attempt.push((resource.to_string(), spent));
    }

    /// Charges a failed attempt's last stretch to `resource`; a line saying what
    /// the attempt did, unless it failed at once (a link that is down).
    fn stopped(&mut self, resource: &str, now: Mark) -> Option<String> {
        let spent = self.take(now);
        let t = self.tally.entry(resource.to_string()).or_default();
        t.stopped += 1;
        t.stopped_secs += spent.secs;
        t.stopped_bytes += spent.bytes;
        let stored = match self.stored.take() {
            Some((r, items)) if r == resource => {
                t.stored += u64::from(items);
                format!(" ({items} changes stored)")
            }
            _ => String::new(),
        };
        if self.attempt.is_empty() && spent.bytes == 0 {
            return None;
        }
        let done: Vec<String> = self
            .attempt
            .iter()
            .map(|(r, m)| format!("{r} {m}"))
            .collect();
        Some(format!(
            "stopped in {resource} after {spent}{stored}; completed: [{}]",
            done.join("; ")
        ))
    }
}

struct Run {
    profile: Profile,
    pulls: BTreeMap<String, PullTally>,
    onboarding: Option<Mark>,
    news: Option<Mark>,
    catalogue: Option<Mark>,
    /// The second sync, nothing changed: its time, link bytes and requests.
    unchanged: Option<(Mark, usize)>,
    procedures_stored: u32,
    attempts: u32,
    errors: BTreeMap<String, u32>,
    cuts: u64,
    refused: u64,
    retransmits: u64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn mark(started: Instant, link: &Shaper) -> Mark {
    Mark {
        secs: started.elapsed().as_secs_f64(),
        bytes: link.stats().bytes(),
    }
}

/// Calls `step` until it succeeds or the budget is spent, pausing `retry` after failures.
async fn retrying<T>(
    options: &Options,
    started: Instant,
    errors: &mut BTreeMap<String, u32>,
    mut step: impl AsyncFnMut() -> Result<T, congdan_core::Error>,
) -> Option<T> {
    while started.elapsed() < options.budget {
        match step().await {
            Ok(value) => return Some(value),
            Err(e) => {
                *errors.entry(e.code().as_str().to_string()).or_default() += 1;
                tokio::time::sleep(options.retry).await;
            }
        }
    }
    None
}

async fn run(server: &TestServer, profile: Profile, options: &Options) -> anyhow::Result<Run> {
    // The shaper in front of a counting proxy, which notes the requests.
    let counting = CountingProxy::start(server.addr()).await?;
    let link = Shaper::start(counting.addr(), profile, 1).await?;
    let dir = tempfile::tempdir()?;
    let core = Core::open(&dir.path().join("bench.db"))?;
    core.set_server_url(&link.url())?;
    let started = Instant::now();
    let mut errors = BTreeMap::new();

    // The app's first launch: the province list, the communes of one, the ward. Each
    // step is tried again on its own, as the screen keeps what it already shows.
    let provinces = retrying(options, started, &mut errors, async || {
        core.provinces().await
    })
    .await;
    let communes = match provinces {
        Some(_) => {
            retrying(options, started, &mut errors, async || {
                core.communes(&options.home.1).await
            })
            .await
        }
        None => None,
    };
    let home = match communes {
        Some(_) => {
            retrying(options, started, &mut errors, async || {
                core.set_home_unit(&options.home.0).await
            })
            .await
        }
        None => None,
    };
    let onboarding = home.map(|_| mark(started, &link));
    if let Some(m) = onboarding {
        eprintln!("  [{}] onboarding done: {m}", profile.name);
    }

    // News is usable once its pull has completed (every page of the ward's news).
    let news = Arc::new(Mutex::new(None::<Mark>));
    let pulls = Mutex::new(Pulls::default());
    let progress = {
        let news = news.clone();
        let (link, pulls) = (&link, &pulls);
        move |p: SyncProgress| {
            if p.done {
                lock(pulls).completed(&p.resource, mark(started, link));
            } else {
                lock(pulls).page(&p.resource, p.items);
            }
            // BENCH_NET_PAGES=1 also reports every stored page.
            if p.done || std::env::var_os("BENCH_NET_PAGES").is_some() {
                let what = if p.done {
                    "complete after"
                } else {
                    "stored page"
                };
                eprintln!(
                    "  [{}] {} {what} {}: {}",
                    profile.name,
                    p.resource,
                    p.page,
                    mark(started, link)
                );
            }
            if p.resource == "news" && p.done {
                let mut news = lock(&news);
                if news.is_none() {
                    let now = mark(started, link);
                    eprintln!("  [{}] news usable: {now}", profile.name);
                    *news = Some(now);
                }
            }
        }
    };
    let mut attempts = 0;
    let synced = if onboarding.is_some() {
        retrying(options, started, &mut errors, async || {
            attempts += 1;
            lock(&pulls).start(mark(started, &link));
            let result = core.sync(&progress).await;
            if let Err(e) = &result {
                let resource = e.resource().unwrap_or("(no resource)");
                if let Some(line) = lock(&pulls).stopped(resource, mark(started, &link)) {
                    eprintln!("  [{}] sync {attempts} {line}", profile.name);
                }
            }
            result
        })
        .await
    } else {
        None
    };
    let catalogue = synced.map(|_| mark(started, &link));
    let unchanged = match catalogue {
        Some(before) => {
            counting.counters().reset();
            core.sync(&|_| {}).await.ok().map(|_| {
                let after = mark(started, &link);
                let spent = Mark {
                    secs: after.secs - before.secs,
                    bytes: after.bytes - before.bytes,
                };
                (spent, counting.counters().requests().len())
            })
        }
        None => None,
    };
    let procedures_stored = core
        .status()?
        .resources
        .into_iter()
        .find(|r| r.resource == "procedures")
        .map_or(0, |r| r.count);
    let news = *lock(&news);
    let stats = link.stats();
    let pulls = pulls.into_inner().unwrap_or_else(|e| e.into_inner()).tally;
    Ok(Run {
        profile,
        pulls,
        onboarding,
        news,
        catalogue,
        unchanged,
        procedures_stored,
        attempts,
        errors,
        cuts: stats.cuts.load(Ordering::SeqCst),
        refused: stats.refused.load(Ordering::SeqCst),
        retransmits: stats.retransmits.load(Ordering::SeqCst),
    })
}

fn describe(profile: &Profile) -> String {
    let rate = |bits: u64| {
        if bits >= 1_000_000 {
            format!("{} Mbit/s", bits as f64 / 1e6)
        } else {
            format!("{} kbit/s", bits / 1000)
        }
    };
    let mut text = format!(
        "{} down, {} up, {} ms RTT",
        rate(profile.down_bits_per_sec),
        rate(profile.up_bits_per_sec),
        profile.rtt.as_millis()
    );
    if profile.loss_percent > 0 {
        text += &format!(", {} % loss", profile.loss_percent);
    }
    if let Some(flap) = profile.flap {
        text += &format!(
            ", up {} s / down {} s",
            flap.up.as_secs(),
            flap.down.as_secs()
        );
    }
    text
}

/// What draining the outbox through one link did.
struct Drained {
    profile: Profile,
    submissions: usize,
    photo_bytes: u64,
    /// When the outbox emptied (`None`: not within the budget).
    done: Option<Mark>,
    drains: u32,
    /// Reports on the server: arrived once, and with their photo.
    once: usize,
    duplicates: usize,
    with_photo: usize,
    cuts: u64,
}

/// Saves `count` reports with a photo each on a profile made ready over the plain
/// loopback, then drains them through `profile`'s link until the outbox is empty
/// or the budget is spent, and counts on the server what arrived.
async fn drain_run(
    server: &TestServer,
    profile: Profile,
    options: &Options,
    photo: &[u8],
) -> anyhow::Result<Drained> {
    let dir = tempfile::tempdir()?;
    let core = Core::open_with(
        &dir.path().join("bench.db"),
        CoreOptions {
            clock: Arc::new(FakeClock::new(chrono::Utc::now())),
            seed: Some(12),
            secrets: Some(Arc::new(MemoryStore::new())),
        },
    )?;
    core.set_server_url(&server.url())?;
    core.set_api_key(congdan_tests::DEMO_API_KEY)?;
    core.set_home_unit(&options.home.0).await?;
    core.sync(&|_| {}).await?;
    let tag = format!("[{}]", profile.name);
    let mut photo_bytes = 0;
    for n in 0..options.submissions {
        let prepared = core.prepare_photo(photo)?;
        photo_bytes += u64::from(prepared.bytes);
        core.submit_request(&RequestDraft {
            service_code: SERVICE.into(),
            description: format!("{tag} Cột đèn số {n} trên phố Đội Cấn không sáng."),
            attributes: vec![AttributeAnswer {
                code: "tinh_trang".into(),
                values: vec!["khong-sang".into()],
            }],
            lat: Some(21.0341),
            long: Some(105.8372),
            address: None,
            village: None,
            photo_ids: vec![prepared.id],
        })?;
    }
    let link = Shaper::start(server.addr(), profile, 2).await?;
    core.set_server_url(&link.url())?;
    let started = Instant::now();
    let mut drains = 0;
    let mut done = None;
    while started.elapsed() < options.budget {
        drains += 1;
        let report = core.drain(&|_| {}).await?;
        if report.failed_permanent > 0 {
            bail!("{tag} the server refused a report: {report:?}");
        }
        if report.pending == 0 {
            done = Some(mark(started, &link));
            break;
        }
        tokio::time::sleep(options.retry).await;
    }
    // Exactly once, asked of the server itself (not through the link).
    let list: Vec<serde_json::Value> = reqwest::get(format!(
        "{}/open311/v2/requests.json?service_code={SERVICE}",
        server.url()
    ))
    .await?
    .json()
    .await?;
    let mut seen = BTreeMap::<String, usize>::new();
    let mut with_photo = 0;
    for request in &list {
        let description = request["description"].as_str().unwrap_or_default();
        if description.starts_with(&tag) {
            *seen.entry(description.to_string()).or_default() += 1;
            if request["media_url"].as_str().is_some_and(|m| !m.is_empty()) {
                with_photo += 1;
            }
        }
    }
    Ok(Drained {
        profile,
        submissions: options.submissions,
        photo_bytes,
        done,
        drains,
        once: seen.values().filter(|n| **n == 1).count(),
        duplicates: seen.values().filter(|n| **n > 1).map(|n| n - 1).sum(),
        with_photo,
        cuts: link.stats().cuts.load(Ordering::SeqCst),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let server = TestServer::seeded().await?;
    let mut runs = Vec::new();
    let mut drained = Vec::new();
    // A phone photo as the app prepares it (1600×1200 JPEG, about 160 KB).
    let photo = congdan_tests::photos::synthetic_jpeg(4032, 3024, 92)?;
    for profile in &options.profiles {
        eprintln!("{}: {}", profile.name, describe(profile));
        if !options.skip_sync {
            let run = run(&server, *profile, &options).await?;
            eprintln!(
                "  [{}] done: catalogue {:?}, {} sync attempts, errors {:?}",
                profile.name, run.catalogue, run.attempts, run.errors
            );
            runs.push(run);
        }
        if options.submissions > 0 {
            let d = drain_run(&server, *profile, &options, &photo).await?;
            eprintln!(
                "  [{}] outbox: {:?} after {} drains; {} of {} once, {} duplicates, {} with photo",
                profile.name, d.done, d.drains, d.once, d.submissions, d.duplicates, d.with_photo
            );
            drained.push(d);
        }
    }
    let show = |m: Option<Mark>| m.map_or_else(|| "not reached".to_string(), |m| m.to_string());
    if !runs.is_empty() {
        print_sync_table(&runs, &options);
    }
    if !drained.is_empty() {
        println!();
        println!(
            "| profile | reports (photos) | outbox empty | drains | arrived once / duplicates / with photo | link cuts |"
        );
        println!("|---|---|---|---|---|---|");
        for d in &drained {
            println!(
                "| {} | {} ({:.0} KB) | {} | {} | {} / {} / {} | {} |",
                d.profile.name,
                d.submissions,
                d.photo_bytes as f64 / 1000.0,
                show(d.done),
                d.drains,
                d.once,
                d.duplicates,
                d.with_photo,
                d.cuts
            );
        }
    }
    Ok(())
}

fn print_sync_table(runs: &[Run], options: &Options) {
    let show = |m: Option<Mark>| m.map_or_else(|| "not reached".to_string(), |m| m.to_string());
    println!(
        "| profile | onboarding (provinces, communes, ward) | news usable | whole catalogue synced | second sync, nothing changed | sync attempts | errors | link: cuts / refused / retransmits |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for run in runs {
        let catalogue = match run.catalogue {
            Some(m) => m.to_string(),
            None => format!(
                "not reached in {} s ({} of 2,642 stored)",
                options.budget.as_secs(),
                run.procedures_stored
            ),
        };
        let errors = if run.errors.is_empty() {
            "none".to_string()
        } else {
            run.errors
                .iter()
                .map(|(code, n)| format!("{n}× {code}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unchanged = run.unchanged.map_or_else(
            || "—".to_string(),
            |(spent, requests)| format!("{spent}, {requests} requests"),
        );
        println!(
            "| {} ({}) | {} | {} | {} | {} | {} | {} | {} / {} / {} |",
            run.profile.name,
            describe(&run.profile),
            show(run.onboarding),
            show(run.news),
            catalogue,
            unchanged,
            run.attempts,
            errors,
            run.cuts,
            run.refused,
            run.retransmits
        );
    }
    for run in runs {
        print_pull_table(run);
    }
}

/// Per resource (by name): what its completed pulls cost
/// on average, and how often (and for how long) a failed sync stopped in it.
fn print_pull_table(run: &Run) {
    println!();
    println!(
        "{}: per resource (time and link bytes, both ways)",
        run.profile.name
    );
    println!();
    println!(
        "| resource | pulls completed | per completed pull | syncs stopped in it | time, bytes spent in those | changes they stored |"
    );
    println!("|---|---|---|---|---|---|");
    for (resource, t) in &run.pulls {
        let per = if t.completed == 0 {
            "—".to_string()
        } else {
            Mark {
                secs: t.completed_secs / f64::from(t.completed),
                bytes: t.completed_bytes / u64::from(t.completed),
            }
            .to_string()
        };
        println!(
            "| {resource} | {} | {per} | {} | {} | {} |",
            t.completed,
            t.stopped,
            Mark {
                secs: t.stopped_secs,
                bytes: t.stopped_bytes
            },
            t.stored
        );
    }
}
