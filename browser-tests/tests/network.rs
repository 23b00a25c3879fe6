//! `/network` in a real browser: every path of the map drawn, readable at 1280, 768 and
//! 320 px (no label on another or on a box, no arrow through a box, cards on a phone), a
//! stopped service's paths turning red within 10 s with a short reason and green again when
//! it is back, the map kept when the page's own server is gone, no console errors but the
//! refused probes, and screenshots.

use std::time::Duration;

use browser_tests::{
    eventually, map, screenshot, take_console, unexpected, wait_hydrated, ChromeDriver, Stack,
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
    readable_at_every_width(&client, "all-up").await;

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
    // a few words on the map and in the table, the whole chain on demand
    assert_eq!(why.trim(), "refused", "{why}");
    let label = client
        .find(Locator::Css("g.edge[data-edge='frontend-backend'] text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(label.ends_with("· refused"), "{label}");
    let whole = client
        .find(Locator::Css(
            "table.edges tr[data-edge='frontend-backend'] .why",
        ))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        whole.contains("os error") || whole.contains("connect"),
        "{whole}"
    );
    readable_at_every_width(&client, "backend-down").await;

    // and back
    stack.restart_backend();
    for edge in ["browser-backend", "frontend-backend", "backend-mongodb"] {
        wait_state(&client, edge, "ok", Duration::from_secs(10)).await;
    }

    // the page's own server goes: the map stays, the browser's own probes go on
    stack.frontend.terminate();
    stack
        .frontend
        .wait_exit(Duration::from_secs(10))
        .expect("the frontend stops on SIGTERM");
    wait_state(&client, "browser-frontend", "down", Duration::from_secs(10)).await;
    let banner = client
        .find(Locator::Css(".network-card .alert-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(banner.contains("does not answer"), "{banner}");
    assert_eq!(
        state(&client, "browser-backend").await.as_deref(),
        Some("ok")
    );
    assert_eq!(
        state(&client, "frontend-backend").await.as_deref(),
        Some("unknown")
    );
    assert!(map::unreadable(&client).await.is_empty());
    screenshot(&client, "network-server-gone.png").await;

    console.extend(take_console(&client).await);
    // the browser logs its refused probes of the stopped services: nothing else
    let problems = unexpected(
        &console,
        &["ERR_CONNECTION_REFUSED", "/healthz", "/connections"],
    );
    assert!(problems.is_empty(), "console:\n{}", problems.join("\n"));
    client.close().await.unwrap();
}

/// The map at 1280, 768 and 320 px: readable at each (see `browser_tests::map`), a
/// screenshot of each; the window is 1280 px again at the end.
async fn readable_at_every_width(client: &Client, name: &str) {
    for width in [1280, 768, 320] {
        client.set_window_size(width, 1000).await.unwrap();
        // a resize is laid out within a frame or two
        tokio::time::sleep(Duration::from_millis(300)).await;
        let problems = map::unreadable(client).await;
        assert!(
            problems.is_empty(),
            "the map at {width} px:\n{}",
            problems.join("\n")
        );
        screenshot(client, &format!("network-{name}-{width}.png")).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
}
