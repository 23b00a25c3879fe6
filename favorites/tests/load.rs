//! The real favorites service (and the SWAPI stand-in) under a burst of clients that go
//! away mid-request, and against clients that never finish their request.

mod support;

use support::{favorites, standin};
use test_support::load::assert_answers_after_a_burst;
use test_support::process::assert_slow_headers_cut_off;
use test_support::shared_mongo;

/// The driver's pool stall, as in the backend: favorites uses the same database code.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_a_burst_of_64_clients_the_next_requests_are_answered_at_once() {
    let swapi = standin(&[]);
    let mut svc = favorites(
        &swapi.url("/api"),
        2000,
        &shared_mongo().fresh_db("swfav-load"),
    );
    svc.wait_ready();
    let http = reqwest::Client::new();
    for i in 0..100 {
        let res = http
            .post(svc.url("/favorites"))
            .json(&serde_json::json!({ "name": format!("fav {i}"), "type": "movie", "url": "u" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    assert_answers_after_a_burst(svc.port, "/favorites", "/favorites").await;
}

#[test]
fn clients_that_never_finish_their_request_line_are_cut_off() {
    let swapi = standin(&[]);
    let svc = favorites(
        &swapi.url("/api"),
        2000,
        &shared_mongo().fresh_db("swfav-slow"),
    );
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| assert_slow_headers_cut_off(svc.port));
        let b = s.spawn(|| assert_slow_headers_cut_off(swapi.port));
        (a.join().unwrap(), b.join().unwrap())
    });
    eprintln!("favorites cut off after {a:?}, the stand-in after {b:?}");
    assert_eq!(test_support::http_status(svc.port, "/healthz"), Some(200));
    assert_eq!(test_support::http_status(swapi.port, "/healthz"), Some(200));
}
