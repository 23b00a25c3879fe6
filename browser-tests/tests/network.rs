//! `/network` in a real browser: every path of the map drawn, a stopped service's paths
//! turning red within 10 s and green again when it is back, no console errors but the
//! refused probes of the stopped service, and a screenshot.

use std::time::Duration;

use browser_tests::{
    eventually, screenshot, take_console, unexpected, wait_hydrated, ChromeDriver, Stack,
};
use fantoccini::{Client, Locator};
use test_support::shared_mongo;

const EDGES: [&str; 8] = [
    "browser-frontend",
    "browser-backend",
    "browser-favorites",
    "frontend-backend",
    "frontend-favorites",
    "backend-mongodb",
    "favorites-mongodb",
    "favorites-swapi",
];

async fn state(client: &Client, edge: &str) -> Option<String> {
    client
        .find(Locator::Css(&format!("table.edges tr[data-edge='{edge}']")))
        .await
        .ok()?
        .attr("data-state")
        .await
        .ok()?
}

async fn wait_state(client: &Client, edge: &str, want: &str, within: Duration) {
    eventually(&format!("edge {edge} to be {want}"), within, || async {
        (state(client, edge).await.as_deref() == Some(want)).then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_page_shows_every_path_live() {
    let mut stack = Stack::start(&shared_mongo().fresh_db("browser-network"));

    // the server-rendered page already has the server-side paths, by their addresses
    let html = reqwest::get(stack.page("/network"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for edge in EDGES {
        assert!(
            html.contains(&format!("data-edge=\"{edge}\"")),
            "{edge} missing:\n{html}"
        );
    }
    assert!(
        html.contains(&format!("http://127.0.0.1:{}", stack.backend.port)),
        "{html}"
    );

    let driver = ChromeDriver::start();
    let client = driver.session().await;
    client.goto(&stack.page("/network")).await.unwrap();
    let mut console = wait_hydrated(&client).await;
    for edge in EDGES {
        wait_state(&client, edge, "ok", Duration::from_secs(10)).await;
    }
    assert!(client
        .find(Locator::Css("svg.network-map g.edge-ok"))
        .await
        .is_ok());
    screenshot(&client, "network-all-up").await;

    // the backend stops: the paths to it turn red, with the reason
    stack.stop_backend();
    for edge in ["browser-backend", "frontend-backend"] {
        wait_state(&client, edge, "down", Duration::from_secs(10)).await;
    }
    wait_state(
        &client,
        "backend-mongodb",
        "unknown",
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(
        state(&client, "frontend-favorites").await.as_deref(),
        Some("ok")
    );
    let why = client
        .find(Locator::Css(
            "table.edges tr[data-edge='frontend-backend'] .state",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(why.contains("refused") || why.contains("connect"), "{why}");
    screenshot(&client, "network-backend-down").await;

    // and back
    stack.restart_backend();
    for edge in ["browser-backend", "frontend-backend", "backend-mongodb"] {
        wait_state(&client, edge, "ok", Duration::from_secs(10)).await;
    }
    console.extend(take_console(&client).await);
    // the browser logs its refused probes of the stopped backend: nothing else
    let problems = unexpected(&console, &["ERR_CONNECTION_REFUSED", "/healthz"]);
    assert!(problems.is_empty(), "console:\n{}", problems.join("\n"));
    client.close().await.unwrap();
}
