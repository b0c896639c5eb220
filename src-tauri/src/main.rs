// Hides the console window on Windows release builds; the binary only starts the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    congdan_app::run();
}
