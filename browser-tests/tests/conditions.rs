//! The frontend under real conditions: a phone-sized screen, and a goals API that accepts
//! and never answers (the page gives up, says so, and lets the user try again).

use std::time::{Duration, Instant};

use browser_tests::{
    eventually, goal_field, hung_server, screenshot, submit_goal, texts, type_goal, wait_hydrated,
    ChromeDriver, Stack,
};
use fantoccini::Locator;
use test_support::shared_mongo;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_320_pixel_wide_screen() {
    let stack = Stack::start(&shared_mongo().fresh_db("browser-phone"));
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    client.set_window_size(320, 800).await.unwrap();
    for path in ["/", "/favorites", "/network"] {
        client.goto(&stack.page(path)).await.unwrap();
        wait_hydrated(&client).await;
        if path == "/favorites" {
            // the lists are in: the widest content is on the page
            eventually("the film list", Duration::from_secs(20), || async {
                (!texts(&client, ".item-name").await.is_empty()).then_some(())
            })
            .await;
        }
        let widths = client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        screenshot(&client, &format!("phone{}", path.replace('/', "-"))).await;
        assert!(
            scroll <= inner,
            "{path} scrolls sideways at 320 px: content {scroll} px wide in a {inner} px window"
        );
    }
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_backend_gets_a_timeout_message_and_an_enabled_button() {
    let stack = Stack::start_with(
        &shared_mongo().fresh_db("browser-hung"),
        Some(hung_server()),
    );
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    client.goto(&stack.page("/")).await.unwrap();
    wait_hydrated(&client).await;
    type_goal(&client, "Learn timeouts").await;
    let t0 = Instant::now();
    submit_goal(&client).await;
    let message = eventually("a timeout message", Duration::from_secs(20), || async {
        texts(&client, ".alert .alert-message")
            .await
            .into_iter()
            .next()
    })
    .await;
    let took = t0.elapsed();
    assert!(message.contains("did not answer in time"), "{message}");
    assert!(took < Duration::from_secs(15), "gave up after {took:?}");
    let button = client
        .find(Locator::Css(".goal-form button[type=submit]"))
        .await
        .unwrap();
    assert_eq!(button.text().await.unwrap(), "Add Goal");
    assert!(
        button.attr("disabled").await.unwrap().is_none(),
        "the button stays disabled"
    );
    // what was typed is still there, to try again
    let typed = goal_field(&client).await;
    assert_eq!(typed.as_deref(), Some("Learn timeouts"));
    client.close().await.unwrap();
}

/// On a slow connection (300 KB/s, 300 ms) the page is usable before its code has
/// loaded: what is typed then survives hydration, and the form works as a plain post.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_slow_network_typing_survives_hydration_and_the_form_works_before_it() {
    let stack = Stack::start(&shared_mongo().fresh_db("browser-slow"));
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    browser_tests::throttle(&client, 300.0, 300.0).await;

    // 1. type before hydration; the text is still there after it
    client.goto(&stack.page("/")).await.unwrap();
    let hydrated = client
        .find(Locator::Css(".app[data-hydrated='true']"))
        .await
        .is_ok();
    assert!(
        !hydrated,
        "hydrated at once: the network is not slow enough for this test"
    );
    type_goal(&client, "Typed early").await;
    wait_hydrated(&client).await;
    let value = goal_field(&client).await;
    assert_eq!(
        value.as_deref(),
        Some("Typed early"),
        "hydration wiped the field"
    );

    // 2. submit before hydration: a plain form post, saved through the frontend server
    client.goto(&stack.page("/")).await.unwrap();
    type_goal(&client, "Posted before hydration").await;
    let button = client
        .find(Locator::Css(".goal-form button[type=submit]"))
        .await
        .unwrap();
    assert!(
        button.attr("disabled").await.unwrap().is_none(),
        "the button waits for the code"
    );
    button.click().await.unwrap();
    eventually(
        "the posted goal in the list",
        Duration::from_secs(60),
        || async {
            texts(&client, ".goal-text")
                .await
                .iter()
                .any(|t| t == "Posted before hydration")
                .then_some(())
        },
    )
    .await;
    let stored = reqwest::get(stack.backend.url("/goals"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        stored["goals"][0]["text"], "Posted before hydration",
        "{stored}"
    );
    client.close().await.unwrap();
}

/// When the page's code cannot load (here: the wasm is blocked), the page says it is
/// read-only and why, and the form still works as a plain post.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_code_the_page_says_it_is_read_only_and_the_form_still_works() {
    let stack = Stack::start(&shared_mongo().fresh_db("browser-nowasm"));
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    browser_tests::cdp(&client, "Network.enable", serde_json::json!({})).await;
    browser_tests::cdp(
        &client,
        "Network.setBlockedURLs",
        serde_json::json!({ "urls": ["*.wasm*"] }),
    )
    .await;
    client.goto(&stack.page("/")).await.unwrap();
    let banner = eventually("the read-only banner", Duration::from_secs(20), || async {
        texts(&client, ".boot-error").await.into_iter().next()
    })
    .await;
    assert!(banner.contains("could not load its code"), "{banner}");
    assert!(banner.contains("the form still works"), "{banner}");
    // never hydrated
    assert!(client
        .find(Locator::Css(".app[data-hydrated='true']"))
        .await
        .is_err());
    type_goal(&client, "Saved without the wasm").await;
    submit_goal(&client).await;
    eventually(
        "the goal in the server-rendered list",
        Duration::from_secs(20),
        || async {
            texts(&client, ".goal-text")
                .await
                .iter()
                .any(|t| t == "Saved without the wasm")
                .then_some(())
        },
    )
    .await;
    client.close().await.unwrap();
}
