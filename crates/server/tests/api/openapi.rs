//! docs/openapi.json against the router: every served route is documented, every
//! documented GET answers 200 with a body that has the schema's required fields.

use serde_json::Value;

use tower::ServiceExt;

use crate::support::{alert_input, bulletin_input, news, outage, procedure, test_app};

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').unwrap();
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference}")),
            )
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

/// A small subset of JSON Schema: $ref, type, required, properties, items, enum, const.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    match schema.get("type") {
        Some(Value::String(name)) => assert!(type_matches(name, value), "{at}: not {name}"),
        Some(Value::Array(names)) => assert!(
            names
                .iter()
                .any(|n| type_matches(n.as_str().unwrap(), value)),
            "{at}: not any of {names:?}"
        ),
        _ => {}
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        assert!(allowed.contains(value), "{at}: {value} not in enum");
    }
    if let Some(constant) = schema.get("const") {
        assert_eq!(constant, value, "{at}");
    }
    if let (Some(object), Some(required)) = (
        value.as_object(),
        schema.get("required").and_then(Value::as_array),
    ) {
        for key in required {
            let key = key.as_str().unwrap();
            assert!(object.contains_key(key), "{at}: missing required `{key}`");
        }
    }
    if let (Some(object), Some(properties)) = (
        value.as_object(),
        schema.get("properties").and_then(Value::as_object),
    ) {
        for (key, property) in properties {
            if let Some(field) = object.get(key) {
                validate(doc, property, field, &format!("{at}.{key}"));
            }
        }
    }
    if let (Some(items), Some(item_schema)) = (value.as_array(), schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            validate(doc, item_schema, item, &format!("{at}[{index}]"));
        }
    }
}

/// The concrete paths a documented template stands for: Open311's `{format}`
/// is `json` or `xml`.
fn expansions(template: &str) -> Vec<String> {
    if template.contains("{format}") {
        ["json", "xml"]
            .iter()
            .map(|format| template.replace("{format}", format))
            .collect()
    } else {
        vec![template.to_owned()]
    }
}

/// Whether the router's `served` path (axum syntax: a `{name}` segment takes
/// a whole segment) answers the documented `path`.
fn serves(served: &str, path: &str) -> bool {
    let served: Vec<&str> = served.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    served.len() == path.len()
        && served
            .iter()
            .zip(&path)
            .all(|(s, p)| s == p || (s.starts_with('{') && s.ends_with('}')))
}

#[test]
fn every_route_the_router_registers_is_documented_and_nothing_else() {
    let doc = document();
    let served = congdan_server::routes();
    assert!(served.len() > 20, "{served:?}");
    let documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .flat_map(|template| expansions(template))
        .collect();
    for path in &documented {
        assert!(
            served.iter().any(|s| serves(s, path)),
            "docs/openapi.json documents {path}, which the router does not serve"
        );
    }
    for route in &served {
        assert!(
            documented.iter().any(|path| serves(route, path)),
            "the router serves {route}, which docs/openapi.json does not document"
        );
    }
}

/// `path` with each `{parameter}` replaced by `x`.
fn placeholders(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('x');
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every documented method of every documented path reaches a handler, and no
/// other method does (the router answers those 405).
#[tokio::test]
async fn the_router_answers_exactly_the_documented_methods() {
    let t = test_app().await;
    let doc = document();
    let methods = ["get", "post", "put", "patch", "delete"];
    for (template, item) in doc["paths"].as_object().unwrap() {
        for path in expansions(template) {
            // Path parameters get a placeholder: routing does not look at them.
            let uri = placeholders(&path);
            for method in methods {
                let request = axum::http::Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(&uri)
                    .body(axum::body::Body::empty())
                    .unwrap();
                let status = t.app.clone().oneshot(request).await.unwrap().status();
                let documented = item.get(method).is_some();
                assert_eq!(
                    status == 405,
                    !documented,
                    "{method} {uri}: answered {status}, documented: {documented}"
                );
            }
        }
    }
}

/// The request URI of a documented GET, filled from its parameters' examples.
fn example_uri(path: &str, operation: &Value) -> String {
    let mut uri = path.to_owned();
    let mut query = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().unwrap();
        let example = parameter.get("example").and_then(Value::as_str);
        match parameter["in"].as_str().unwrap() {
            "path" => {
                uri = uri.replace(&format!("{{{name}}}"), example.expect("path example"));
            }
            "query" if parameter["required"] == true => {
                query.push(format!(
                    "{name}={}",
                    example.expect("required query example")
                ));
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    uri
}

#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let t = test_app().await;
    t.seed_units().await;
    t.storage
        .upsert_procedures(vec![procedure("1.000001", "Đăng ký khai sinh")])
        .await
        .unwrap();
    t.storage.upsert_news(vec![news("n1", "VN")]).await.unwrap();
    t.storage
        .upsert_outages(vec![outage("s1", "00001", 8)])
        .await
        .unwrap();
    congdan_server::alerts::issue(
        t.storage.as_ref(),
        alert_input("00001"),
        &congdan_server::alerts::Issuer {
            sender: "test@congdan".to_owned(),
            name: "Test".to_owned(),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    congdan_server::bulletins::store(
        t.storage.as_ref(),
        bulletin_input("00001"),
        &congdan_server::bulletins::Issuer {
            unit: "01".to_owned(),
            name: "Đơn vị 01".to_owned(),
        },
        congdan_server::storage::audit::AuditRecord {
            at: chrono::Utc::now(),
            username: "test".to_owned(),
            role: congdan_protocol::Role::Officer,
            unit: "01".to_owned(),
            action: congdan_server::bulletins::AUDIT_ACTION,
            target: String::new(),
            detail: String::new(),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    let form = "api_key=congdan-demo-key&service_code=hoi-dap-thu-tuc&address_string=x&attribute[cau_hoi]=y";
    let created = t
        .app
        .clone()
        .oneshot(
            axum::http::Request::post("/open311/v2/requests.json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let operation = &item["get"];
        // Only public JSON GETs with examples for every path parameter are replayed here;
        // the others are exercised in `open311.rs`.
        let replayable = operation.is_object()
            && operation.get("security").is_none()
            && operation["responses"]["200"]["content"]
                .get("application/json")
                .is_some()
            && operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|p| p["in"] != "path" || p.get("example").is_some());
        if !replayable {
            continue;
        }
        let uri = example_uri(path, operation);
        let answer = t.get(&uri).await;
        assert_eq!(answer.status, 200, "{uri}");
        let body = answer.json();
        let schema = &operation["responses"]["200"]["content"]["application/json"]["schema"];
        validate(&doc, schema, &body, &uri);
        if let Some(items) = body.get("items") {
            assert!(!items.as_array().unwrap().is_empty(), "{uri}: example data");
        }
    }

    let answer = t.get("/api/v1/procedures/9.999999").await;
    let schema = &doc["paths"]["/api/v1/procedures/{code}"]["get"]["responses"]["404"]["content"]["application/json"]
        ["schema"];
    validate(&doc, schema, &answer.json(), "404");
}
