//! Buses (issue 8) across processes: the seeded server holds Ho Chi Minh City's network,
//! the real CLI downloads it for its home province and answers offline with the JSON the
//! issue fixes; a broken feed given to `ingest-gtfs` leaves devices on the stored one.

use congdan_tests::cli::{congdan, ok, stdout};
use congdan_tests::server::TestServer;
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[tokio::test]
async fn the_home_province_network_syncs_and_answers_offline() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    ok(congdan(&db, &["--server", &server.url(), "sync"]));
    ok(congdan(&db, &["set-unit", "25747"])); // a ward of Thành phố Hồ Chí Minh (79)
    let synced = stdout(&ok(congdan(&db, &["sync"])));
    assert!(synced.contains("bus: 4273"), "{synced}");
    drop(server);

    let stops = json(&ok(congdan(&db, &["bus", "stops", "ben thanh", "--json"])));
    let first = &stops[0];
    assert!(
        first["name"].as_str().unwrap().starts_with("Bến Thành"),
        "{first}"
    );
    let cho_lon = json(&ok(congdan(&db, &["bus", "stops", "cho lon", "--json"])));
    assert!(
        cho_lon[0]["name"].as_str().unwrap().contains("Chợ Lớn"),
        "{}",
        cho_lon[0]
    );

    let board = json(&ok(congdan(
        &db,
        &[
            "bus",
            "departures",
            "81",
            "--at",
            "2025-12-01T07:30",
            "--json",
        ],
    )));
    let departures = board["departures"].as_array().unwrap();
    assert!(!departures.is_empty());
    assert!(
        departures[0]["departure"]
            .as_str()
            .unwrap()
            .ends_with("+07:00")
    );

    let journeys = json(&ok(congdan(
        &db,
        &[
            "bus",
            "journey",
            "81",
            "138",
            "--at",
            "2025-12-01T07:30:00+07:00",
            "--max-transfers",
            "2",
            "--json",
        ],
    )));
    let list = journeys.as_array().unwrap();
    assert!(!list.is_empty());
    let arrivals: Vec<&str> = list
        .iter()
        .map(|j| j["arrival"].as_str().unwrap())
        .collect();
    assert!(
        arrivals.windows(2).all(|w| w[0] <= w[1]),
        "earliest arrival first: {arrivals:?}"
    );
    for j in list {
        for key in ["departure", "arrival", "transfers", "legs"] {
            assert!(j.get(key).is_some(), "{key} in {j}");
        }
        for leg in j["legs"].as_array().unwrap() {
            for key in ["kind", "from_stop_id", "to_stop_id", "departure", "arrival"] {
                assert!(leg.get(key).is_some(), "{key} in {leg}");
            }
            match leg["kind"].as_str().unwrap() {
                "bus" => assert!(
                    leg["route_id"].is_string() && leg["trip_id"].is_string(),
                    "{leg}"
                ),
                "walk" => assert!(leg.get("trip_id").is_none(), "{leg}"),
                other => panic!("kind {other}"),
            }
        }
    }

    let no_walk = json(&ok(congdan(
        &db,
        &[
            "bus",
            "journey",
            "81",
            "138",
            "--at",
            "2025-12-01T07:30",
            "--max-walk",
            "0",
            "--min-change",
            "0",
            "--json",
        ],
    )));
    for j in no_walk.as_array().unwrap() {
        assert!(
            j["legs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["kind"] == "bus"),
            "{j}"
        );
    }

    // From a point 111 m north of stop 81 (145 m on foot, 121 s), leaving three minutes
    // earlier: every bus from 81 at 07:30 is within reach, so it arrives no later; the first
    // leg is the walk from the point, which has no stop id.
    let (lat, lon) = (
        board["stop"]["lat"].as_f64().unwrap() + 0.001,
        board["stop"]["lon"].as_f64().unwrap(),
    );
    let here = format!("geo:{lat:.6},{lon:.6}");
    let from_point = json(&ok(congdan(
        &db,
        &[
            "bus",
            "journey",
            &here,
            "138",
            "--at",
            "2025-12-01T07:27",
            "--json",
        ],
    )));
    let from_point = from_point.as_array().unwrap();
    assert!(!from_point.is_empty());
    assert!(
        from_point[0]["arrival"].as_str().unwrap() <= arrivals[0],
        "{} vs {}",
        from_point[0]["arrival"],
        arrivals[0]
    );
    for j in from_point {
        let legs = j["legs"].as_array().unwrap();
        assert_eq!(legs[0]["kind"], "walk", "{j}");
        assert!(legs[0].get("from_stop_id").is_none(), "{j}");
        assert!(legs[0]["to_stop_id"].is_string(), "{j}");
        assert_eq!(legs.last().unwrap()["to_stop_id"], "138", "{j}");
    }
    let text = stdout(&ok(congdan(
        &db,
        &["bus", "journey", &here, "138", "--at", "2025-12-01T07:27"],
    )));
    assert!(text.contains("từ điểm đi đến"), "{text}");
    let bad = congdan(&db, &["bus", "journey", "geo:10.7", "138", "--json"]);
    assert!(!bad.status.success());

    // Nothing runs after the feed's calendar ends: `[]`, exit 0.
    let none = ok(congdan(
        &db,
        &[
            "bus",
            "journey",
            "81",
            "138",
            "--at",
            "2030-01-01T07:30",
            "--json",
        ],
    ));
    assert_eq!(json(&none), Value::Array(vec![]));
}

#[tokio::test]
async fn a_broken_feed_is_refused_and_devices_keep_the_stored_network() {
    let server = TestServer::seeded().await.unwrap();
    let url = format!("{}/api/v1/bus/79", server.url());
    let client = reqwest::Client::new();
    let before = client
        .get(&url)
        .header("range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), 206);
    let etag = before.headers()["etag"].to_str().unwrap().to_string();

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.zip");
    std::fs::write(&broken, b"PK\x03\x04 this is not a whole zip").unwrap();
    let out = server
        .admin(&["ingest-gtfs", "--province", "79", broken.to_str().unwrap()])
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("not a readable zip"),
        "{}",
        stdout(&out)
    );

    let after = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        304,
        "the stored network is still the one served"
    );
}
