//! The whole stack in a real browser: MongoDB test server, the goals backend, the
//! favorites service with the offline SWAPI stand-in, and the frontend (debug build,
//! where Leptos reports hydration mismatches), all as real processes; headless
//! Chromium drives the pages.
//!
//! Needs `scripts/install-browser.sh` (Debian chromium + chromium-driver) and the wasm
//! toolchain of `scripts/build-frontend.sh`; without them it fails and says so.
//! Screenshots land in `test-artifacts/`.

use std::time::Duration;

use browser_tests::{
    build_bins, build_frontend, debug_bin, eventually, has_favorites_service, screenshot,
    start_backend, submit_goal, take_console, texts, type_goal, unexpected, userinfo_encode,
    wait_hydrated, ChromeDriver,
};
use fantoccini::{Client, Locator};
use mongodb::bson::{doc, Document};
use serde_json::Value;
use test_support::{free_port, shared_mongo, ServiceProcess};

const SEEDED: &str = "Seeded goal, straight from the database";
const TYPED: &str = "Typed into the browser form";
const WAIT: Duration = Duration::from_secs(20);

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn get_json(url: &str) -> Value {
    let res = reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(res.status().is_success(), "GET {url}: {}", res.status());
    res.json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

async fn goal_texts_in_api(backend: &ServiceProcess) -> Vec<String> {
    get_json(&backend.url("/goals")).await["goals"]
        .as_array()
        .expect("goals array")
        .iter()
        .map(|g| g["text"].as_str().unwrap_or_default().to_owned())
        .collect()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goals_and_favorites_work_in_a_real_browser() {
    // --- what the test needs, built or found (never skipped) ---------------------
    let _ = browser_tests::browser_paths();
    build_frontend();
    let favorites_present = has_favorites_service();
    if favorites_present {
        build_bins(&["backend", "favorites"]);
    } else {
        build_bins(&["backend"]);
        eprintln!("NOTE: no favorites/ package in this workspace: the /favorites part is not run");
    }

    // --- the services, as real processes ------------------------------------------
    let mongo = shared_mongo();
    let goals_db = mongo.fresh_db("e2e-goals");
    let seeded_id = mongo
        .client()
        .database(&goals_db)
        .collection::<Document>("goals")
        .insert_one(doc! { "text": SEEDED })
        .await
        .expect("seed a goal")
        .inserted_id
        .as_object_id()
        .expect("ObjectId")
        .to_hex();

    let (backend, logs) = start_backend(&goals_db);
    let backend_port = backend.port;

    let mut _swapi = None;
    let mut favorites = None;
    let favorites_port = free_port();
    if favorites_present {
        let swapi_port = free_port();
        let mut swapi = ServiceProcess::spawn(
            debug_bin("swapi-standin"),
            swapi_port,
            &env(&[("PORT", &swapi_port.to_string())]),
        );
        swapi.wait_serving();
        let url = format!(
            "mongodb://{}:{}@{}:{}/{}?authSource=admin",
            mongo.username,
            userinfo_encode(&mongo.password),
            mongo.host,
            mongo.port,
            mongo.fresh_db("e2e-favorites"),
        );
        let mut fav = ServiceProcess::spawn(
            debug_bin("favorites"),
            favorites_port,
            &env(&[
                ("MONGODB_URL", &url),
                (
                    "SWAPI_BASE_URL",
                    &format!("http://127.0.0.1:{swapi_port}/api"),
                ),
                ("PORT", &favorites_port.to_string()),
            ]),
        );
        fav.wait_ready();
        _swapi = Some(swapi);
        favorites = Some(fav);
    }

    // The server reaches the services at 127.0.0.1 (standing in for service names in
    // the network), the browser at localhost (the published ports).
    let frontend_port = free_port();
    let mut frontend = ServiceProcess::spawn(
        debug_bin("frontend"),
        frontend_port,
        &env(&[
            ("PORT", &frontend_port.to_string()),
            (
                "BACKEND_INTERNAL_URL",
                &format!("http://127.0.0.1:{backend_port}"),
            ),
            (
                "BACKEND_PUBLIC_URL",
                &format!("http://localhost:{backend_port}"),
            ),
            (
                "FAVORITES_INTERNAL_URL",
                &format!("http://127.0.0.1:{favorites_port}"),
            ),
            (
                "FAVORITES_PUBLIC_URL",
                &format!("http://localhost:{favorites_port}"),
            ),
        ]),
    );
    frontend.wait_serving().wait_ready();
    let page = |path: &str| format!("http://localhost:{frontend_port}{path}");

    // --- 1. server-side rendering: the seeded goal is in the first HTML ------------
    let res = reqwest::get(page("/")).await.expect("GET /");
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
    let item = format!("data-id=\"{seeded_id}\"");
    let at = html
        .find(&item)
        .unwrap_or_else(|| panic!("the seeded goal is not in the server-rendered HTML:\n{html}"));
    assert!(html[at..].contains(SEEDED), "{html}");
    assert!(
        at < html.find("</main>").unwrap(),
        "the goal list is not inline in the page body (SsrMode::Async):\n{html}"
    );
    assert!(
        html.contains(&format!(
            "<meta name=\"goals-api\" content=\"http://localhost:{backend_port}\">"
        )),
        "the public backend URL is not handed to the browser:\n{html}"
    );
    assert!(!html.contains("Could not reach"), "{html}");

    // Assets: versioned URLs, right content types, long caching.
    let wasm_url = html
        .split("module_or_path: \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("boot script names the wasm")
        .to_owned();
    let res = reqwest::get(page(&wasm_url)).await.unwrap();
    assert_eq!(res.status(), 200, "{wasm_url}");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let css = reqwest::get(page("/pkg/frontend.css")).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css");
    assert_eq!(css.headers()["cache-control"], "no-cache");
    let missing = reqwest::get(page("/no/such/page")).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));

    // --- 2. the browser: hydrate, add, delete ---------------------------------------
    let driver = ChromeDriver::start();
    let client = driver.session().await;
    client.goto(&page("/")).await.expect("open /");
    wait_hydrated(&client).await;
    wait_for_text(&client, ".goal-item .goal-text", SEEDED, true).await;

    let input = client.find(Locator::Css("#goal-text")).await.unwrap();
    input.send_keys(TYPED).await.unwrap();
    submit_goal(&client).await;
    wait_for_text(&client, ".goal-item .goal-text", TYPED, true).await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some(""),
        "the input is cleared after saving"
    );
    assert_eq!(goal_texts_in_api(&backend).await, [SEEDED, TYPED]);
    screenshot(&client, "goals.png").await;

    // Delete the seeded goal by clicking it.
    client
        .find(Locator::Css(&format!(".goal-item[data-id='{seeded_id}']")))
        .await
        .expect("the seeded goal's list item")
        .click()
        .await
        .unwrap();
    wait_for_text(&client, ".goal-item .goal-text", SEEDED, false).await;
    assert_eq!(goal_texts_in_api(&backend).await, [TYPED]);
    assert_eq!(
        stored_goal_texts(&mongo.client(), &goals_db).await,
        [TYPED],
        "what MongoDB holds"
    );

    // No console errors, no hydration warnings on the happy path.
    let console = take_console(&client).await;
    let bad = unexpected(&console, &[]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    // The API's own message for a 4xx: whitespace only → 422 "Invalid goal text."
    input.send_keys("   ").await.unwrap();
    submit_goal(&client).await;
    assert_eq!(alert_text(&client).await, "Invalid goal text.");
    screenshot(&client, "goals-error.png").await;
    let console = take_console(&client).await;
    // The console is really read: Chromium logs the failed request itself.
    assert!(
        console
            .iter()
            .any(|e| e.level == "SEVERE" && e.message.contains("status of 422")),
        "the 422 is not in the browser console: {console:?}"
    );
    let bad = unexpected(&console, &["status of 422"]);
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    // Who called the backend from where: the server for the first paint, the browser
    // (its own user agent) for the changes.
    let access = std::fs::read_to_string(logs.path().join("access.log")).expect("access log");
    assert!(
        access.lines().any(
            |l| l.contains("\"GET /goals HTTP/1.1\" 200") && l.contains("course-frontend-ssr/")
        ),
        "no server-side GET /goals in the access log:\n{access}"
    );
    for request in ["\"POST /goals HTTP/1.1\" 201", "\"DELETE /goals/"] {
        assert!(
            access
                .lines()
                .any(|l| l.contains(request) && l.contains("HeadlessChrome")),
            "no {request} from the browser in the access log:\n{access}"
        );
    }

    // --- 3. favorites ---------------------------------------------------------------
    if let Some(fav) = &favorites {
        // Client-side navigation: the router swaps the page, the browser loads the
        // lists itself from the public URL (loading state, then the data).
        client
            .find(Locator::Css("nav a[href='/favorites']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        eventually("the films after client-side navigation", WAIT, || async {
            (texts(&client, "#films .item-name").await.len() == 6).then_some(())
        })
        .await;
        assert_eq!(client.current_url().await.unwrap().path(), "/favorites");
        let bad = unexpected(&take_console(&client).await, &[]);
        assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

        // A full load: server-rendered, then hydrated.
        client
            .goto(&page("/favorites"))
            .await
            .expect("open /favorites");
        wait_hydrated(&client).await;
        let films = texts(&client, "#films .item-name").await;
        assert_eq!(films.len(), 6, "films: {films:?}");
        assert!(films.contains(&"A New Hope".to_owned()), "{films:?}");
        let people = texts(&client, "#people .item-name").await;
        assert!(people.contains(&"Luke Skywalker".to_owned()), "{people:?}");
        assert!(
            texts(&client, "#favorites .item-name").await.is_empty(),
            "no favorites yet"
        );

        let add = |name: &'static str| {
            let client = client.clone();
            async move {
                client
                    .find(Locator::Css(&format!("button[data-name='{name}']")))
                    .await
                    .unwrap_or_else(|e| panic!("the button of {name}: {e}"))
                    .click()
                    .await
                    .unwrap();
            }
        };
        add("A New Hope").await;
        wait_for_text(&client, "#favorites .item-name", "A New Hope", true).await;
        add("Luke Skywalker").await;
        wait_for_text(&client, "#favorites .item-name", "Luke Skywalker", true).await;
        let saved = get_json(&fav.url("/favorites")).await;
        let saved: Vec<(String, String)> = saved["favorites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_owned(),
                    f["type"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            saved,
            [
                ("A New Hope".to_owned(), "movie".to_owned()),
                ("Luke Skywalker".to_owned(), "character".to_owned())
            ]
        );
        let bad = unexpected(&take_console(&client).await, &[]);
        assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

        // A saved favorite's button cannot be clicked again.
        let saved_button = client
            .find(Locator::Css("button[data-name='A New Hope']"))
            .await
            .unwrap();
        assert!(
            saved_button.attr("disabled").await.unwrap().is_some(),
            "a saved film's button is enabled"
        );

        // The service's own error: a name saved meanwhile (elsewhere) → 409, and the
        // page learns it is saved.
        let res = reqwest::Client::new()
            .post(fav.url("/favorites"))
            .json(&serde_json::json!({"name": "Leia Organa", "type": "character", "url": "u"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        add("Leia Organa").await;
        eventually("the 409 message", WAIT, || async {
            texts(&client, ".alert-error .alert-message")
                .await
                .into_iter()
                .find(|t| t == "Favorite exists already!")
        })
        .await;
        wait_for_text(&client, "#favorites .item-name", "Leia Organa", true).await;
        screenshot(&client, "favorites.png").await;

        // A favorite can be removed.
        client
            .find(Locator::Css(
                "#favorites li.chip:nth-child(2) button.chip-remove",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "#favorites .item-name", "Luke Skywalker", false).await;
        let names: Vec<String> = get_json(&fav.url("/favorites")).await["favorites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["A New Hope", "Leia Organa"]);

        // The next page of people comes from the browser, through the public URL, and
        // its number is in the URL: a reload keeps it.
        client
            .find(Locator::Css(".pager a:last-child"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        eventually("page 2 of the people", WAIT, || async {
            let now = texts(&client, "#people .item-name").await;
            (!now.is_empty() && !now.contains(&"Luke Skywalker".to_owned())).then_some(())
        })
        .await;
        let url = client.current_url().await.unwrap();
        assert_eq!(url.query(), Some("page=2"), "{url}");
        let console_so_far = take_console(&client).await;
        client.refresh().await.unwrap();
        wait_hydrated(&client).await;
        let now = texts(&client, "#people .item-name").await;
        assert!(
            !now.is_empty() && !now.contains(&"Luke Skywalker".to_owned()),
            "after a reload: {now:?}"
        );
        let mut console = console_so_far;
        console.extend(take_console(&client).await);
        assert!(
            console.iter().any(|e| e.message.contains("status of 409")),
            "the 409 is not in the browser console: {console:?}"
        );
        let bad = unexpected(&console, &["status of 409", "status of 404"]);
        assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));
    }

    // The frontend server itself logged no warnings or errors so far.
    let out = frontend.output();
    assert!(
        !out.contains("WARN") && !out.contains("ERROR") && !out.contains("panicked"),
        "frontend server output:\n{out}"
    );

    // --- 4. the backend is gone: readable errors, the frontend still serves ----------
    drop(backend);
    let html = reqwest::get(page("/")).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Could not reach the goals API"),
        "server-side render without a backend:\n{html}"
    );
    client.goto(&page("/")).await.unwrap();
    wait_hydrated(&client).await;
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
        test_support::http_status(frontend.port, "/readyz"),
        Some(200),
        "readiness does not depend on the backend"
    );
    let bad = unexpected(
        &take_console(&client).await,
        &["net::ERR_CONNECTION_REFUSED"],
    );
    assert!(bad.is_empty(), "browser console:\n{}", bad.join("\n"));

    client.close().await.unwrap();
}

/// The `text` of every goal in `db`, in insertion order, read from MongoDB itself.
async fn stored_goal_texts(client: &mongodb::Client, db: &str) -> Vec<String> {
    let mut cursor = client
        .database(db)
        .collection::<Document>("goals")
        .find(doc! {})
        .sort(doc! { "_id": 1 })
        .await
        .expect("find goals");
    let mut out = Vec::new();
    while cursor.advance().await.expect("cursor") {
        let d = cursor.deserialize_current().expect("document");
        out.push(d.get_str("text").unwrap_or_default().to_owned());
    }
    out
}
