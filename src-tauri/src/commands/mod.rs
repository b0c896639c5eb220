//! Tauri commands, one module per domain. Each command is one call into `congdan_core`.

pub mod alerts;
pub mod bulletins;
pub mod bus;
pub mod news;
pub mod notifications;
pub mod officials;
pub mod outages;
pub mod outbox;
pub mod procedures;
pub mod requests;
pub mod settings;
pub mod sync;
pub mod units;
