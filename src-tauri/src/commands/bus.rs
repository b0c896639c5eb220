//! Commands for buses (xe buýt): stops, departures, routes, journeys, favourites and
//! the stored network's freshness. Everything reads the network stored on the device.

use crate::{AppState, UiError};
use congdan_core::{
    BusDepartures, BusFavourite, BusJourney, BusRoute, BusStatus, BusStop, JourneyOptions,
};
use tauri::State;

/// Which network is stored and when it was updated.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn bus_status(state: State<'_, AppState>) -> Result<BusStatus, UiError> {
    Ok(state.core.bus_status()?)
}

/// Stops by name, code or street, with or without diacritics.
#[tauri::command(async)]
#[tracing::instrument(skip(state, query), err(Debug))]
pub fn bus_stops(state: State<'_, AppState>, query: String) -> Result<Vec<BusStop>, UiError> {
    Ok(state.core.bus_stops(&query)?)
}

/// The stops nearest to a point.
#[tauri::command(async)]
#[tracing::instrument(skip(state, lat, lon), err(Debug))]
pub fn bus_near(
    state: State<'_, AppState>,
    lat: f64,
    lon: f64,
    limit: usize,
) -> Result<Vec<BusStop>, UiError> {
    Ok(state.core.bus_near(lat, lon, limit)?)
}

/// The next departures from a stop.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn bus_departures(
    state: State<'_, AppState>,
    stop_id: String,
    at: Option<String>,
    limit: usize,
) -> Result<BusDepartures, UiError> {
    Ok(state.core.bus_departures(&stop_id, at.as_deref(), limit)?)
}

/// A route page.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn bus_route(
    state: State<'_, AppState>,
    route_id: String,
    at: Option<String>,
) -> Result<BusRoute, UiError> {
    Ok(state.core.bus_route(&route_id, at.as_deref())?)
}

/// Journeys between two stops.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn bus_journey(
    state: State<'_, AppState>,
    from: String,
    to: String,
    options: JourneyOptions,
) -> Result<Vec<BusJourney>, UiError> {
    Ok(state.core.bus_journey(&from, &to, &options)?)
}

/// Saves or removes a favourite stop or journey.
#[tauri::command(async)]
#[tracing::instrument(skip(state, label), err(Debug))]
pub fn set_bus_favourite(
    state: State<'_, AppState>,
    kind: String,
    key: String,
    label: String,
    on: bool,
) -> Result<(), UiError> {
    Ok(state.core.set_bus_favourite(&kind, &key, &label, on)?)
}

/// Favourite stops and journeys.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn bus_favourites(state: State<'_, AppState>) -> Result<Vec<BusFavourite>, UiError> {
    Ok(state.core.bus_favourites()?)
}
