//! `GET /connections` of the backend: its MongoDB upstream up, down, unresolvable and
//! hanging, with the course's case, never a credential, and cached briefly.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{app, app_with_env};
use test_support::{free_port, shared_mongo};

async fn report_with(vars: Vec<(&str, String)>) -> Value {
    let db = shared_mongo().fresh_db("goals-conn");
    let mut env: Vec<(String, String)> = vec![("MONGODB_DATABASE".into(), db.clone())];
    env.extend(vars.into_iter().map(|(k, v)| (k.to_owned(), v)));
    let app = app_with_env(env, &db).await;
    let (status, body) = app.get("/connections").await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn mongodb_up_is_ok_with_its_address_resolved_and_no_password() {
    let app = app().await;
    let m = shared_mongo();
    let (status, body) = app.get("/connections").await;
    assert_eq!(status, 200);
    assert_eq!(body["service"], "backend");
    assert!(
        body["hostname"].as_str().is_some_and(|h| !h.is_empty()),
        "{body}"
    );
    // the test server is on loopback: no case, whether the tests run in a container
    // (then it is "localhost: this container itself") or not (a local run)
    let c = &body["connections"][0];
    assert_eq!(c["upstream"], "MongoDB");
    assert_eq!(c["address"], format!("{}:{}", m.host, m.port));
    assert_eq!(c["resolved"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(c["error"], Value::Null);
    assert_eq!(c["case"], Value::Null);
    let label = if body["in_container"] == true {
        "localhost: this container itself"
    } else {
        "local run (no containers)"
    };
    assert_eq!(c["case_label"], label);
    assert!(
        !body.to_string().contains(&m.password),
        "the password is shown: {body}"
    );
}

#[tokio::test]
async fn a_url_with_credentials_shows_neither_user_nor_password() {
    let m = shared_mongo();
    let db = m.fresh_db("goals-conn");
    let url = format!(
        "mongodb://{}:{}@{}:{}/{db}?authSource=admin",
        test_support::mongo::userinfo_encode(&m.username),
        test_support::mongo::userinfo_encode(&m.password),
        m.host,
        m.port
    );
    let body = report_with(vec![("MONGODB_URL", url)]).await;
    let c = &body["connections"][0];
    assert_eq!(c["address"], format!("{}:{}", m.host, m.port));
    assert_eq!(c["ok"], true, "{c}");
    let text = body.to_string();
    assert!(!text.contains(&m.password) && !text.contains("@"), "{text}");
}

#[tokio::test]
async fn mongodb_down_is_not_ok_with_the_reason() {
    let body = report_with(vec![
        ("MONGODB_HOST", "127.0.0.1".into()),
        ("MONGODB_PORT", free_port().to_string()),
    ])
    .await;
    let c = &body["connections"][0];
    assert_eq!(c["ok"], false, "{c}");
    assert!(c["error"].as_str().is_some_and(|e| !e.is_empty()), "{c}");
    assert!(c["latency_ms"].as_f64().unwrap() < 2500.0, "{c}");
}

#[tokio::test]
async fn an_unresolvable_name_says_so_and_resolves_to_nothing() {
    let body = report_with(vec![("MONGODB_HOST", "no-such-host.invalid".into())]).await;
    let c = &body["connections"][0];
    assert_eq!(c["address"], "no-such-host.invalid:27017");
    assert_eq!(c["ok"], false);
    assert_eq!(c["resolved"], serde_json::json!([]));
    assert!(
        c["error"]
            .as_str()
            .unwrap()
            .contains("no-such-host.invalid does not resolve"),
        "{c}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_quickly_and_the_report_is_cached() {
    // accepts connections and never says a word
    let hang = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hang.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = vec![];
        for s in hang.incoming().flatten() {
            held.push(s);
        }
    });
    let db = shared_mongo().fresh_db("goals-conn");
    let app = app_with_env(
        vec![
            ("MONGODB_DATABASE".into(), db.clone()),
            ("MONGODB_HOST".into(), "127.0.0.1".into()),
            ("MONGODB_PORT".into(), port.to_string()),
        ],
        &db,
    )
    .await;
    let t0 = Instant::now();
    let (_, first) = app.get("/connections").await;
    let took = t0.elapsed();
    let c = &first["connections"][0];
    assert_eq!(c["ok"], false, "{c}");
    assert_eq!(c["error"], "no answer within 1500 ms", "{c}");
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    // within 2 s: the same report, not a new probe
    let t1 = Instant::now();
    let (_, again) = app.get("/connections").await;
    assert!(
        t1.elapsed() < Duration::from_millis(200),
        "{:?}",
        t1.elapsed()
    );
    assert_eq!(again, first);
}
