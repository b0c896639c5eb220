//! Commands for epidemic bulletins (bản tin dịch bệnh): the home unit's latest
//! figures, trend and vaccination places.

use crate::{AppState, UiError};
use congdan_core::BulletinView;
use tauri::State;

/// The bulletin view; places nearest first when the UI passes where the
/// resident is (`lat` and `lon` in degrees, both or neither).
#[tauri::command(async)]
#[tracing::instrument(skip(state, lat, lon), err(Debug))]
pub fn bulletins(
    state: State<'_, AppState>,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<BulletinView, UiError> {
    Ok(state.core.bulletins(lat.zip(lon), None)?)
}
