//! Generates the Tauri context and one `allow-<command>` permission per app command,
//! so capabilities can grant each window only the commands it uses.

/// Every command the shell registers; keep in step with `generate_handler!` in src/lib.rs.
const COMMANDS: &[&str] = &[
    "get_home_unit",
    "set_home_unit",
    "get_server_url",
    "get_connection",
    "set_server_url",
    "list_provinces",
    "list_communes",
    "list_news",
    "get_news",
    "get_media",
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
    "get_official_session",
    "login",
    "logout",
    "list_announcements",
    "refresh_announcements",
    "ack_announcement",
    "ack_for_household",
    "official_announcements",
    "draft_announcement",
    "submit_announcement",
    "approve_announcement",
    "return_announcement",
    "officer_inbox",
    "answer_request",
    "official_reach",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script: config, capabilities and icons must be valid");
}
