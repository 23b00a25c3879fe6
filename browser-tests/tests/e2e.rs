//! The whole stack in a real browser: MongoDB test server, the goals backend, the
//! favorites service with the offline SWAPI stand-in, and the frontend (debug build,
//! where Leptos reports hydration mismatches), all as real processes; headless
//! Chromium drives the pages.
//!
//! Each test stands on its own: they share one started stack ([`Stack::shared`]), and
//! each keeps to goals and favorites of its own, so they run side by side in any order.
//! The one that stops the backend has a stack of its own.
//!
//! Needs `scripts/install-browser.sh` (Debian chromium + chromium-driver) and the wasm
//! toolchain of `scripts/build-frontend.sh`; without them it fails and says so.
//! Screenshots land in `test-artifacts/`.

use std::time::Duration;

use browser_tests::{
    click, eventually, get_text, is_disabled, screenshot, submit_goal, take_console, texts,
    type_goal, unexpected, wait_hydrated, ChromeDriver, Stack,
};
use fantoccini::{Client, Locator};
use mongodb::bson::{doc, Document};
use serde_json::Value;
use test_support::{shared_mongo, unique_suffix};

const WAIT: Duration = Duration::from_secs(20);

async fn get_json(url: &str) -> Value {
    let res = reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(res.status().is_success(), "GET {url}: {}", res.status());
    res.json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// The `field` of every item of the list `key` at `url` (`/goals` → `goals[].text`).
async fn listed(url: &str, key: &str, field: &str) -> Vec<String> {
    get_json(url).await[key]
        .as_array()
        .unwrap_or_else(|| panic!("GET {url}: no {key} array"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A goal of the test's own, stored straight into the stack's database; its text and id.
async fn seed_goal(stack: &Stack, what: &str) -> (String, String) {
    let text = format!("{what} {}", unique_suffix());
    let id = shared_mongo()
        .client()
        .database(&stack.goals_db)
        .collection::<Document>("goals")
        .insert_one(doc! { "text": &text })
        .await
        .expect("seed a goal")
        .inserted_id
        .as_object_id()
        .expect("ObjectId")
        .to_hex();
    (text, id)
}

async fn wait_for_text(client: &Client, css: &str, text: &str, present: bool) {
    let what = format!(
        "{css} {} {text:?}",
        if present { "to contain" } else { "to lose" }
    );
    eventually(&what, WAIT, || async {
        let found = texts(client, css).await.iter().any(|t| t.contains(text));
        (found == present).then_some(())
    })
    .await
}

async fn alert_text(client: &Client) -> String {
    eventually("an alert", WAIT, || async {
        texts(client, ".alert .alert-message")
            .await
            .into_iter()
            .next()
    })
    .await
}

/// A browser of the test's own with `path` of the stack open and hydrated (no console
/// error or warning on the way).
async fn open(stack: &Stack, path: &str) -> (ChromeDriver, Client) {
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    client
        .goto(&stack.page(path))
        .await
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
    wait_hydrated(&client).await;
    (driver, client)
}

/// The end of a test on the shared stack: nothing in the browser console but `expected`,
/// and no warning, error or panic from the frontend server.
async fn finish(client: Client, stack: &Stack, expected: &[&str]) {
    let bad = unexpected(&take_console(&client).await, expected);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));
    let out = stack.frontend.output();
    assert!(
        !out.contains("WARN") && !out.contains("ERROR") && !out.contains("panicked"),
        "frontend server output:\n{out}"
    );
    client.close().await.unwrap();
}

/// The first HTML already has the goals (rendered on the server, inline) and hands the
/// public URLs to the browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_renders_the_goals_into_the_first_html() {
    let stack = Stack::shared();
    let (seeded, id) = seed_goal(&stack, "Seeded for the first HTML").await;
    let res = reqwest::get(stack.page("/")).await.expect("GET /");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        res.headers()
    );
    let html = res.text().await.unwrap();
    let item = format!("data-id=\"{id}\"");
    let at = html
        .find(&item)
        .unwrap_or_else(|| panic!("the seeded goal is not in the server-rendered HTML:\n{html}"));
    assert!(html[at..].contains(&seeded), "{html}");
    assert!(
        at < html.find("</main>").unwrap(),
        "the goal list is not inline in the page body (SsrMode::Async):\n{html}"
    );
    assert!(
        html.contains(&format!(
            "<meta name=\"goals-api\" content=\"http://localhost:{}\">",
            stack.backend.port
        )),
        "the public backend URL is not handed to the browser:\n{html}"
    );
    assert!(!html.contains("Could not reach"), "{html}");
}

