//! `congdan-server`: serve the content API, or fill its database (seed, ingest-feed,
//! delete-news, delete-procedure). Parses arguments, opens the database, calls the
//! library and prints; logs go to stderr, results to stdout.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use congdan_server::AppState;
use congdan_server::commands::{self, FeedSource};
use congdan_server::storage::{Database, Resource, Storage};

/// The Cổng Dân reference backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the content API; prints "listening on ADDR" once bound. Settings
    /// come from --config FILE, then CONGDAN_* variables, then these flags
    /// (see docs/OPERATIONS.md).
    Serve {
        /// TOML configuration file (docs/congdan-server.example.toml).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// SQLite database file (created if missing) or postgres:// URL; or
        /// CONGDAN_DB, or `database`.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Address to listen on; port 0 picks a free port (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Base URL clients reach this server at, e.g. https://congdan.example.vn
        /// (absolute links in Open311 answers start with it); default
        /// http://<listen address>.
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Load units.csv, procedures.jsonl.gz, feeds/*.xml (national news) and the bus
    /// networks listed in gtfs/networks.csv (`province,file`) from DIR.
    Seed {
        /// SQLite database file (created if missing) or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Data directory, e.g. data/demo.
        dir: PathBuf,
        /// A commune's own synonym lines (`alias<TAB>official<TAB>seen`), added
        /// to the dictionary that ships in data/search/synonyms.tsv (as is
        /// DIR/synonyms.tsv when present, so a re-seed keeps them).
        #[arg(long)]
        synonyms: Option<PathBuf>,
        /// Also create the demo officer (canbo.badinh), the demo Open311 key
        /// (congdan-demo-key), two tổ dân phố of Ba Đình with an account of
        /// every role and demo announcements. Never on a real deployment.
        #[arg(long)]
        demo: bool,
    },
    /// Ingest one RSS/Atom/JSON feed (file path or http(s) URL) as news of a unit.
    IngestFeed {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Unit code the news is for; VN for national news.
        #[arg(long)]
        unit: String,
        /// Feed file or URL.
        source: String,
    },
    /// Ingest a GTFS static zip as the bus network of a province. The feed is
    /// validated first; when it has errors they are listed (file, line, entry),
    /// the exit code is 1 and the stored network of that province stays served.
    IngestGtfs {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Province code, e.g. 79 for Thành phố Hồ Chí Minh.
        #[arg(long)]
        province: String,
        /// The GTFS zip.
        zip: PathBuf,
    },
    /// Ingest a planned power-cut schedule (an-giang-csv, an-giang-json or
    /// lam-dong-json, recognised from the content): new and changed cuts are
    /// stored, cuts the newer schedule no longer lists are cancelled. A file in
    /// an unknown layout is refused whole.
    IngestOutages {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Layout to insist on (an-giang-csv, an-giang-json, lam-dong-json).
        #[arg(long)]
        format: Option<String>,
        /// The schedule file.
        source: PathBuf,
    },
    /// Ingest one CAP 1.2 alert (file): checked against the CAP rules, matched to
    /// units by its `VN-unit` geocodes, kept byte for byte for `.cap`; prints its id.
    IngestCap {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// The CAP document.
        source: PathBuf,
    },
    /// Issue an alert for one unit (operators' scripts); prints the new alert's id.
    IssueAlert {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Unit code (a commune, or a province for all its communes).
        #[arg(long)]
        unit: String,
        /// What happens, e.g. "Bão số 3".
        #[arg(long)]
        event: String,
        /// Extreme, Severe, Moderate, Minor or Unknown.
        #[arg(long)]
        severity: String,
        /// Immediate, Expected, Future, Past or Unknown.
        #[arg(long)]
        urgency: String,
        /// Observed, Likely, Possible, Unlikely or Unknown.
        #[arg(long)]
        certainty: String,
        /// One-line headline.
        #[arg(long)]
        headline: String,
        /// CAP category (Geo, Met, Safety, Security, Rescue, Fire, Health, Env,
        /// Transport, Infra, CBRNE, Other).
        #[arg(long, default_value = "Safety")]
        category: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// What residents should do.
        #[arg(long, default_value = "")]
        instruction: String,
        /// When it stops being active (RFC 3339); none means until cancelled.
        #[arg(long)]
        expires: Option<String>,
        /// CAP sender.
        #[arg(long, default_value = "operator@congdan")]
        sender: String,
    },
    /// Create or update an official's account (the first admin too); the
    /// password is read from stdin (first line) or from --password-file.
    #[command(alias = "add-officer")]
    AddAccount {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Unit code the account is scoped to.
        #[arg(long)]
        unit: String,
        /// resident, village-head, editor, officer or admin.
        #[arg(long, default_value = "officer")]
        role: String,
        /// Display name (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// File whose first line is the password.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Print every route the server answers, one path a line, as the router
    /// registers them (the authorization matrix test reads this).
    Routes,
    /// Create (or rename) a village or tổ dân phố below a commune, so that
    /// accounts and residents can be scoped to it.
    AddUnit {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Code of the village, e.g. 00004-01 (letters, digits, '-').
        #[arg(long)]
        code: String,
        /// Name with its type word, e.g. "Tổ dân phố số 1".
        #[arg(long)]
        name: String,
        /// Code of the commune or ward it belongs to.
        #[arg(long)]
        parent: String,
    },
    /// Manage the Open311 API keys of client apps (one per app).
    ApiKey {
        /// What to do.
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Delete one news item (clients drop it on their next sync).
    DeleteNews {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// News item id.
        id: String,
    },
    /// Delete one procedure (clients drop it on their next sync).
    DeleteProcedure {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Procedure code.
        code: String,
    },
    /// Public holidays and day swaps the deadlines skip.
    #[command(subcommand)]
    Holidays(HolidaysCommand),
    /// Bring the database up to this binary's schema and exit (every other
    /// verb also does it first); refuses a database written by a newer server.
    Migrate {
        /// SQLite database file (created if missing) or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
    },
    /// Move a commune's SQLite database into an empty PostgreSQL database, every
    /// row as it was (ids, sequence numbers, tombstones), so that clients'
    /// ETags and cursors stay valid. Stop the server on FROM first.
    Copy {
        /// SQLite database file.
        #[arg(long)]
        from: PathBuf,
        /// postgres:// URL of an empty database (the schema is created).
        #[arg(long)]
        to: String,
    },
    /// Copy the database to OUT while the server keeps serving (SQLite online
    /// backup); restore by copying OUT back with the server stopped.
    Backup {
        /// SQLite database file (a PostgreSQL database is backed up with pg_dump).
        #[arg(long)]
        db: PathBuf,
        /// Backup file to write (replaced if it exists).
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum HolidaysCommand {
    /// Import a holiday CSV (date,kind,name,status,source): the years it lists
    /// replace those years; e.g. data/holidays/vn.csv.
    Import {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// The CSV file.
        csv: PathBuf,
    },
    /// List the stored days off and swapped working days.
    List {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// Only this year.
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Make a key for the client app NAME and print it (only this once).
    Add {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// The app's name: lowercase letters, digits, '.', '_', '-'.
        #[arg(long)]
        name: String,
    },
    /// List keys: name, fingerprint (as the app's Settings show it), created,
    /// last used; never the key.
    List {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
    },
    /// Revoke the key NAME: requests with it are refused from now on.
    Revoke {
        /// SQLite database file or postgres:// URL.
        #[arg(long)]
        db: PathBuf,
        /// The app's name.
        name: String,
    },
}

fn main() -> ExitCode {
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr);
    // RUST_LOG's directives when it is set and valid; else INFO for every
    // target through a plain level filter, the same lines as an `info`
    // EnvFilter without the shared lock it takes each time a request's span
    // is entered or left (issue 12).
    match tracing_subscriber::EnvFilter::try_from_default_env() {
        Ok(filter) => logs.with_env_filter(filter).init(),
        Err(_) => logs.with_max_level(tracing::Level::INFO).init(),
    }
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The database `--db` names (a SQLite file, or a `postgres://` URL), migrated.
async fn open(db: &std::path::Path) -> anyhow::Result<Arc<dyn Storage>> {
    let db = Database::parse(db);
    db.open()
        .await
        .with_context(|| format!("cannot open database {db}"))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            config,
            db,
            listen,
            public_url,
        } => {
            let settings = congdan_server::config::resolve(
                congdan_server::config::Flags {
                    config,
                    listen,
                    database: db,
                    public_url,
                },
                &|name| std::env::var(name).ok(),
            )?;
            let storage = open(&settings.database).await?;
            commands::holidays::add_missing_builtin_years(storage.as_ref()).await?;
            if let Some(unit) = &settings.default_unit
                && storage.unit(unit.clone()).await?.is_none()
            {
                anyhow::bail!(
                    "bad default_unit: {unit} is not a unit in {} (seed the units first)",
                    Database::parse(&settings.database)
                );
            }
            let listen = &settings.listen;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr().context("no local address")?;
            let config = settings.server_config(addr);
            tracing::info!(public_url = %config.public_url, "public base URL");
            let state = AppState::new(storage).with_config(config);
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on {addr}")?;
            stdout.flush()?;
            drop(stdout);
            congdan_server::serve(listener, state, congdan_server::shutdown_signal())
                .await
                .context("server failed")?;
            tracing::info!("server stopped");
        }
        Command::Seed {
            db,
            dir,
            synonyms,
            demo,
        } => {
            let dictionary = commands::synonyms(&dir, synonyms.as_deref())?;
            let storage = open(&db).await?;
            let started = std::time::Instant::now();
            let report = commands::seed(storage.as_ref(), &dir, &dictionary).await?;
            print!("{report}");
            for bus in commands::bus::seed_networks(storage.as_ref(), &dir).await? {
                print!("{bus}");
            }
            if demo {
                commands::seed_demo(storage.as_ref()).await?;
                println!(
                    "demo: officer {} and Open311 key {} (demo data only)",
                    congdan_server::accounts::DEMO_USERNAME,
                    congdan_server::api_keys::DEMO_API_KEY
                );
                for (username, _, role, unit) in commands::demo::DEMO_ACCOUNTS {
                    println!("demo: {} {username} of {unit}", role.as_str());
                }
            }
            println!("seeded in {:.2} s", started.elapsed().as_secs_f64());
        }
        Command::IngestFeed { db, unit, source } => {
            let storage = open(&db).await?;
            let report =
                commands::ingest_feed(storage.as_ref(), &unit, &FeedSource::parse(&source)).await;
            match report {
                Ok(report) => print!("{report}"),
                Err(e) => {
                    let e = anyhow::Error::from(e);
                    println!("feed not ingested, stored news unchanged: {e:#}");
                    return Err(e);
                }
            }
        }
        Command::IngestGtfs { db, province, zip } => {
            let storage = open(&db).await?;
            match commands::bus::ingest_gtfs(storage.as_ref(), &province, &zip).await {
                Ok(report) => print!("{report}"),
                Err(e) => {
                    println!("{e}");
                    return Err(anyhow::Error::from(e));
                }
            }
        }
        Command::IngestOutages { db, format, source } => {
            use congdan_sources::outages::{Format, MAX_SCHEDULE_BYTES};
            let format = match format {
                Some(name) => Some(Format::from_name(&name).with_context(|| {
                    format!("unknown format {name} (an-giang-csv, an-giang-json, lam-dong-json)")
                })?),
                None => None,
            };
            let storage = open(&db).await?;
            let bytes = commands::read_source(&source, MAX_SCHEDULE_BYTES).await?;
            match congdan_server::outages::ingest(storage.as_ref(), bytes, format).await {
                Ok(report) => print!("{}: {report}", source.display()),
                Err(e) => {
                    let e = anyhow::Error::from(e);
                    println!(
                        "{}: schedule not ingested, stored cuts unchanged: {e:#}",
                        source.display()
                    );
                    return Err(e);
                }
            }
        }
        Command::IngestCap { db, source } => {
            use congdan_sources::cap::MAX_CAP_BYTES;
            let storage = open(&db).await?;
            let bytes = commands::read_source(&source, MAX_CAP_BYTES).await?;
            match congdan_server::alerts::ingest(storage.as_ref(), bytes, chrono::Utc::now()).await
            {
                Ok(report) => {
                    println!("{}", report.id);
                    eprintln!(
                        "{}: {} units (by geocode), {} rows written, signature {}",
                        source.display(),
                        report.units.len(),
                        report.counts.inserted + report.counts.updated,
                        if report.signed {
                            "present, not verified"
                        } else {
                            "none"
                        }
                    );
                }
                Err(e) => {
                    let e = anyhow::Error::from(e);
                    println!(
                        "{}: alert not ingested, nothing stored: {e:#}",
                        source.display()
                    );
                    return Err(e);
                }
            }
        }
        Command::IssueAlert {
            db,
            unit,
            event,
            severity,
            urgency,
            certainty,
            headline,
            category,
            description,
            instruction,
            expires,
            sender,
        } => {
            use congdan_protocol::{AlertInput, Category, Certainty, Severity, Urgency};
            let input = AlertInput {
                units: vec![unit],
                category: Category::parse(&category)
                    .with_context(|| format!("unknown category {category}"))?,
                event,
                urgency: Urgency::parse(&urgency)
                    .with_context(|| format!("unknown urgency {urgency}"))?,
                severity: Severity::parse(&severity)
                    .with_context(|| format!("unknown severity {severity}"))?,
                certainty: Certainty::parse(&certainty)
                    .with_context(|| format!("unknown certainty {certainty}"))?,
                headline,
                description,
                instruction,
                expires: expires
                    .map(|text| {
                        chrono::DateTime::parse_from_rfc3339(&text)
                            .with_context(|| format!("--expires {text} is not RFC 3339"))
                    })
                    .transpose()?,
            };
            let issuer = congdan_server::alerts::Issuer {
                name: sender.clone(),
                sender,
            };
            let report = congdan_server::alerts::issue(
                open(&db).await?.as_ref(),
                input,
                &issuer,
                chrono::Utc::now(),
            )
            .await?;
            println!("{}", report.id);
        }
        Command::ApiKey { command } => api_key(command).await?,
        Command::AddAccount {
            db,
            username,
            unit,
            role,
            name,
            password_file,
        } => {
            let role = congdan_protocol::requests::Role::parse(&role)
                .with_context(|| format!("unknown role {role}"))?;
            let text = match password_file {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("cannot read the password from stdin")?;
                    line
                }
            };
            let password = text.lines().next().unwrap_or("").to_owned();
            let storage = open(&db).await?;
            if storage.unit(unit.trim().to_owned()).await?.is_none()
                && storage.village(unit.trim().to_owned()).await?.is_none()
            {
                anyhow::bail!("unknown unit {unit}: seed the units or add the village first");
            }
            let name = name.unwrap_or_else(|| username.clone());
            congdan_server::accounts::add_account(
                storage.as_ref(),
                &username,
                &password,
                &name,
                role,
                &unit,
                chrono::Utc::now(),
            )
            .await?;
            println!("account {username} saved (its open sessions were ended)");
        }
        Command::Routes => {
            for path in congdan_server::routes() {
                println!("{path}");
            }
        }
        Command::AddUnit {
            db,
            code,
            name,
            parent,
        } => {
            let unit = commands::add_unit(open(&db).await?.as_ref(), &code, &name, &parent).await?;
            println!("unit {} saved: {} (below {parent})", unit.code, unit.name);
        }
        Command::DeleteNews { db, id } => {
            commands::delete(open(&db).await?.as_ref(), Resource::News, &id).await?;
            println!("deleted news {id}");
        }
        Command::DeleteProcedure { db, code } => {
            commands::delete(open(&db).await?.as_ref(), Resource::Procedures, &code).await?;
            println!("deleted procedure {code}");
        }
        Command::Holidays(HolidaysCommand::Import { db, csv }) => {
            let done = commands::holidays::import(open(&db).await?.as_ref(), &csv).await?;
            println!("imported {} days for {} years", done.days, done.years);
        }
        Command::Holidays(HolidaysCommand::List { db, year }) => {
            for day in commands::holidays::list(open(&db).await?.as_ref(), year).await? {
                let (date, kind, status) = (day.date, day.kind.as_str(), &day.status);
                println!("{date}\t{kind}\t{status}\t{}\t{}", day.name, day.source);
            }
        }
        Command::Copy { from, to } => {
            let report = congdan_server::storage::copy::copy_sqlite_to_postgres(&from, &to)
                .await
                .with_context(|| {
                    format!(
                        "cannot copy {} to {}",
                        from.display(),
                        Database::Postgres(to.clone())
                    )
                })?;
            print!("{report}");
        }
        Command::Migrate { db } => {
            let db_name = Database::parse(&db);
            open(&db).await?;
            println!("{db_name}: schema up to date");
        }
        Command::Backup { db, out } => {
            if let Database::Postgres(_) = Database::parse(&db) {
                anyhow::bail!(
                    "backup copies a SQLite file; back up a PostgreSQL database with pg_dump \
                     (docs/OPERATIONS.md)"
                );
            }
            let report = tokio::task::spawn_blocking(move || commands::backup::backup(&db, &out))
                .await
                .context("backup task failed")??;
            println!(
                "backup written: {} pages, {} bytes",
                report.pages, report.bytes
            );
        }
    }
    Ok(())
}

async fn api_key(command: ApiKeyCommand) -> anyhow::Result<()> {
    use congdan_server::api_keys;
    match command {
        ApiKeyCommand::Add { db, name } => {
            let key = api_keys::add(open(&db).await?.as_ref(), &name, chrono::Utc::now()).await?;
            println!("{key}");
            eprintln!("key {name} saved; it is shown only this once: give it to the app's builder");
        }
        ApiKeyCommand::List { db } => {
            for key in api_keys::list(open(&db).await?.as_ref()).await? {
                let used = key
                    .last_used_at
                    .map_or_else(|| "never".to_owned(), |at| at.to_rfc3339());
                println!(
                    "{}\tfingerprint {}\tcreated {}\tlast used {used}",
                    key.name,
                    key.fingerprint,
                    key.created_at.to_rfc3339()
                );
            }
        }
        ApiKeyCommand::Revoke { db, name } => {
            api_keys::revoke(open(&db).await?.as_ref(), &name).await?;
            println!("key {name} revoked");
        }
    }
    Ok(())
}
