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
use congdan_server::storage::{Resource, SqliteStorage};

/// The Cổng Dân reference backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the content API; prints "listening on ADDR" once bound.
    Serve {
        /// SQLite database file (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Load units.csv, procedures.jsonl.gz and feeds/*.xml (national news) from DIR.
    Seed {
        /// SQLite database file (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Data directory, e.g. data/demo.
        dir: PathBuf,
    },
    /// Ingest one RSS/Atom/JSON feed (file path or http(s) URL) as news of a unit.
    IngestFeed {
        /// SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// Unit code the news is for; VN for national news.
        #[arg(long)]
        unit: String,
        /// Feed file or URL.
        source: String,
    },
    /// Create or update an officer account; the password is read from stdin
    /// (first line) or from --password-file.
    AddOfficer {
        /// SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Unit code the account is scoped to.
        #[arg(long)]
        unit: String,
        /// resident, village_head, editor, officer or admin.
        #[arg(long, default_value = "officer")]
        role: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// File whose first line is the password.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Delete one news item (clients drop it on their next sync).
    DeleteNews {
        /// SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// News item id.
        id: String,
    },
    /// Delete one procedure (clients drop it on their next sync).
    DeleteProcedure {
        /// SQLite database file.
        #[arg(long)]
        db: PathBuf,
        /// Procedure code.
        code: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
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

fn open(db: &std::path::Path) -> anyhow::Result<SqliteStorage> {
    SqliteStorage::open(db).with_context(|| format!("cannot open database {}", db.display()))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { db, listen } => {
            let state = AppState::new(Arc::new(open(&db)?));
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr().context("no local address")?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on {addr}")?;
            stdout.flush()?;
            drop(stdout);
            congdan_server::serve(listener, state, congdan_server::shutdown_signal())
                .await
                .context("server failed")?;
            tracing::info!("server stopped");
        }
        Command::Seed { db, dir } => {
            let storage = open(&db)?;
            let started = std::time::Instant::now();
            let report = commands::seed(&storage, &dir).await?;
            print!("{report}");
            println!("seeded in {:.2} s", started.elapsed().as_secs_f64());
        }
        Command::IngestFeed { db, unit, source } => {
            let storage = open(&db)?;
            let report = commands::ingest_feed(&storage, &unit, &FeedSource::parse(&source)).await;
            match report {
                Ok(report) => print!("{report}"),
                Err(e) => {
                    let e = anyhow::Error::from(e);
                    println!("feed not ingested, stored news unchanged: {e:#}");
                    return Err(e);
                }
            }
        }
        Command::AddOfficer {
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
            let storage = open(&db)?;
            congdan_server::accounts::add_account(
                &storage,
                &username,
                &password,
                &name,
                role,
                &unit,
                chrono::Utc::now(),
            )
            .await?;
            println!("account {username} saved");
        }
        Command::DeleteNews { db, id } => {
            commands::delete(&open(&db)?, Resource::News, &id).await?;
            println!("deleted news {id}");
        }
        Command::DeleteProcedure { db, code } => {
            commands::delete(&open(&db)?, Resource::Procedures, &code).await?;
            println!("deleted procedure {code}");
        }
    }
    Ok(())
}
