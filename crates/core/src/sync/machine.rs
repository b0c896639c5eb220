//! The I/O-free pull state machine of one resource.
//!
//! Given the stored cursor and ETag it says which request to send; given the
//! server's answer it says what to do: store a page (items, tombstones, the new
//! cursor, and the ETag only on the last page), fetch the next page, stop
//! (304, or `more = false`), or fail. It never touches the network or the
//! database, so tests drive it with recorded responses.

use congdan_protocol::Page;
use congdan_protocol::sync::DEFAULT_PAGE_LIMIT;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::store::sync_state::SyncState;

/// Safety valve: a pull that needs more pages than this is treated as a server bug.
const MAX_PAGES: u32 = 100_000;

/// One GET to send, relative to the server's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Resource name, for error context and logs ("units").
    pub resource: &'static str,
    /// Path below the base URL, e.g. `/api/v1/units`.
    pub path: String,
    /// Query parameters in order (`unit`, `since`, `limit`); `limit` is left
    /// out when it is the server's default, which every idle check saves.
    pub query: Vec<(&'static str, String)>,
    /// `If-None-Match` value (the stored ETag), only on a pull's first request.
    pub if_none_match: Option<String>,
}

/// What the server answered, reduced to what the machine needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The `ETag` header, if any.
    pub etag: Option<String>,
    /// The (decompressed) body.
    pub body: Vec<u8>,
}

/// A page to commit, in one transaction, together with its cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct PageToStore<T> {
    /// Items to insert or replace.
    pub items: Vec<T>,
    /// Keys to delete.
    pub deleted: Vec<String>,
    /// Cursor to record with this page.
    pub cursor: String,
    /// ETag to record: the response's ETag on the last page, `None` mid-pull.
    pub etag: Option<String>,
}

/// What the caller should do next.
#[derive(Debug)]
pub enum Instruction<T> {
    /// Send this request and feed the answer to [`Pull::on_response`].
    Fetch(Request),
    /// Commit this page with its cursor, then call [`Pull::on_stored`].
    Store(PageToStore<T>),
    /// The pull is complete; `not_modified` when the server said 304.
    Done {
        /// True when nothing changed since the stored ETag.
        not_modified: bool,
    },
    /// The pull failed; nothing of the failed response was stored.
    Fail(Error),
}

/// Failures compare by code and text, so decisions can be compared with expectations.
impl<T: PartialEq> PartialEq for Instruction<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Instruction::Fetch(a), Instruction::Fetch(b)) => a == b,
            (Instruction::Store(a), Instruction::Store(b)) => a == b,
            (Instruction::Done { not_modified: a }, Instruction::Done { not_modified: b }) => {
                a == b
            }
            (Instruction::Fail(a), Instruction::Fail(b)) => {
                a.code() == b.code() && a.to_string() == b.to_string()
            }
            _ => false,
        }
    }
}

/// Which resource is pulled, and in which scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Administrative units, scope "all".
    Units,
    /// The procedure catalogue, scope "all".
    Procedures,
    /// News of one home unit (scope = the unit code).
    News {
        /// Home unit code.
        unit: String,
    },
    /// The device's own service requests (`/api/v1/my/requests`, bearer
    /// token sent by the transport), scope "device".
    MyRequests,
    /// Planned power cuts of one home unit (scope = the unit code).
    Outages {
        /// Home unit code.
        unit: String,
    },
    /// CAP alerts of one home unit (scope = the unit code).
    Alerts {
        /// Home unit code.
        unit: String,
    },
    /// Epidemic bulletins of one home unit (scope = the unit code).
    Bulletins {
        /// Home unit code.
        unit: String,
    },
}

impl Resource {
    /// The resource name used in `sync_state`, progress and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Resource::Units => "units",
            Resource::Procedures => "procedures",
            Resource::News { .. } => "news",
            Resource::MyRequests => "my_requests",
            Resource::Outages { .. } => "outages",
            Resource::Alerts { .. } => "alerts",
            Resource::Bulletins { .. } => "bulletins",
        }
    }

    /// The path of the resource's change feed below the base URL.
    pub fn path(&self) -> &'static str {
        match self {
            Resource::Units => "/api/v1/units",
            Resource::Procedures => "/api/v1/procedures",
            Resource::News { .. } => "/api/v1/news",
            Resource::MyRequests => "/api/v1/my/requests",
            Resource::Outages { .. } => "/api/v1/outages",
            Resource::Alerts { .. } => "/api/v1/alerts",
            Resource::Bulletins { .. } => "/api/v1/bulletins",
        }
    }

    /// The `sync_state` scope.
    pub fn scope(&self) -> &str {
        match self {
            Resource::News { unit }
            | Resource::Outages { unit }
            | Resource::Alerts { unit }
            | Resource::Bulletins { unit } => unit,
            Resource::MyRequests => "device",
            _ => "all",
        }
    }
}

