//! The authorization matrix (issue 10) against the real server binary: every
//! route the server registers (`congdan-server routes`) × every method × every
//! role of two communes, a province and the villages below, plus anonymous
//! callers and devices. A route or method without a rule here fails the test;
//! a rule whose route is gone fails it too.
//!
//! Expectations: without credentials an official route answers 401; with a
//! role the rule does not list, or a unit that does not cover the target, 403;
//! otherwise anything but 401/403 (200, 404, 409, … are the handler's business).

use std::collections::BTreeSet;

use congdan_protocol::requests::Role;
use congdan_tests::server::{TestServer, login};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use congdan_tests::server::DEMO_PASSWORD as PASSWORD;
/// The published demo announcement of 00004-01 and the one waiting for review
/// (`congdan_server::commands::demo`).
const PUBLISHED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a01";
const SUBMITTED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a02";
const AUTHOR: &str = "truongto1.badinh";

/// Officials: username, role, unit. The first six are `seed --demo`'s.
const ACCOUNTS: &[(&str, Role, &str)] = &[
    ("canbo.badinh", Role::Officer, "00004"),
    ("bientap.badinh", Role::Editor, "00004"),
    ("quantri.badinh", Role::Admin, "00004"),
    ("truongto1.badinh", Role::VillageHead, "00004-01"),
    ("truongto2.badinh", Role::VillageHead, "00004-02"),
    ("cudan.badinh", Role::Resident, "00004-01"),
    ("canbo.ngocha", Role::Officer, "00008"),
    ("bientap.ngocha", Role::Editor, "00008"),
    ("quantri.ngocha", Role::Admin, "00008"),
    ("truongthon.ngocha", Role::VillageHead, "00008-01"),
    ("quantri.hanoi", Role::Admin, "01"),
];

/// Parent of each unit the accounts and targets use.
fn parent(unit: &str) -> Option<&'static str> {
    match unit {
        "00004-01" | "00004-02" => Some("00004"),
        "00008-01" => Some("00008"),
        "00004" | "00008" => Some("01"),
        _ => None,
    }
}

fn covers(scope: &str, unit: &str) -> bool {
    let mut current = Some(unit);
    while let Some(u) = current {
        if u == scope {
            return true;
        }
        current = parent(u);
    }
    false
}

const DRAFTERS: &[Role] = &[Role::VillageHead, Role::Officer, Role::Admin];
const REVIEWERS: &[Role] = &[Role::Editor, Role::Admin];
const HANDLERS: &[Role] = &[Role::Officer, Role::Admin];
const OFFICIALS: &[Role] = &[Role::VillageHead, Role::Editor, Role::Officer, Role::Admin];

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone: no 401/403 without credentials.
    Public,
    /// A resident's device: 401 without its token.
    Device,
    /// A client app's Open311 key: 401 or 403 without it.
    ApiKey,
    /// A device token or an app key: 401 without either.
    DeviceOrKey,
    /// Any live session (logout): 401 without one, 204 with one.
    Session,
    /// Officials holding one of `roles` whose unit covers `unit` (when given).
    Official {
        roles: &'static [Role],
        unit: Option<&'static str>,
    },
    /// Officials holding one of `roles`, and only the author of `SUBMITTED`.
    Author { roles: &'static [Role] },
}

/// One method of one route, with a request that exercises it.
struct Case {
    method: Method,
    /// The registered path (axum syntax).
    route: &'static str,
    /// What to call (placeholders filled, query added).
    uri: String,
    body: Option<Value>,
    rule: Rule,
}

fn case(method: Method, route: &'static str, uri: &str, body: Option<Value>, rule: Rule) -> Case {
    Case {
        method,
        route,
        uri: uri.to_owned(),
        body,
        rule,
    }
}

