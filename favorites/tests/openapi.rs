//! The OpenAPI description the favorites service serves: every route and status of
//! the favorites API, and schemathesis fuzzing from it against the real binary (SWAPI:
//! the real stand-in binary).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use support::{app, favorites, standin};
use test_support::openapi::documented;
use test_support::shared_mongo;

#[tokio::test]
async fn the_description_lists_every_route_and_status() {
    let app = app().await;
    let (status, doc) = app.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let swapi = ["200", "400", "404", "502", "504"];
    let expected: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_json::from_value(serde_json::json!({
            "/favorites": {
                "get": ["200", "503"],
                "post": ["201", "400", "409", "413", "415", "422", "503"]
            },
            "/favorites/{id}": { "delete": ["200", "400", "404", "503"] },
            "/movies": { "get": swapi },
            "/people": { "get": swapi },
            "/connections": { "get": ["200"] },
        "/healthz": { "get": ["200"] },
            "/readyz": { "get": ["200", "503"] },
            "/metrics": { "get": ["200"] }
        }))
        .unwrap();
    assert_eq!(documented(&doc), expected);
    let body = &doc["components"]["schemas"]["NewFavoriteBody"];
    for field in ["name", "url"] {
        assert_eq!(
            body["properties"][field]["pattern"],
            contract::NOT_BLANK,
            "{field}"
        );
    }
    assert_eq!(
        body["properties"]["type"]["$ref"],
        "#/components/schemas/FavoriteType"
    );
    assert_eq!(
        doc["components"]["schemas"]["FavoriteType"]["enum"],
        serde_json::json!(["movie", "character"])
    );
}

/// As for the backend: documented statuses and bodies only, no 5xx (database and
/// SWAPI stand-in up), still serving afterwards.
#[test]
fn schemathesis_finds_nothing() {
    let swapi = standin(&[]);
    let mut svc = favorites(
        &swapi.url("/api"),
        3000,
        &shared_mongo().fresh_db("swfav-fuzz"),
    );
    svc.wait_ready();
    let (ok, report) = test_support::schemathesis::run(svc.port, Duration::from_secs(30), &[]);
    println!("{report}");
    assert!(ok, "schemathesis found problems:\n{report}");
    assert!(report.contains("No issues found"), "{report}");
    svc.wait_ready();
    assert!(!svc.output().contains("panicked"), "{}", svc.output());
}
