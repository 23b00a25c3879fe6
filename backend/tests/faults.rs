//! Writers posting goals while the database is stopped and started again, and while the
//! backend is stopped with SIGTERM and started again: every goal answered 201 is stored
//! exactly once; every other answer is a JSON 503, or no answer at all while the
//! process is down; no request takes longer than 5 s. Prints the counts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use mongodb::bson::Document;
use test_support::mongo::client_for;
use test_support::{free_port, shared_mongo, ServiceProcess, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_backend");
const WRITERS: usize = 8;

#[derive(Debug)]
enum Outcome {
    Acknowledged(String),
    Unavailable,
    /// No answer: the connection was refused or closed before any answer (process down).
    NoAnswer(String),
    /// Anything else: a failure of the test.
    Wrong(String),
}

async fn writer(
    id: usize,
    port: u16,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<(Outcome, Duration)>>>,
) {
    // a new connection per request: what is refused while the process is down is clear
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let text = format!("writer {id} goal {n}");
        let t0 = Instant::now();
        let outcome = match http
            .post(format!("http://127.0.0.1:{port}/goals"))
            .json(&serde_json::json!({ "text": text }))
            .send()
            .await
        {
            Ok(res) => {
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                match status {
                    201 if body["goal"]["text"] == text.as_str() => Outcome::Acknowledged(text),
                    503 if body["message"] == "Database unavailable." => Outcome::Unavailable,
                    _ => Outcome::Wrong(format!("{status} {body}")),
                }
            }
            Err(e) if e.is_connect() || (e.is_request() && !e.is_timeout()) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Outcome::NoAnswer(format!("{e}"))
            }
            Err(e) => Outcome::Wrong(format!("{e}")),
        };
        log.lock().unwrap().push((outcome, t0.elapsed()));
    }
}

fn start_backend(port: u16, env: &[(String, String)]) -> ServiceProcess {
    let mut svc = ServiceProcess::spawn(BIN, port, env);
    svc.wait_serving();
    svc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_is_stored_once_across_database_and_service_restarts() {
    let m = shared_mongo();
    let mut db = m.dedicated();
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let mut env = m.service_env();
    env.retain(|(k, _)| k != "MONGODB_PORT");
    env.push(("MONGODB_PORT".into(), db.port.to_string()));
    env.push(("PORT".into(), port.to_string()));
    env.push(("LOG_DIR".into(), logs.path().display().to_string()));
    env.push(("RUST_LOG".into(), "warn".into()));
    let mut svc = start_backend(port, &env);
    svc.wait_ready();

    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| tokio::spawn(writer(i, port, stop.clone(), log.clone())))
        .collect();

    let pause = |s: u64| tokio::time::sleep(Duration::from_secs(s));
    pause(2).await;
    eprintln!("[faults] stopping the database");
    db = tokio::task::spawn_blocking(move || {
        db.stop();
        db
    })
    .await
    .unwrap();
    pause(4).await;
    eprintln!("[faults] starting the database again");
    db = tokio::task::spawn_blocking(move || {
        db.restart();
        db
    })
    .await
    .unwrap();
    pause(4).await;
    eprintln!("[faults] SIGTERM to the backend, then starting it again");
    let restart_env = env.clone();
    svc = tokio::task::spawn_blocking(move || {
        svc.terminate();
        let exit = svc.wait_exit(Duration::from_secs(10));
        assert_eq!(exit.and_then(|e| e.code()), Some(0), "{}", svc.output());
        drop(svc);
        start_backend(port, &restart_env)
    })
    .await
    .unwrap();
    pause(3).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    svc.wait_ready();

    let stored: Vec<Document> = client_for("127.0.0.1", db.port, Some((&m.username, &m.password)))
        .database("course-goals")
        .collection::<Document>("goals")
        .find(mongodb::bson::doc! {})
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut copies: HashMap<String, usize> = HashMap::new();
    for doc in &stored {
        *copies
            .entry(doc.get_str("text").unwrap().to_owned())
            .or_default() += 1;
    }

    let log = log.lock().unwrap();
    let (mut acked, mut unavailable, mut no_answer, mut wrong) = (vec![], 0, vec![], vec![]);
    let mut slowest = Duration::ZERO;
    for (outcome, took) in log.iter() {
        slowest = slowest.max(*took);
        match outcome {
            Outcome::Acknowledged(t) => acked.push(t.clone()),
            Outcome::Unavailable => unavailable += 1,
            Outcome::NoAnswer(why) => no_answer.push(why.clone()),
            Outcome::Wrong(w) => wrong.push(w.clone()),
        }
    }
    let lost: Vec<_> = acked.iter().filter(|t| !copies.contains_key(*t)).collect();
    let doubled: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    let unacknowledged = stored.len() as i64 - acked.len() as i64;
    println!(
        "[faults] {} requests by {WRITERS} writers: acknowledged (201) {}, stored {}, \
         stored without an answer {unacknowledged}, 503 {unavailable}, no answer (process down) {}, \
         other {}, slowest {slowest:?}; first no-answer: {:?}",
        log.len(),
        acked.len(),
        stored.len(),
        no_answer.len(),
        wrong.len(),
        no_answer.first()
    );
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert!(doubled.is_empty(), "stored more than once: {doubled:?}");
    assert!(wrong.is_empty(), "unexpected answers: {wrong:?}");
    assert!(
        slowest < Duration::from_secs(5),
        "a request took {slowest:?}"
    );
    assert!(unavailable > 0, "the database stop was not seen (no 503)");
    assert!(
        acked.len() > 100,
        "too few writes went through: {}",
        acked.len()
    );
}
