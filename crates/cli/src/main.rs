//! `congdan`: the Cổng Dân client core from a terminal.
//!
//! This file only wires things up: parse flags ([`flags`]), run the command
//! ([`commands`]) over `congdan_core::Core`, and pick the exit code: 0 on
//! success (and on a closed pipe, e.g. `congdan search x | head`), 2 on any
//! error, whose Vietnamese message goes to stderr.

mod bus;
mod commands;
mod flags;
mod official;

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    init_logging();
    match flags::parse().and_then(|config| commands::run(&config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let message = match err.downcast_ref::<congdan_core::Error>() {
                Some(core) => core.to_body().message,
                None => format!("{err:#}"),
            };
            let _ = writeln!(io::stderr(), "congdan: {message}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr, off unless `RUST_LOG` asks for them.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .init();
}

/// True when the error is stdout going away (the reader closed the pipe).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