/// The rules: every registered route must appear here with each method it answers.
fn cases(request_id: &str) -> Vec<Case> {
    use Rule::*;
    let fresh = || uuid();
    let draft = json!({"title": "Họp tổ", "body": "Tối thứ Sáu.", "units": ["00004-01"]});
    let ack = json!({"kind": "seen", "unit": "00004-01"});
    let proxy = json!({"kind": "going", "household": "Hộ bà Năm", "unit": "00004-01"});
    let official = |roles, unit| Official { roles, unit };
    vec![
        case(
            Method::GET,
            "/api/v1/health",
            "/api/v1/health",
            None,
            Public,
        ),
        case(Method::GET, "/api/v1/units", "/api/v1/units", None, Public),
        case(
            Method::GET,
            "/api/v1/units/{code}",
            "/api/v1/units/00004",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/provinces",
            "/api/v1/provinces",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/units/{code}/villages",
            "/api/v1/units/00004/villages",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/provinces/{code}/communes",
            "/api/v1/provinces/01/communes",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/news",
            "/api/v1/news?unit=00004",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/procedures",
            "/api/v1/procedures",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/procedures/search",
            "/api/v1/procedures/search?q=khai+sinh",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/procedures/bundle",
            "/api/v1/procedures/bundle",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/procedures/{code}",
            "/api/v1/procedures/1.000001",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/holidays",
            "/api/v1/holidays",
            None,
            Public,
        ),
        case(Method::GET, "/api/v1/bus", "/api/v1/bus", None, Public),
        case(
            Method::GET,
            "/api/v1/bus/{province}",
            "/api/v1/bus/79",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/outages",
            "/api/v1/outages?unit=00004",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/alerts",
            "/api/v1/alerts?unit=00004",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/alerts/{file}",
            "/api/v1/alerts/nope.cap",
            None,
            Public,
        ),
        case(
            Method::POST,
            "/api/v1/officer/outages",
            "/api/v1/officer/outages",
            Some(json!({
                "units": ["00004"],
                "area": "Tổ 3, phố Quán Thánh",
                "start": "2027-06-25T08:00:00+07:00",
                "end": "2027-06-25T11:00:00+07:00",
                "reason": "Thay trụ điện",
            })),
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::POST,
            "/api/v1/officer/alerts",
            "/api/v1/officer/alerts",
            Some(json!({
                "units": ["00004"],
                "category": "Met",
                "event": "Bão số 3",
                "urgency": "Immediate",
                "severity": "Severe",
                "certainty": "Likely",
                "headline": "Bão số 3 đổ bộ đêm nay",
                "description": "Gió giật cấp 12.",
                "instruction": "Ở trong nhà.",
                "expires": null,
            })),
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::GET,
            "/api/v1/bulletins",
            "/api/v1/bulletins?unit=00004",
            None,
            Public,
        ),
        case(
            Method::POST,
            "/api/v1/check",
            "/api/v1/check",
            Some(json!({"feeds": [
                {"resource": "news", "unit": "00004", "etag": "W/\"news-0\""},
                {"resource": "units", "etag": "W/\"units-0\""},
            ]})),
            Public,
        ),
        case(
            Method::POST,
            "/api/v1/officer/bulletins",
            "/api/v1/officer/bulletins",
            Some(json!({
                "date": "2026-01-05",
                "disease": "COVID-19",
                "cases": [{"unit": "00004", "new_cases": 3}],
                "places": [],
            })),
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::POST,
            "/api/v1/devices",
            "/api/v1/devices",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/my/requests",
            "/api/v1/my/requests",
            None,
            Device,
        ),
        case(
            Method::POST,
            "/api/v1/my/requests/claim",
            "/api/v1/my/requests/claim",
            Some(json!({"requests": []})),
            Device,
        ),
        case(
            Method::POST,
            "/api/v1/my/requests/{id}/rating",
            &format!("/api/v1/my/requests/{request_id}/rating"),
            Some(json!({"stars": 5})),
            Device,
        ),
        case(
            Method::POST,
            "/api/v1/my/requests/{id}/reopen",
            &format!("/api/v1/my/requests/{request_id}/reopen"),
            Some(json!({"reason": "Chưa sửa"})),
            Device,
        ),
        case(
            Method::POST,
            "/api/v1/requests/{id}/support",
            &format!("/api/v1/requests/{request_id}/support"),
            None,
            Device,
        ),
        case(
            Method::POST,
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            Some(json!({"username": "canbo.badinh", "password": PASSWORD})),
            Public,
        ),
        case(
            Method::POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout",
            None,
            Session,
        ),
        case(
            Method::GET,
            "/api/v1/official/audit",
            "/api/v1/official/audit",
            None,
            official(&[Role::Admin], None),
        ),
        case(
            Method::GET,
            "/api/v1/official/reach",
            "/api/v1/official/reach?unit=00004-01",
            None,
            official(OFFICIALS, Some("00004-01")),
        ),
        case(
            Method::GET,
            "/api/v1/officer/requests",
            "/api/v1/officer/requests?unit=00004",
            None,
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::POST,
            "/api/v1/officer/requests/{id}/status",
            &format!("/api/v1/officer/requests/{request_id}/status"),
            Some(json!({"status": "in_progress", "note": "Đã giao tổ"})),
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::POST,
            "/api/v1/officer/requests/{id}/assign",
            &format!("/api/v1/officer/requests/{request_id}/assign"),
            Some(json!({"assignee": "canbo.badinh"})),
            official(HANDLERS, Some("00004")),
        ),
        case(
            Method::GET,
            "/api/v1/announcements",
            "/api/v1/announcements?unit=00004-01",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/api/v1/announcements/{id}",
            &format!("/api/v1/announcements/{PUBLISHED}"),
            None,
            Public,
        ),
        case(
            Method::PUT,
            "/api/v1/announcements/{id}/ack",
            &format!("/api/v1/announcements/{PUBLISHED}/ack"),
            Some(ack),
            Device,
        ),
        case(
            Method::GET,
            "/api/v1/official/announcements",
            "/api/v1/official/announcements",
            None,
            official(OFFICIALS, None),
        ),
        case(
            Method::PUT,
            "/api/v1/official/announcements/{id}",
            // A fresh id per call is made in `call`; this one is for the method probe.
            &format!("/api/v1/official/announcements/{}", fresh()),
            Some(draft),
            official(DRAFTERS, Some("00004-01")),
        ),
        case(
            Method::POST,
            "/api/v1/official/announcements/{id}/submit",
            &format!("/api/v1/official/announcements/{SUBMITTED}/submit"),
            None,
            Author { roles: DRAFTERS },
        ),
        case(
            Method::POST,
            "/api/v1/official/announcements/{id}/return",
            &format!("/api/v1/official/announcements/{SUBMITTED}/return"),
            Some(json!({"comment": "Ghi rõ giờ."})),
            official(REVIEWERS, Some("00004-01")),
        ),
        case(
            Method::POST,
            "/api/v1/official/announcements/{id}/approve",
            &format!("/api/v1/official/announcements/{SUBMITTED}/approve"),
            None,
            official(REVIEWERS, Some("00004-01")),
        ),
        case(
            Method::PUT,
            "/api/v1/official/announcements/{id}/acks",
            &format!("/api/v1/official/announcements/{PUBLISHED}/acks"),
            Some(proxy),
            official(DRAFTERS, Some("00004-01")),
        ),
        case(
            Method::GET,
            "/api/v1/official/announcements/{id}/households",
            &format!("/api/v1/official/announcements/{SUBMITTED}/households"),
            None,
            Author { roles: DRAFTERS },
        ),
        case(
            Method::POST,
            "/api/v1/uploads",
            "/api/v1/uploads",
            None,
            DeviceOrKey,
        ),
        case(
            Method::PATCH,
            "/api/v1/uploads/{id}",
            &format!("/api/v1/uploads/{}", fresh()),
            None,
            // The unguessable upload id is the capability.
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/discovery.json",
            "/open311/v2/discovery.json",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/discovery.xml",
            "/open311/v2/discovery.xml",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/services.json",
            "/open311/v2/services.json",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/services.xml",
            "/open311/v2/services.xml",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/services/{file}",
            "/open311/v2/services/hoi-dap-thu-tuc.json",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/requests.json",
            "/open311/v2/requests.json",
            None,
            Public,
        ),
        case(
            Method::POST,
            "/open311/v2/requests.json",
            "/open311/v2/requests.json",
            None,
            ApiKey,
        ),
        case(
            Method::GET,
            "/open311/v2/requests.xml",
            "/open311/v2/requests.xml",
            None,
            Public,
        ),
        case(
            Method::POST,
            "/open311/v2/requests.xml",
            "/open311/v2/requests.xml",
            None,
            ApiKey,
        ),
        case(
            Method::GET,
            "/open311/v2/requests/{file}",
            &format!("/open311/v2/requests/{request_id}.json"),
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/tokens/{file}",
            "/open311/v2/tokens/nope.json",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/servicerequestupdates.json",
            "/open311/v2/servicerequestupdates.json",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/servicerequestupdates.xml",
            "/open311/v2/servicerequestupdates.xml",
            None,
            Public,
        ),
        case(
            Method::GET,
            "/open311/v2/media/{id}",
            &format!("/open311/v2/media/{}", fresh()),
            None,
            Public,
        ),
    ]
}

