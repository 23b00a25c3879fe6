//! The real backend under a burst of clients that go away mid-request, and against a
//! client that never finishes its request.

use test_support::load::assert_answers_after_a_burst;
use test_support::process::assert_slow_headers_cut_off;
use test_support::{free_port, shared_mongo, ServiceProcess, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_backend");

fn start(logs: &TempDir) -> ServiceProcess {
    let m = shared_mongo();
    let port = free_port();
    let mut env = m.service_env();
    env.push(("PORT".into(), port.to_string()));
    env.push(("LOG_DIR".into(), logs.path().display().to_string()));
    env.push(("MONGODB_DATABASE".into(), m.fresh_db("goals-load")));
    env.push(("RUST_LOG".into(), "warn".into()));
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_ready();
    svc
}

/// The driver's pool stall: after 64 clients stopped mid-request, the next list and
/// readiness request waited ~22 s. Now each is answered within 3 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_a_burst_of_64_clients_the_next_requests_are_answered_at_once() {
    let logs = TempDir::new("goals-logs");
    let svc = start(&logs);
    let http = reqwest::Client::new();
    for i in 0..100 {
        let res = http
            .post(svc.url("/goals"))
            .json(&serde_json::json!({ "text": format!("goal {i}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    assert_answers_after_a_burst(svc.port, "/goals", "/goals").await;
}

#[test]
fn a_client_that_never_finishes_its_request_line_is_cut_off() {
    let logs = TempDir::new("goals-logs");
    let svc = start(&logs);
    assert_slow_headers_cut_off(svc.port);
    // and the service still serves
    assert_eq!(test_support::http_status(svc.port, "/healthz"), Some(200));
}
