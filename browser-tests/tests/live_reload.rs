//! Live reload (`LIVE_RELOAD=1`, the development stack) in a real browser: the open page
//! notices that a new server process started (cargo-watch restarting a new build) and
//! reloads itself, quietly while the server is down; without `LIVE_RELOAD` the page has
//! no live-reload script at all.
//!
//! The frontend (debug build) runs as a real process against the real goals backend and
//! the MongoDB test server; "a new build" is a new process of the same binary on the
//! same port (a new boot id), which is what the page can see of a rebuild.

use std::time::{Duration, Instant};

use browser_tests::{
    build_bins, build_frontend, debug_bin, eventually, start_backend, take_console, unexpected,
    wait_hydrated, ChromeDriver,
};
use fantoccini::Client;
use serde_json::Value;
use test_support::{free_port, shared_mongo, ServiceProcess};

/// How soon the page must have reloaded once the new server answers.
const RELOAD_WITHIN: Duration = Duration::from_secs(5);

fn frontend(port: u16, backend_port: u16, live_reload: bool) -> ServiceProcess {
    let env: Vec<(String, String)> = [
        ("PORT", port.to_string()),
        (
            "BACKEND_INTERNAL_URL",
            format!("http://127.0.0.1:{backend_port}"),
        ),
        (
            "BACKEND_PUBLIC_URL",
            format!("http://localhost:{backend_port}"),
        ),
        (
            "LIVE_RELOAD",
            if live_reload { "1" } else { "0" }.to_owned(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut p = ServiceProcess::spawn(debug_bin("frontend"), port, &env);
    p.wait_serving().wait_ready();
    p
}

fn stop(mut p: ServiceProcess) {
    p.terminate();
    assert!(
        p.wait_exit(Duration::from_secs(10)).is_some(),
        "the frontend did not stop on SIGTERM"
    );
}

/// A script's result, `None` while the page is navigating (the reload).
async fn js(client: &Client, script: &str) -> Option<Value> {
    client.execute(script, vec![]).await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_page_reloads_after_a_new_server_starts_and_only_with_live_reload() {
    let _ = browser_tests::browser_paths();
    build_frontend();
    build_bins(&["backend"]);

    let (backend, _logs) = start_backend(&shared_mongo().fresh_db("live-reload"));
    let backend_port = backend.port;

    let port = free_port();
    let page = format!("http://localhost:{port}/");
    let driver = ChromeDriver::start();
    let client = driver.session().await;

    // --- 1. live reload on: the page carries the script, the server its boot id -------
    let first = frontend(port, backend_port, true);
    let boot1 = reqwest::get(first.url("/__live-reload"))
        .await
        .expect("GET /__live-reload")
        .text()
        .await
        .unwrap();
    client.goto(&page).await.expect("open the page");
    let mut console = wait_hydrated(&client).await;
    assert_eq!(
        js(&client, "return !!document.getElementById('live-reload');").await,
        Some(Value::Bool(true)),
        "LIVE_RELOAD=1: the page has the live-reload script"
    );
    js(&client, "window.__marker = 1; return 1;").await;

    // --- 2. the server goes away (cargo-watch rebuilding): the page stays, quietly ----
    stop(first);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        js(&client, "return window.__marker === 1;").await,
        Some(Value::Bool(true)),
        "the page must not reload while the server is down"
    );
    console.extend(take_console(&client).await);
    let bad = unexpected(&console, &[]);
    assert!(
        bad.is_empty(),
        "the browser console while the server is down:\n{}",
        bad.join("\n")
    );

    // --- 3. a new server (new boot id) on the same port: the page reloads itself -------
    let second = frontend(port, backend_port, true);
    let started = Instant::now();
    let boot2 = reqwest::get(second.url("/__live-reload"))
        .await
        .expect("GET /__live-reload")
        .text()
        .await
        .unwrap();
    assert_ne!(boot1, boot2, "a new server process has a new boot id");
    eventually(
        "the page to reload (window.__marker gone)",
        RELOAD_WITHIN,
        || async {
            (js(
                &client,
                "return window.__marker === undefined && document.readyState === 'complete';",
            )
            .await
                == Some(Value::Bool(true)))
            .then_some(())
        },
    )
    .await;
    eprintln!(
        "live reload: the page reloaded {:.1} s after the new server answered",
        started.elapsed().as_secs_f64()
    );
    let console = wait_hydrated(&client).await;
    let bad = unexpected(&console, &[]);
    assert!(
        bad.is_empty(),
        "the browser console after the reload:\n{}",
        bad.join("\n")
    );

    // --- 4. live reload off: no script, no endpoint -------------------------------------
    stop(second);
    let third = frontend(port, backend_port, false);
    let html = reqwest::get(third.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("live-reload"),
        "without LIVE_RELOAD the page has no live-reload script:\n{html}"
    );
    assert_eq!(
        reqwest::get(third.url("/__live-reload"))
            .await
            .unwrap()
            .status(),
        404
    );
    client.goto(&page).await.expect("open the page");
    wait_hydrated(&client).await;
    assert_eq!(
        js(&client, "return !!document.getElementById('live-reload');").await,
        Some(Value::Bool(false)),
        "LIVE_RELOAD off: no live-reload script in the page"
    );
    let _ = client.close().await;
}
