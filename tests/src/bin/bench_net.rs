//! Prints the slow-link figures of docs/BENCHMARKS.md (issue 12): per network profile,
//! the time and bytes from an empty device to news usable (the app's onboarding
//! included: provinces, the communes of one, choosing the ward) and to the whole
//! catalogue synced, through the shaping proxy, with the real server and client core.
//!
//! A sync that fails (a cut, a refused connection) is tried again after `--retry`
//! seconds, as a pull-to-refresh or a network-change trigger would; each run stops
//! after `--budget` seconds and reports how far it got.
//!
//! Run with `make bench-net`, or: `cargo build --release -p congdan-server -p congdan-tests
//! --bin congdan-server --bin congdan-bench-net && target/release/congdan-bench-net
//! [--profile 2g|3g|lossy|flapping]... [--budget SECONDS] [--retry SECONDS]`.

use anyhow::{Context, bail};
use congdan_core::{Core, SyncProgress};
use congdan_tests::server::TestServer;
use congdan_tests::shaper::{PROFILES, Profile, Shaper};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The ward every run chooses (Phường Ba Đình, Hà Nội).
const HOME_UNIT: &str = "00004";
/// Its province.
const HOME_PROVINCE: &str = "01";

struct Options {
    profiles: Vec<Profile>,
    budget: Duration,
    retry: Duration,
}

fn options() -> anyhow::Result<Options> {
    let mut profiles = Vec::new();
    let mut budget = Duration::from_secs(1200);
    let mut retry = Duration::from_secs(2);
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

struct Run {
    profile: Profile,
    onboarding: Option<Mark>,
    news: Option<Mark>,
    catalogue: Option<Mark>,
    procedures_stored: u32,
    attempts: u32,
    errors: BTreeMap<String, u32>,
    cuts: u64,
    refused: u64,
    retransmits: u64,
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
    let link = Shaper::start(server.addr(), profile, 1).await?;
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
                core.communes(HOME_PROVINCE).await
            })
            .await
        }
        None => None,
    };
    let home = match communes {
        Some(_) => {
            retrying(options, started, &mut errors, async || {
                core.set_home_unit(HOME_UNIT).await
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
    let progress = {
        let news = news.clone();
        let link = &link;
        move |p: SyncProgress| {
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
                let mut news = news.lock().unwrap_or_else(|e| e.into_inner());
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
            core.sync(&progress).await
        })
        .await
    } else {
        None
    };
    let catalogue = synced.map(|_| mark(started, &link));
    let procedures_stored = core
        .status()?
        .resources
        .into_iter()
        .find(|r| r.resource == "procedures")
        .map_or(0, |r| r.count);
    let news = *news.lock().unwrap_or_else(|e| e.into_inner());
    let stats = link.stats();
    Ok(Run {
        profile,
        onboarding,
        news,
        catalogue,
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let server = TestServer::seeded().await?;
    let mut runs = Vec::new();
    for profile in &options.profiles {
        eprintln!("{}: {}", profile.name, describe(profile));
        let run = run(&server, *profile, &options).await?;
        eprintln!(
            "  [{}] done: catalogue {:?}, {} sync attempts, errors {:?}",
            profile.name, run.catalogue, run.attempts, run.errors
        );
        runs.push(run);
    }
    let show = |m: Option<Mark>| m.map_or_else(|| "not reached".to_string(), |m| m.to_string());
    println!(
        "| profile | onboarding (provinces, communes, ward) | news usable | whole catalogue synced | sync attempts | errors | link: cuts / refused / retransmits |"
    );
    println!("|---|---|---|---|---|---|---|");
    for run in &runs {
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
        println!(
            "| {} ({}) | {} | {} | {} | {} | {} | {} / {} / {} |",
            run.profile.name,
            describe(&run.profile),
            show(run.onboarding),
            show(run.news),
            catalogue,
            run.attempts,
            errors,
            run.cuts,
            run.refused,
            run.retransmits
        );
    }
    Ok(())
}
