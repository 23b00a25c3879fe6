//! The OpenAPI description the backend serves: every route and status of the goals
//! API, and schemathesis fuzzing from it against the real binary.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use support::app;
use test_support::openapi::documented;
use test_support::{free_port, shared_mongo, ServiceProcess, TempDir};

#[tokio::test]
async fn the_description_lists_every_route_and_status() {
    let app = app().await;
    let (status, doc) = app.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let expected: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_json::from_value(serde_json::json!({
            "/goals": {
                "get": ["200", "503"],
                "post": ["201", "400", "413", "415", "422", "503"]
            },
            "/goals/{id}": { "delete": ["200", "400", "404", "503"] },
            "/connections": { "get": ["200"] },
        "/healthz": { "get": ["200"] },
            "/readyz": { "get": ["200", "503"] },
            "/metrics": { "get": ["200"] }
        }))
        .unwrap();
    assert_eq!(documented(&doc), expected);
    let text = &doc["components"]["schemas"]["NewGoal"]["properties"]["text"];
    assert_eq!(text["maxLength"], 1000);
    assert_eq!(text["minLength"], 1);
    assert!(
        text["pattern"].as_str().unwrap().starts_with("[^"),
        "{text}"
    );
}

/// Every request schemathesis makes from the description is answered with a
/// documented status and a body that fits its schema; no 5xx (the database is up);
/// the service still serves afterwards.
#[test]
fn schemathesis_finds_nothing() {
    let m = shared_mongo();
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let mut env = m.service_env();
    env.push(("PORT".into(), port.to_string()));
    env.push(("LOG_DIR".into(), logs.path().display().to_string()));
    env.push(("MONGODB_DATABASE".into(), m.fresh_db("goals-fuzz")));
    env.push(("RUST_LOG".into(), "warn".into()));
    let mut svc = ServiceProcess::spawn(env!("CARGO_BIN_EXE_backend"), port, &env);
    svc.wait_ready();
    let (ok, report) = test_support::schemathesis::run(port, Duration::from_secs(30), &[]);
    println!("{report}");
    assert!(ok, "schemathesis found problems:\n{report}");
    assert!(report.contains("No issues found"), "{report}");
    svc.wait_ready();
    assert!(!svc.output().contains("panicked"), "{}", svc.output());
}
