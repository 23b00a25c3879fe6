//! Load for tests: a burst of clients that go away mid-request, and timed requests.
//! Traffic goes to 127.0.0.1 only, bounded in clients and time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a burst did.
#[derive(Debug, Clone, Copy)]
pub struct Burst {
    /// Requests answered (any status) while the burst ran.
    pub answered: u64,
    /// Clients that were cut off with a request in flight when the burst ended.
    pub clients: usize,
}

/// `clients` clients, each on a connection of its own, send `GET path` to
/// 127.0.0.1:`port` back to back for `duration`; then every client is dropped with its
/// request in flight, as a load generator does when it stops (wrk -c64 -d2s).
pub async fn burst(port: u16, path: &str, clients: usize, duration: Duration) -> Burst {
    let answered = Arc::new(AtomicU64::new(0));
    let url = format!("http://127.0.0.1:{port}{path}");
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let answered = answered.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("client");
                loop {
                    if let Ok(res) = http.get(&url).send().await {
                        let _ = res.bytes().await;
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    for t in &tasks {
        t.abort();
    }
    for t in tasks {
        let _ = t.await;
    }
    Burst {
        answered: answered.load(Ordering::Relaxed),
        clients,
    }
}

/// `GET path` on a new connection: the status (`None`: no answer within `limit`) and
/// how long it took.
pub async fn timed_get(port: u16, path: &str, limit: Duration) -> (Option<u16>, Duration) {
    let http = reqwest::Client::builder()
        .timeout(limit)
        .build()
        .expect("client");
    let t0 = Instant::now();
    let status = http
        .get(format!("http://127.0.0.1:{port}{path}"))
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16());
    (status, t0.elapsed())
}

/// After a burst of 64 clients for 2 s on `burst_path`, `list_path` and `/readyz` are
/// each answered 200 within 3 s (the bound the README promises: the database timeouts plus the
/// request's own work; the driver's pool stall made it ~22 s). Panics otherwise,
/// printing the figures.
pub async fn assert_answers_after_a_burst(port: u16, burst_path: &str, list_path: &str) {
    let b = burst(port, burst_path, 64, Duration::from_secs(2)).await;
    assert!(b.answered > 0, "the burst got no answer at all: {b:?}");
    for path in [list_path, "/readyz"] {
        let (status, took) = timed_get(port, path, Duration::from_secs(30)).await;
        eprintln!(
            "after a burst of {} clients ({} answers in 2 s): GET {path} -> {status:?} in {took:?}",
            b.clients, b.answered
        );
        assert_eq!(status, Some(200), "GET {path} after the burst");
        assert!(
            took < Duration::from_secs(3),
            "GET {path} took {took:?} after a burst of {} clients",
            b.clients
        );
    }
}