fn uuid() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "00000000-0000-4000-8000-{:012x}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The path of a route with every `{param}` as `x`, for the method probe.
fn probe_uri(route: &str) -> String {
    route
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "x".to_owned()
            } else {
                segment.replace("{file}", "x")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Caller {
    name: String,
    role: Option<Role>,
    unit: Option<&'static str>,
    token: Option<String>,
}

async fn call(
    client: &Client,
    base: &str,
    case: &Case,
    token: Option<&str>,
) -> (StatusCode, String) {
    // Each draft PUT gets its own id, so one caller's draft never makes another's a conflict.
    let uri = if case.route == "/api/v1/official/announcements/{id}" {
        format!("/api/v1/official/announcements/{}", uuid())
    } else {
        case.uri.clone()
    };
    let mut request = client.request(case.method.clone(), format!("{base}{uri}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = &case.body {
        request = request.json(body);
    }
    let answer = request.send().await.expect("the server answers");
    let status = answer.status();
    (status, answer.text().await.unwrap_or_default())
}

/// A request of unit 00004 through Open311 (with the demo key); its id.
async fn request_in_ba_dinh(client: &Client, base: &str) -> String {
    let form = [
        ("api_key", congdan_tests::DEMO_API_KEY),
        ("service_code", "hoi-dap-thu-tuc"),
        ("address_string", "12 Đội Cấn"),
        ("attribute[cau_hoi]", "Hồ sơ cần gì?"),
        ("unit", "00004"),
    ];
    congdan_tests::server::post_request(client, base, &form).await
}

fn expect_allowed(rule: Rule, caller: &Caller) -> bool {
    let (Some(role), Some(unit)) = (caller.role, caller.unit) else {
        return matches!(rule, Rule::Public);
    };
    match rule {
        Rule::Official {
            roles,
            unit: target,
        } => roles.contains(&role) && target.is_none_or(|t| covers(unit, t)),
        Rule::Author { roles } => roles.contains(&role) && caller.name == AUTHOR,
        // Sessions and non-official rules are checked on their own below.
        _ => true,
    }
}

#[tokio::test]
async fn every_route_checks_role_and_unit_for_every_account() {
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();

    // Commune B (Phường Ngọc Hà) with a village and an official of every role,
    // and a province admin, beside the demo officials of Ba Đình.
    let out = server
        .admin(&[
            "add-unit",
            "--code",
            "00008-01",
            "--name",
            "Tổ dân phố số 1",
            "--parent",
            "00008",
        ])
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password");
    std::fs::write(&password, PASSWORD).unwrap();
    for (username, role, unit) in &ACCOUNTS[6..] {
        let out = server
            .admin(&[
                "add-account",
                "--username",
                username,
                "--role",
                &role.as_str().replace('_', "-"),
                "--unit",
                unit,
                "--password-file",
                password.to_str().unwrap(),
            ])
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // The rules cover exactly the registered routes and the methods they answer.
    let routes = std::process::Command::new(congdan_tests::bin_path("congdan-server"))
        .arg("routes")
        .output()
        .unwrap();
    assert!(routes.status.success());
    let registered: BTreeSet<String> = String::from_utf8(routes.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(registered.len() > 30, "{registered:?}");
    let request_id = request_in_ba_dinh(&client, &base).await;
    let cases = cases(&request_id);
    let ruled: BTreeSet<String> = cases.iter().map(|c| c.route.to_owned()).collect();
    let unruled: Vec<_> = registered.difference(&ruled).collect();
    assert!(
        unruled.is_empty(),
        "routes without an authorization rule: {unruled:?}"
    );
    let stale: Vec<_> = ruled.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rules for routes the server no longer has: {stale:?}"
    );
    for route in &registered {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let has_rule = cases.iter().any(|c| c.route == route && c.method == method);
            let status = client
                .request(method.clone(), format!("{base}{}", probe_uri(route)))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(
                status != StatusCode::METHOD_NOT_ALLOWED,
                has_rule,
                "{method} {route} answered {status}; a rule exists: {has_rule}"
            );
        }
    }

    // Callers: anonymous, a device, every official with a live session.
    let device: Value = client
        .post(format!("{base}/api/v1/devices"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device = device["token"].as_str().unwrap().to_owned();
    let mut callers = vec![Caller {
        name: "anonymous".into(),
        role: None,
        unit: None,
        token: None,
    }];
    for (username, role, unit) in ACCOUNTS {
        callers.push(Caller {
            name: (*username).to_owned(),
            role: Some(*role),
            unit: Some(unit),
            token: Some(login(&client, &base, username).await),
        });
    }

    let mut checked = 0;
    for case in &cases {
        let what = format!("{} {}", case.method, case.uri);
        match case.rule {
            Rule::Device | Rule::DeviceOrKey => {
                let (status, body) = call(&client, &base, case, None).await;
                assert_eq!(status, 401, "{what} without a device: {body}");
                let (status, body) = call(&client, &base, case, Some(&device)).await;
                assert!(
                    status != 401 && status != 403,
                    "{what} with a device: {status} {body}"
                );
                checked += 2;
            }
            Rule::ApiKey => {
                let (status, body) = call(&client, &base, case, None).await;
                assert!(
                    status == 401 || status == 403,
                    "{what} without a key: {status} {body}"
                );
                checked += 1;
            }
            Rule::Session => {
                let (status, _) = call(&client, &base, case, None).await;
                assert_eq!(status, 401, "{what} anonymous");
                for (username, _, _) in ACCOUNTS {
                    let own = login(&client, &base, username).await;
                    let (status, body) = call(&client, &base, case, Some(&own)).await;
                    assert_eq!(status, 204, "{what} as {username}: {body}");
                    let (status, _) = call(&client, &base, case, Some(&own)).await;
                    assert_eq!(status, 401, "{what} twice as {username}");
                    checked += 2;
                }
            }
            Rule::Public | Rule::Official { .. } | Rule::Author { .. } => {
                for caller in &callers {
                    let (status, body) = call(&client, &base, case, caller.token.as_deref()).await;
                    let allowed = expect_allowed(case.rule, caller);
                    if allowed {
                        assert!(
                            status != 401 && status != 403,
                            "{what} as {}: expected allowed, got {status} {body}",
                            caller.name
                        );
                    } else if caller.token.is_none() {
                        assert_eq!(status, 401, "{what} anonymous: {body}");
                    } else {
                        assert_eq!(status, 403, "{what} as {}: {body}", caller.name);
                        let error: Value = serde_json::from_str(&body).unwrap();
                        assert_eq!(error["code"], "forbidden");
                        assert!(!error["message"].as_str().unwrap().is_empty(), "{body}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked} checks");

    // Refused calls changed nothing: every audit record was made by a caller
    // the rules allowed (or by the demo seed).
    let admin = login(&client, &base, "quantri.hanoi").await;
    let audit: Value = client
        .get(format!("{base}/api/v1/official/audit"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let writers: BTreeSet<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["username"].as_str().unwrap())
        .collect();
    let allowed_writers: BTreeSet<&str> = [
        "canbo.badinh",
        "bientap.badinh",
        "quantri.badinh",
        "truongto1.badinh",
        "quantri.hanoi",
        // `seed --demo` itself, for the demo epidemic bulletins of Hà Nội.
        "seed",
    ]
    .into();
    assert!(
        writers.is_subset(&allowed_writers),
        "audit records by {writers:?}"
    );
    assert!(writers.contains("truongto1.badinh"), "{audit}");
}

#[tokio::test]
async fn failed_logins_lock_an_account_and_an_address_with_retry_after() {
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();
    let attempt = |username: &str, password: &str| {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    for _ in 0..5 {
        let answer = attempt("bientap.badinh", "sai-mat-khau").await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    let answer = attempt("bientap.badinh", PASSWORD).await.unwrap();
    assert_eq!(answer.status(), 429);
    let wait: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "login_locked");
    // Other accounts still log in from this address (5 failures so far).
    assert_eq!(
        attempt("canbo.badinh", PASSWORD).await.unwrap().status(),
        200
    );
    // 15 more failures from this address, across unknown usernames, lock it.
    for i in 0..15 {
        let answer = attempt(&format!("khong-co-{i}"), "x").await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    let answer = attempt("quantri.badinh", PASSWORD).await.unwrap();
    assert_eq!(answer.status(), 429);
    assert!(answer.headers().contains_key("retry-after"));
}