/// The pull state of one resource during one sync.
#[derive(Debug, Clone)]
pub struct Pull {
    resource: Resource,
    cursor: String,
    stored_etag: Option<String>,
    limit: u32,
    pages: u32,
    more: bool,
    /// Long poll: seconds the server may hold the first request (alerts only).
    wait: Option<u32>,
}

impl Pull {
    /// Starts a pull from the stored state, asking for pages of `limit` changes.
    pub fn new(resource: Resource, state: &SyncState, limit: u32) -> Pull {
        Pull {
            resource,
            cursor: state.cursor.clone(),
            stored_etag: state.etag.clone(),
            limit,
            pages: 0,
            more: true,
            wait: None,
        }
    }

    /// Makes the first request a long poll: with the stored ETag still
    /// current, the server holds it up to `seconds` until something changes.
    pub fn long_poll(mut self, seconds: u32) -> Pull {
        self.wait = Some(seconds);
        self
    }

    /// The resource being pulled.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// Asks for `limit` changes per page from the next request on (the page
    /// size follows the link, see [`super::pages`]).
    pub fn set_limit(&mut self, limit: u32) {
        self.limit = limit;
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The first instruction: fetch from the stored cursor, with the stored ETag.
    pub fn start<T>(&self) -> Instruction<T> {
        Instruction::Fetch(self.request(self.stored_etag.clone()))
    }

    /// The request for the current cursor.
    fn request(&self, if_none_match: Option<String>) -> Request {
        let mut query = Vec::with_capacity(3);
        if let Resource::News { unit }
        | Resource::Outages { unit }
        | Resource::Alerts { unit }
        | Resource::Bulletins { unit } = &self.resource
        {
            query.push(("unit", unit.clone()));
        }
        query.push(("since", self.cursor.clone()));
        if self.limit != DEFAULT_PAGE_LIMIT {
            query.push(("limit", self.limit.to_string()));
        }
        if let Some(wait) = self
            .wait
            .filter(|w| *w > 0 && self.pages == 0 && if_none_match.is_some())
        {
            query.push(("wait", wait.to_string()));
        }
        Request {
            resource: self.resource.name(),
            path: self.resource.path().to_string(),
            query,
            if_none_match,
        }
    }

    /// Decides what to do with the server's answer to the last request.
    pub fn on_response<T: DeserializeOwned>(&mut self, response: &Response) -> Instruction<T> {
        let resource = self.resource.name().to_string();
        match response.status {
            200 => self.accept_page(response, resource),
            304 => Instruction::Done { not_modified: true },
            404 if matches!(
                self.resource,
                Resource::News { .. }
                    | Resource::Outages { .. }
                    | Resource::Alerts { .. }
                    | Resource::Bulletins { .. }
            ) =>
            {
                Instruction::Fail(Error::NotFound {
                    what: "unit",
                    key: self.resource.scope().to_string(),
                })
            }
            status @ (401 | 403) if matches!(self.resource, Resource::MyRequests) => {
                // The server does not know this device (any more).
                Instruction::Fail(Error::Unauthorized {
                    resource: "my_requests",
                    status,
                })
            }
            status @ 500..=599 => Instruction::Fail(Error::ServerUnavailable { resource, status }),
            status => Instruction::Fail(Error::BadResponse {
                resource,
                reason: format!("unexpected HTTP status {status}"),
            }),
        }
    }

    /// Validates a 200 page and turns it into a store instruction.
    fn accept_page<T: DeserializeOwned>(
        &mut self,
        response: &Response,
        resource: String,
    ) -> Instruction<T> {
        let page: Page<T> = match serde_json::from_slice(&response.body) {
            Ok(page) => page,
            Err(e) => {
                return Instruction::Fail(Error::BadResponse {
                    resource,
                    reason: format!("unparseable page: {e}"),
                });
            }
        };
        if page.next.is_empty() {
            return Instruction::Fail(Error::BadResponse {
                resource,
                reason: "page without a cursor".into(),
            });
        }
        let stalled = page.more
            && page.next == self.cursor
            && page.items.is_empty()
            && page.deleted.is_empty();
        if stalled || self.pages >= MAX_PAGES {
            return Instruction::Fail(Error::BadResponse {
                resource,
                reason: "cursor does not advance".into(),
            });
        }
        self.pages += 1;
        self.more = page.more;
        self.cursor = page.next.clone();
        Instruction::Store(PageToStore {
            items: page.items,
            deleted: page.deleted,
            cursor: page.next,
            etag: if page.more {
                None
            } else {
                response.etag.clone()
            },
        })
    }

    /// Called after a page was committed: fetch the next page or finish.
    /// Later pages never send `If-None-Match`: the ETag names the whole
    /// resource, and a match mid-pull would stop it early.
    pub fn on_stored<T>(&self) -> Instruction<T> {
        if self.more {
            Instruction::Fetch(self.request(None))
        } else {
            Instruction::Done {
                not_modified: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Recorded server answers in, decisions out, compared with expectations
    //! written next to them (a golden file per scenario would hold the same).
    use super::*;
    use crate::ErrorCode;
    use congdan_protocol::{Unit, UnitLevel};

    fn ok(etag: &str, body: &str) -> Response {
        Response {
            status: 200,
            etag: Some(etag.into()),
            body: body.as_bytes().to_vec(),
        }
    }

    fn state(cursor: &str, etag: Option<&str>) -> SyncState {
        SyncState {
            cursor: cursor.into(),
            etag: etag.map(Into::into),
            ..SyncState::fresh("units", "all")
        }
    }

    fn fetch_of<T: std::fmt::Debug>(i: Instruction<T>) -> Request {
        match i {
            Instruction::Fetch(r) => r,
            other => panic!("expected fetch, got {other:?}"),
        }
    }

    #[test]
    fn the_default_page_size_is_not_spelled_out() {
        let pull = Pull::new(Resource::Units, &state("7", None), DEFAULT_PAGE_LIMIT);
        let req = fetch_of(pull.start::<Unit>());
        assert_eq!(req.query, [("since", "7".to_string())]);
    }

    #[test]
    fn first_pull_two_pages_then_done() {
        let mut pull = Pull::new(Resource::Units, &state("0", None), 2);
        let req = fetch_of(pull.start::<Unit>());
        assert_eq!(req.path, "/api/v1/units");
        assert_eq!(
            req.query,
            [("since", "0".to_string()), ("limit", "2".to_string())]
        );
        assert_eq!(req.if_none_match, None);

        let page1 = r#"{"items":[{"code":"01","name":"Thành phố Hà Nội","level":"province","parent":null,"kind":"Thành phố"}],"deleted":[],"next":"5","more":true}"#;
        let i = pull.on_response::<Unit>(&ok("W/\"units-9\"", page1));
        assert_eq!(
            i,
            Instruction::Store(PageToStore {
                items: vec![Unit {
                    code: "01".into(),
                    name: "Thành phố Hà Nội".into(),
                    level: UnitLevel::Province,
                    parent: None,
                    kind: "Thành phố".into()
                }],
                deleted: vec![],
                cursor: "5".into(),
                etag: None,
            })
        );
        let req = fetch_of(pull.on_stored::<Unit>());
        assert_eq!(req.query[0], ("since", "5".to_string()));
        assert_eq!(req.if_none_match, None, "no If-None-Match mid-pull");

        let page2 = r#"{"items":[],"deleted":["02"],"next":"9","more":false}"#;
        let i = pull.on_response::<Unit>(&ok("W/\"units-9\"", page2));
        assert_eq!(
            i,
            Instruction::Store(PageToStore {
                items: vec![],
                deleted: vec!["02".into()],
                cursor: "9".into(),
                etag: Some("W/\"units-9\"".into()),
            })
        );
        assert_eq!(
            pull.on_stored::<Unit>(),
            Instruction::Done {
                not_modified: false
            }
        );
        assert_eq!(pull.pages(), 2);
    }

    #[test]
    fn stored_etag_sent_and_304_is_done() {
        let mut pull = Pull::new(Resource::Units, &state("9", Some("W/\"units-9\"")), 200);
        let req = fetch_of(pull.start::<Unit>());
        assert_eq!(req.if_none_match.as_deref(), Some("W/\"units-9\""));
        let i = pull.on_response::<Unit>(&Response {
            status: 304,
            etag: None,
            body: vec![],
        });
        assert_eq!(i, Instruction::Done { not_modified: true });
    }

    #[test]
    fn only_the_first_request_of_an_alerts_pull_long_polls() {
        let unit = "00004".to_string();
        let state = state("7", Some("W/\"alerts-7\""));
        let mut pull = Pull::new(Resource::Alerts { unit }, &state, 50).long_poll(25);
        let req = fetch_of(pull.start::<()>());
        assert_eq!(req.path, "/api/v1/alerts");
        assert_eq!(req.query.last(), Some(&("wait", "25".to_string())));
        let page = br#"{"items":[],"deleted":[],"next":"8","more":true}"#.to_vec();
        let _ = pull.on_response::<()>(&Response {
            status: 200,
            etag: None,
            body: page,
        });
        let next = fetch_of(pull.on_stored::<()>());
        assert!(next.query.iter().all(|(k, _)| *k != "wait"), "{next:?}");
    }

    #[test]
    fn news_requests_carry_the_unit() {
        let pull = Pull::new(
            Resource::News {
                unit: "00004".into(),
            },
            &SyncState::fresh("news", "00004"),
            50,
        );
        let req = fetch_of(pull.start::<()>());
        assert_eq!(req.path, "/api/v1/news");
        assert_eq!(req.query[0], ("unit", "00004".to_string()));
    }

    fn fail_code(i: Instruction<Unit>) -> ErrorCode {
        match i {
            Instruction::Fail(e) => e.code(),
            other => panic!("expected failure, got {other:?}"),
        }
    }

    #[test]
    fn failures_are_classified() {
        let mut pull = Pull::new(Resource::Units, &state("0", None), 10);
        let r = |status: u16, body: &str| Response {
            status,
            etag: None,
            body: body.as_bytes().to_vec(),
        };
        assert_eq!(
            fail_code(pull.on_response(&r(503, ""))),
            ErrorCode::ServerUnavailable
        );
        assert_eq!(
            fail_code(pull.on_response(&r(500, "oops"))),
            ErrorCode::ServerUnavailable
        );
        assert_eq!(
            fail_code(pull.on_response(&r(200, "<html>"))),
            ErrorCode::BadResponse
        );
        assert_eq!(
            fail_code(pull.on_response(&r(400, "{}"))),
            ErrorCode::BadResponse
        );
        assert_eq!(
            fail_code(pull.on_response(&r(404, "{}"))),
            ErrorCode::BadResponse
        );
        assert_eq!(
            fail_code(pull.on_response(&r(
                200,
                r#"{"items":[],"deleted":[],"next":"","more":false}"#
            ))),
            ErrorCode::BadResponse
        );
        // A failed answer does not move the cursor.
        let req = fetch_of(pull.start::<Unit>());
        assert_eq!(req.query[0], ("since", "0".to_string()));
        let mut news = Pull::new(
            Resource::News {
                unit: "99999".into(),
            },
            &state("0", None),
            10,
        );
        assert_eq!(
            fail_code(news.on_response(&r(404, "{}"))),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn a_stalled_cursor_fails_instead_of_looping() {
        let mut pull = Pull::new(Resource::Units, &state("7", None), 10);
        let body = r#"{"items":[],"deleted":[],"next":"7","more":true}"#;
        assert_eq!(
            fail_code(pull.on_response(&ok("e", body))),
            ErrorCode::BadResponse
        );
    }

    /// A short replay of the `sync_page` fuzz corpus (issue 12): the first
    /// byte picks the resource, the rest is the body, as in the fuzz target;
    /// every input ends in a decision, and the real pages in it are stored.
    #[test]
    fn fuzz_corpus_replays_into_decisions() {
        use congdan_protocol::{NewsItem, Procedure};
        fn decide<T: DeserializeOwned>(resource: Resource, body: &[u8]) -> bool {
            let mut pull = Pull::new(resource, &SyncState::fresh("x", "all"), 100);
            let response = Response {
                status: 200,
                etag: Some("W/\"x\"".into()),
                body: body.to_vec(),
            };
            matches!(pull.on_response::<T>(&response), Instruction::Store(_))
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/sync_page");
        let mut stored = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let Some((&pick, body)) = bytes.split_first() else {
                continue;
            };
            stored += usize::from(match pick % 3 {
                0 => decide::<Unit>(Resource::Units, body),
                1 => decide::<NewsItem>(
                    Resource::News {
                        unit: "00004".into(),
                    },
                    body,
                ),
                _ => decide::<Procedure>(Resource::Procedures, body),
            });
        }
        assert!(
            stored >= 4,
            "the real pages of the corpus are stored ({stored})"
        );
    }
}
