//! Generates the Tauri context and one `allow-<command>` permission per app command,
//! so capabilities can grant each window only the commands it uses.

/// Every command the shell registers; keep in step with `generate_handler!` in src/lib.rs.
const COMMANDS: &[&str] = &[
    "get_home_unit",
    "set_home_unit",
    "list_provinces",
    "list_communes",
    "list_news",
    "get_news",
    "get_media",
    "search_procedures",
    "procedure_facets",
    "get_procedure",
    "set_document_checked",
    "sync_status",
    "sync_now",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script: config, capabilities and icons must be valid");
}