/// Assets: versioned URLs, the right content types, long caching; a page that does not
/// exist is a 404 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_versioned_typed_and_cached() {
    let stack = Stack::shared();
    let html = get_text(&stack.page("/")).await;
    let wasm_url = html
        .split("module_or_path: \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("boot script names the wasm")
        .to_owned();
    let res = reqwest::get(stack.page(&wasm_url)).await.unwrap();
    assert_eq!(res.status(), 200, "{wasm_url}");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let css = reqwest::get(stack.page("/pkg/frontend.css")).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css");
    assert_eq!(css.headers()["cache-control"], "no-cache");
    let missing = reqwest::get(stack.page("/no/such/page")).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

/// A link to this site never takes the browser to another: every way of writing a second
/// leading slash (a browser turns `/\` into `//`; percent-encoded ones are paths) ends on
/// this site, and `?error=` shows only the page's own texts for its own codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_cannot_send_the_browser_elsewhere_or_put_words_in_the_page() {
    let stack = Stack::shared();
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    let site = url::Url::parse(&stack.page("/")).unwrap();
    for path in [
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "//evil.example/?x=1",
    ] {
        client
            .goto(&stack.page(path))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        let now = client.current_url().await.unwrap();
        assert_eq!(
            (now.host_str(), now.port()),
            (site.host_str(), site.port()),
            "{path} took the browser to {now}"
        );
    }
    // the 404s of those pages are expected; what follows starts with an empty console
    let seen = take_console(&client).await;
    assert!(
        seen.iter().all(|e| e.message.contains("404")),
        "{}",
        seen.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    client
        .goto(&stack.page("/?error=Your%20account%20is%20locked%2C%20call%20555"))
        .await
        .unwrap();
    wait_hydrated(&client).await;
    let body = client.source().await.unwrap();
    assert!(
        !body.contains("account is locked"),
        "the URL's text was shown"
    );
    client
        .goto(&stack.page("/?error=invalid-text"))
        .await
        .unwrap();
    wait_for_text(&client, ".alert-message", "Invalid goal text.", true).await;
    client.close().await.unwrap();
}

/// In the browser: a goal typed into the form is saved, a click on a goal deletes it;
/// the API and MongoDB agree, and the access log says who called from where.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goals_are_added_and_deleted_in_a_real_browser() {
    let stack = Stack::shared();
    let (seeded, seeded_id) = seed_goal(&stack, "Seeded goal, straight from the database").await;
    let typed = format!("Typed into the browser form {}", unique_suffix());
    let (_driver, client) = open(&stack, "/").await;
    wait_for_text(&client, ".goal-item .goal-text", &seeded, true).await;

    type_goal(&client, &typed).await;
    submit_goal(&client).await;
    wait_for_text(&client, ".goal-item .goal-text", &typed, true).await;
    assert_eq!(
        browser_tests::goal_field(&client).await.as_deref(),
        Some(""),
        "the input is cleared after saving"
    );
    let api = listed(&stack.backend.url("/goals"), "goals", "text").await;
    let (s, t) = (
        api.iter().position(|g| *g == seeded),
        api.iter().position(|g| *g == typed),
    );
    assert!(
        s.is_some() && t.is_some() && s < t,
        "the API lists the seeded goal, then the typed one: {api:?}"
    );
    screenshot(&client, "goals.png").await;

    // Delete the seeded goal by clicking it.
    click(
        &client,
        &format!(".goal-item[data-id='{seeded_id}']"),
        "the seeded goal's list item",
    )
    .await;
    wait_for_text(&client, ".goal-item .goal-text", &seeded, false).await;
    let api = listed(&stack.backend.url("/goals"), "goals", "text").await;
    assert!(
        !api.contains(&seeded) && api.contains(&typed),
        "the API after the delete: {api:?}"
    );
    let db = shared_mongo().client().database(&stack.goals_db);
    let stored: Vec<String> = test_support::mongo::stored(&db, "goals")
        .await
        .iter()
        .map(|d| d.get_str("text").unwrap_or_default().to_owned())
        .collect();
    assert!(
        !stored.contains(&seeded) && stored.contains(&typed),
        "what MongoDB holds: {stored:?}"
    );

    // Who called the backend from where: the server for the first paint, the browser
    // (its own user agent) for the changes.
    let access = stack.access_log();
    assert!(
        access.lines().any(
            |l| l.contains("\"GET /goals HTTP/1.1\" 200") && l.contains("course-frontend-ssr/")
        ),
        "no server-side GET /goals in the access log:\n{access}"
    );
    for request in [
        "\"POST /goals HTTP/1.1\" 201".to_owned(),
        format!("\"DELETE /goals/{seeded_id} HTTP/1.1\" 200"),
    ] {
        assert!(
            access
                .lines()
                .any(|l| l.contains(&request) && l.contains("HeadlessChrome")),
            "no {request} from the browser in the access log:\n{access}"
        );
    }
    finish(client, &stack, &[]).await;
}

