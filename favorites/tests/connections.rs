//! `GET /connections` of the favorites service: MongoDB and SWAPI, up, down and hanging.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{app_with_swapi, closed_port, standin, Fake, FakeSwapi};

fn swapi(report: &Value) -> &Value {
    report["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["upstream"] == "SWAPI")
        .expect("a SWAPI connection")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapi_and_mongodb_up_with_the_stand_in_marked_as_such() {
    let s = standin(&[]);
    let app = app_with_swapi(&s.url("/api")).await;
    let (status, body) = app.get("/connections").await;
    assert_eq!(status, 200);
    assert_eq!(body["service"], "favorites");
    let names: Vec<&str> = body["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["upstream"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["MongoDB", "SWAPI"]);
    assert_eq!(body["connections"][0]["ok"], true, "{body}");
    let c = swapi(&body);
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(c["address"], s.url("/api"));
    assert_eq!(c["host"], "127.0.0.1");
    // on loopback here: no case, and no stand-in note (that is for case 3 paths)
    assert_eq!(c["case"], Value::Null);
    assert_eq!(c["plays_case"], Value::Null);
}

#[tokio::test]
async fn swapi_down_or_hanging_is_not_ok_and_answers_quickly() {
    let app = app_with_swapi(&format!("http://127.0.0.1:{}/api", closed_port())).await;
    let (_, body) = app.get("/connections").await;
    let c = swapi(&body);
    assert_eq!(c["ok"], false, "{c}");
    assert!(c["error"].as_str().unwrap().contains("connect"), "{c}");

    let hang = FakeSwapi::start(Fake::Hang);
    let app = app_with_swapi(&hang.base()).await;
    let t0 = std::time::Instant::now();
    let (_, body) = app.get("/connections").await;
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(swapi(&body)["error"], "no answer within 1500 ms", "{body}");
}
