//! congdan-app: the thin Tauri shell of Cổng Dân.
//!
//! It opens one [`congdan_core::Core`] per profile in `setup`, registers the
//! commands (one module per domain, each a single call into `congdan_core`),
//! and runs the background sync that tells the UI through events.
//! It holds no business logic: rules live in congdan-core, where they are tested.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

mod background;
mod commands;
mod error;
mod state;

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;

#[cfg(desktop)]
use desktop as platform;
#[cfg(mobile)]
use mobile as platform;

use tauri::Manager;

pub use error::UiError;
pub use state::AppState;

/// Builds and runs the app; the desktop `main` and the Android entry point both call it.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    platform::init_logging();
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let config = platform::profile_config(app.handle())?;
            let state = AppState::open(&config)?;
            background::start(app.handle().clone(), state.core.clone());
            background::watch_alerts(app.handle().clone(), state.core.clone());
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(error = %err, "app stopped with an error");
        std::process::exit(1);
    }
}

/// Registers every command, so `run` and the mock-runtime tests share one list.
fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        // settings
        commands::settings::get_home_unit,
        commands::settings::set_home_unit,
        commands::settings::list_villages,
        commands::settings::get_home_village,
        commands::settings::set_home_village,
        commands::settings::get_server_url,
        commands::settings::get_connection,
        commands::settings::set_server_url,
        commands::settings::media_usage,
        commands::settings::set_media_budget,
        commands::settings::clear_media,
        // units
        commands::units::list_provinces,
        commands::units::list_communes,
        // news
        commands::news::list_news,
        commands::news::get_news,
        commands::news::get_media,
        // alerts
        commands::alerts::list_alerts,
        commands::notifications::notify,
        // epidemic bulletins
        commands::bulletins::bulletins,
        // power cuts
        commands::outages::list_outages,
        commands::outages::outage_reminders,
        commands::outages::export_outages_ics,
        // procedures
        commands::procedures::search_procedures,
        commands::procedures::procedure_home,
        commands::procedures::procedure_facets,
        commands::procedures::get_procedure,
        commands::procedures::set_procedure_saved,
        commands::procedures::set_document_checked,
        // feedback and service requests
        commands::requests::list_services,
        commands::requests::get_service_definition,
        commands::requests::prepare_photo,
        commands::requests::submit_request,
        commands::requests::list_my_requests,
        commands::requests::get_my_request,
        commands::requests::rate_request,
        commands::requests::reopen_request,
        commands::requests::list_public_requests,
        commands::requests::support_request,
        // outbox
        commands::outbox::list_outbox,
        commands::outbox::drain_outbox,
        commands::outbox::retry_outbox,
        // sync
        commands::sync::sync_status,
        commands::sync::sync_now,
        commands::sync::get_data_saver,
        commands::sync::set_data_saver,
        // buses
        commands::bus::bus_status,
        commands::bus::bus_stops,
        commands::bus::bus_near,
        commands::bus::bus_departures,
        commands::bus::bus_route,
        commands::bus::bus_journey,
        commands::bus::set_bus_favourite,
        commands::bus::bus_favourites,
        // officials and announcements
        commands::officials::get_official_session,
        commands::officials::login,
        commands::officials::logout,
        commands::officials::list_announcements,
        commands::officials::refresh_announcements,
        commands::officials::ack_announcement,
        commands::officials::ack_for_household,
        commands::officials::official_announcements,
        commands::officials::draft_announcement,
        commands::officials::submit_announcement,
        commands::officials::approve_announcement,
        commands::officials::return_announcement,
        commands::officials::officer_inbox,
        commands::officials::answer_request,
        commands::officials::issue_alert,
        commands::officials::assign_request,
        commands::officials::announcement_households,
        commands::officials::export_announcement_ics,
        commands::officials::prepare_document,
        commands::officials::post_bulletin,
        commands::officials::save_announcement_file,
        commands::officials::share_announcement,
        commands::officials::official_reach,
    ])
}

#[cfg(test)]
mod tests;
