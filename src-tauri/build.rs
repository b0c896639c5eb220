//! Generates the Tauri context and one `allow-<command>` permission per app command,
//! so capabilities can grant each window only the commands it uses.

/// Every command the shell registers; keep in step with `generate_handler!` in src/lib.rs.
const COMMANDS: &[&str] = &[
    "get_home_unit",
    "set_home_unit",
    "get_server_url",
    "get_connection",
    "set_server_url",
    "media_usage",
    "set_media_budget",
    "clear_media",
    "list_provinces",
    "list_communes",
    "list_news",
    "get_news",
    "get_media",
    "list_alerts",
    "list_outages",
    "outage_reminders",
    "export_outages_ics",
    "search_procedures",
    "procedure_home",
    "procedure_facets",
    "get_procedure",
    "set_procedure_saved",
    "set_document_checked",
    "list_services",
    "get_service_definition",
    "prepare_photo",
    "submit_request",
    "list_my_requests",
    "get_my_request",
    "rate_request",
    "reopen_request",
    "list_public_requests",
    "support_request",
    "list_outbox",
    "drain_outbox",
    "retry_outbox",
    "sync_status",
    "sync_now",
    "get_data_saver",
    "set_data_saver",
    "bus_status",
    "bus_stops",
    "bus_near",
    "bus_departures",
    "bus_route",
    "bus_journey",
    "set_bus_favourite",
    "bus_favourites",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script: config, capabilities and icons must be valid");
}
