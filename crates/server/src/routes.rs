//! [`Routes`]: an axum router that remembers the path of every route it
//! registers, so that docs/openapi.json and the authorization tests are
//! checked against what the server really serves, not against a list kept by hand.

use axum::Router;
use axum::routing::MethodRouter;

use crate::AppState;

/// A router under construction and the full paths (axum template syntax)
/// registered in it so far.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Register `handler` at `path` (see [`Router::route`]).
    pub fn route(mut self, path: &str, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, handler);
        self.paths.push(path.to_owned());
        self
    }

    /// Add `other`'s routes beside these (see [`Router::merge`]).
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Serve `other`'s routes under `prefix` (see [`Router::nest`]).
    pub fn nest(mut self, prefix: &str, other: Routes) -> Self {
        self.router = self.router.nest(prefix, other.router);
        self.paths.extend(
            other
                .paths
                .into_iter()
                .map(|path| format!("{prefix}{path}")),
        );
        self
    }

    /// Change the router without adding routes: layers, fallbacks.
    pub fn map(mut self, change: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = change(self.router);
        self
    }

    /// The registered paths, in registration order.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The router, for the state and outer layers.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

impl std::fmt::Debug for Routes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Routes")
            .field("paths", &self.paths)
            .finish()
    }
}
