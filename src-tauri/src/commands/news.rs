//! Commands for news (tin tức) and their cached images.

use crate::{AppState, UiError};
use congdan_core::{Media, NewsDetail, NewsList};
use tauri::State;

/// The home unit's news, newest first, with how fresh the cache is.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_news(state: State<'_, AppState>, limit: u32) -> Result<NewsList, UiError> {
    Ok(state.core.news(limit)?)
}

/// One article with its sanitized body.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_news(state: State<'_, AppState>, id: String) -> Result<NewsDetail, UiError> {
    Ok(state.core.news_item(&id)?)
}

/// A cached image as a data URL, or `null` when it was never downloaded.
#[tauri::command(async)]
#[tracing::instrument(skip(state, url), err(Debug))]
pub fn get_media(state: State<'_, AppState>, url: String) -> Result<Option<Media>, UiError> {
    Ok(state.core.media(&url)?)
}