/// The API's own message for a 4xx: whitespace only → 422 "Invalid goal text.", shown
/// on the page (and logged by Chromium itself, which proves the console is really read).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apis_own_message_for_a_bad_goal_is_shown() {
    let stack = Stack::shared();
    let (_driver, client) = open(&stack, "/").await;
    type_goal(&client, "   ").await;
    submit_goal(&client).await;
    assert_eq!(alert_text(&client).await, "Invalid goal text.");
    screenshot(&client, "goals-error.png").await;
    let console = take_console(&client).await;
    assert!(
        console
            .iter()
            .any(|e| e.level == "SEVERE" && e.message.contains("status of 422")),
        "the 422 is not in the browser console: {console:?}"
    );
    let bad = unexpected(&console, &["status of 422"]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));
    finish(client, &stack, &[]).await;
}

/// Client-side navigation: the router swaps the page, the browser loads the lists itself
/// from the public URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_favorites_load_after_client_side_navigation() {
    let stack = Stack::shared();
    let (_driver, client) = open(&stack, "/").await;
    click(
        &client,
        "nav a[href='/favorites']",
        "the nav link to /favorites",
    )
    .await;
    eventually("the films after client-side navigation", WAIT, || async {
        (texts(&client, "#films .item-name").await.len() == 6).then_some(())
    })
    .await;
    assert_eq!(client.current_url().await.unwrap().path(), "/favorites");
    finish(client, &stack, &[]).await;
}

/// A full load of `/favorites` (server-rendered, then hydrated): films and characters
/// are saved, a saved one's button is disabled, a name saved meanwhile elsewhere gets the
/// service's 409 and shows as saved, and a favorite is removed. The only test that
/// writes favorites on the shared stack; it checks its own names only all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn favorites_are_saved_marked_and_removed() {
    const MINE: [&str; 3] = ["A New Hope", "Luke Skywalker", "Leia Organa"];
    let stack = Stack::shared();
    let favorites_url = stack.favorites.url("/favorites");
    let saved = || mine_saved(&favorites_url, &MINE);
    assert!(saved().await.is_empty(), "saved before the test");

    let (_driver, client) = open(&stack, "/favorites").await;
    let films = texts(&client, "#films .item-name").await;
    assert_eq!(films.len(), 6, "films: {films:?}");
    assert!(films.contains(&"A New Hope".to_owned()), "{films:?}");
    let people = texts(&client, "#people .item-name").await;
    assert!(people.contains(&"Luke Skywalker".to_owned()), "{people:?}");

    add_favorite(&client, "A New Hope").await;
    wait_for_text(&client, "#favorites .item-name", "A New Hope", true).await;
    add_favorite(&client, "Luke Skywalker").await;
    wait_for_text(&client, "#favorites .item-name", "Luke Skywalker", true).await;
    let kinds: Vec<(String, String)> = saved().await.into_iter().map(|(n, t, _)| (n, t)).collect();
    assert_eq!(
        kinds,
        [
            ("A New Hope".to_owned(), "movie".to_owned()),
            ("Luke Skywalker".to_owned(), "character".to_owned())
        ]
    );
    let bad = unexpected(&take_console(&client).await, &[]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    // A saved favorite's button cannot be clicked again.
    assert!(
        is_disabled(
            &client,
            "button[data-name='A New Hope']",
            "the button of A New Hope"
        )
        .await,
        "a saved film's button is enabled"
    );

    // The service's own error: a name saved meanwhile (elsewhere) → 409, and the page
    // learns it is saved.
    let res = reqwest::Client::new()
        .post(&favorites_url)
        .json(&serde_json::json!({"name": "Leia Organa", "type": "character", "url": "u"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    add_favorite(&client, "Leia Organa").await;
    eventually("the 409 message", WAIT, || async {
        texts(&client, ".alert-error .alert-message")
            .await
            .into_iter()
            .find(|t| t == "Favorite exists already!")
    })
    .await;
    wait_for_text(&client, "#favorites .item-name", "Leia Organa", true).await;
    screenshot(&client, "favorites.png").await;
    let console = take_console(&client).await;
    assert!(
        console.iter().any(|e| e.message.contains("status of 409")),
        "the 409 is not in the browser console: {console:?}"
    );
    let bad = unexpected(&console, &["status of 409"]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    // A favorite can be removed.
    let luke = saved()
        .await
        .into_iter()
        .find(|(name, _, _)| name == "Luke Skywalker")
        .map(|(_, _, id)| id)
        .expect("Luke Skywalker is saved");
    client
        .find(Locator::Css(&format!(
            "#favorites li.chip[data-id='{luke}'] button.chip-remove"
        )))
        .await
        .expect("the remove button of Luke Skywalker's chip")
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "#favorites .item-name", "Luke Skywalker", false).await;
    let names: Vec<String> = saved().await.into_iter().map(|(n, _, _)| n).collect();
    assert_eq!(names, ["A New Hope", "Leia Organa"]);
    finish(client, &stack, &[]).await;
}

/// Clicks the "add to favorites" button of `name` (a film or a character).
async fn add_favorite(client: &Client, name: &str) {
    let button = format!("button[data-name='{name}']");
    click(client, &button, &format!("the button of {name}")).await;
}

/// (name, type, id) of the favorites at `url` (`GET /favorites`) named in `names`.
async fn mine_saved(url: &str, names: &[&str]) -> Vec<(String, String, String)> {
    get_json(url).await["favorites"]
        .as_array()
        .unwrap_or_else(|| panic!("GET {url}: no favorites array"))
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (field("name"), field("type"), field("id"))
        })
        .filter(|(name, _, _)| names.contains(&name.as_str()))
        .collect()
}

/// The next page of characters comes from the browser, through the public URL, and its
/// number is in the URL: a reload keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_characters_page_is_in_the_url_and_survives_a_reload() {
    let stack = Stack::shared();
    let (_driver, client) = open(&stack, "/favorites").await;
    let first = texts(&client, "#people .item-name").await;
    assert!(first.contains(&"Luke Skywalker".to_owned()), "{first:?}");
    click(&client, ".pager a:last-child", "the pager's next link").await;
    eventually("page 2 of the people", WAIT, || async {
        let now = texts(&client, "#people .item-name").await;
        (!now.is_empty() && !now.contains(&"Luke Skywalker".to_owned())).then_some(())
    })
    .await;
    let url = client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("page=2"), "{url}");
    let bad = unexpected(&take_console(&client).await, &[]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));
    client.refresh().await.unwrap();
    wait_hydrated(&client).await;
    let now = texts(&client, "#people .item-name").await;
    assert!(
        !now.is_empty() && !now.contains(&"Luke Skywalker".to_owned()),
        "after a reload: {now:?}"
    );
    assert!(
        texts(&client, ".pager-label")
            .await
            .iter()
            .any(|l| l.starts_with("Page 2 of ")),
        "the pager after a reload"
    );
    finish(client, &stack, &[]).await;
}

/// The backend is gone: readable errors on the server-rendered page and after a submit in
/// the browser, and the frontend still serves; once it is back, "Try again" loads the
/// list. A stack of its own: it stops its backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_backend_the_page_says_so_and_the_frontend_still_serves() {
    let mut stack = Stack::start(&shared_mongo().fresh_db("e2e-no-backend"));
    stack.stop_backend();
    let html = get_text(&stack.page("/")).await;
    assert!(
        html.contains("Could not reach the goals API"),
        "server-side render without a backend:\n{html}"
    );
    let (_driver, client) = open(&stack, "/").await;
    assert_eq!(alert_text(&client).await, "Could not reach the goals API");
    type_goal(&client, "Anyone there?").await;
    submit_goal(&client).await;
    eventually("the unreachable message after submitting", WAIT, || async {
        let alerts = texts(&client, ".alert-error .alert-message").await;
        (alerts.len() == 2 && alerts.iter().all(|t| t == "Could not reach the goals API"))
            .then_some(())
    })
    .await;
    screenshot(&client, "goals-unreachable.png").await;
    assert_eq!(
        test_support::http_status(stack.frontend.port, "/readyz"),
        Some(200),
        "readiness does not depend on the backend"
    );
    let bad = unexpected(
        &take_console(&client).await,
        &["net::ERR_CONNECTION_REFUSED"],
    );
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    // The backend is back: "Try again" reads the list again, from the browser.
    stack.restart_backend();
    click(
        &client,
        ".alert-error button.button",
        "the failed list's \"Try again\" button",
    )
    .await;
    wait_for_text(&client, ".empty", "No goals yet", true).await;
    assert_eq!(
        texts(&client, ".alert-error .alert-message").await,
        ["Could not reach the goals API"],
        "only the notice of the failed submit is left"
    );
    client.close().await.unwrap();
}
