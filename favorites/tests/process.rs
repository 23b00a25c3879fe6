//! The real `favorites` binary as a process, against the real `swapi-standin` binary,
//! against SWAPIs that hang, fail or answer garbage, and against the shared MongoDB:
//! SWAPI pass-through and its errors, concurrent saves, configuration errors, the
//! healthcheck mode and graceful stop.

mod support;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{json, Value};
use support::{
    client, closed_port, data, favorites, favorites_with, get_json, standin, stored, vars, Fake,
    FakeSwapi, FAVORITES,
};
use test_support::process::{assert_start_error, run_to_end, StartCase};
use test_support::shared_mongo;

fn titles(list: &Value, field: &str) -> Vec<String> {
    list["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|f| f[field].as_str().unwrap().to_owned())
        .collect()
}

fn fresh_db() -> String {
    shared_mongo().fresh_db("swfav-proc")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn movies_are_the_six_films_of_the_standin() {
    let swapi = standin(&[]);
    // a trailing slash on the base URL is fine
    let fav = favorites(&swapi.url("/api/"), 5000, &fresh_db());

    let (status, body) = get_json(&fav.url("/movies")).await;
    assert_eq!(status, 200, "{body}\n{}", fav.output());
    let mut keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["movies"]);
    let movies = &body["movies"];
    assert_eq!(movies["count"], 6);
    assert_eq!(movies["next"], Value::Null);
    assert_eq!(movies["previous"], Value::Null);
    let expected: Vec<String> = data("films")
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles(movies, "title"), expected);
    // passed through unchanged: exactly what the stand-in answers
    let (_, direct) = get_json(&swapi.url("/api/films/")).await;
    assert_eq!(*movies, direct);
    assert_eq!(
        movies["results"][0]["url"],
        format!("http://127.0.0.1:{}/api/films/1/", swapi.port)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_pages_pass_through() {
    let swapi = standin(&[]);
    let fav = favorites(&swapi.url("/api"), 5000, &fresh_db());
    let base = format!("http://127.0.0.1:{}/api/", swapi.port);

    let (status, body) = get_json(&fav.url("/people")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["people"]["count"], 82);
    assert_eq!(body["people"]["previous"], Value::Null);
    assert_eq!(body["people"]["results"][0]["name"], "Luke Skywalker");

    let (status, body) = get_json(&fav.url("/people?page=2")).await;
    assert_eq!(status, 200, "{body}");
    let people = &body["people"];
    let expected: Vec<String> = data("people")[10..20]
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles(people, "name"), expected);
    assert_eq!(people["previous"], format!("{base}people/?page=1"));
    assert_eq!(people["next"], format!("{base}people/?page=3"));
    assert_eq!(people["count"], 82);

    // past the last page: SWAPI's 404 becomes ours
    for path in ["/people?page=10", "/movies?page=2"] {
        let (status, body) = get_json(&fav.url(path)).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body, json!({ "message": "No such page." }), "{path}");
    }
    // a page that is not a positive whole number never reaches SWAPI
    for bad in ["0", "-2", "two", "", "2.5"] {
        let (status, body) = get_json(&fav.url(&format!("/people?page={bad}"))).await;
        assert_eq!(status, 400, "page={bad}");
        assert!(body["message"].as_str().unwrap().contains("page"), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapi_that_hangs_is_a_504_after_the_timeout() {
    let swapi = FakeSwapi::start(Fake::Hang);
    let fav = favorites(&swapi.base(), 700, &fresh_db());
    for path in ["/movies", "/people?page=3"] {
        let started = Instant::now();
        let (status, body) = get_json(&fav.url(path)).await;
        let took = started.elapsed();
        assert_eq!(status, 504, "{path}: {body}");
        assert_eq!(body, json!({ "message": "SWAPI did not answer in time." }));
        assert!(
            took >= Duration::from_millis(650) && took < Duration::from_millis(3000),
            "{path}: answered after {took:?}, timeout 700 ms"
        );
    }
    // the cause is logged
    assert!(
        fav.printed("SWAPI did not answer in time", Duration::from_secs(3)),
        "{}",
        fav.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapi_error_status_is_a_502() {
    let swapi = FakeSwapi::start(Fake::Answer {
        status: "500 Internal Server Error",
        content_type: "application/json",
        body: r#"{"detail":"boom"}"#.into(),
    });
    let fav = favorites(&swapi.base(), 2000, &fresh_db());
    let (status, body) = get_json(&fav.url("/movies")).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body, json!({ "message": "SWAPI answered with an error." }));
    let (status, _) = get_json(&fav.url("/people?page=4")).await;
    assert_eq!(status, 502);
    // the requests went where SWAPI_BASE_URL says, page included
    assert_eq!(swapi.requests(), ["/api/films/", "/api/people/?page=4"]);
    assert!(
        fav.printed("500", Duration::from_secs(3)),
        "{}",
        fav.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapi_answering_html_is_a_502() {
    let swapi = FakeSwapi::start(Fake::Answer {
        status: "200 OK",
        content_type: "text/html",
        body: "<html><body>Service Unavailable</body></html>".into(),
    });
    let fav = favorites(&swapi.base(), 2000, &fresh_db());
    let (status, body) = get_json(&fav.url("/people")).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(
        body,
        json!({ "message": "SWAPI answered with something that is not JSON." })
    );
    assert!(
        fav.printed("not JSON", Duration::from_secs(3)),
        "{}",
        fav.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapi_that_refuses_connections_is_a_502() {
    let fav = favorites(
        &format!("http://127.0.0.1:{}/api", closed_port()),
        2000,
        &fresh_db(),
    );
    let started = Instant::now();
    let (status, body) = get_json(&fav.url("/movies")).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body, json!({ "message": "Could not reach SWAPI." }));
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Two saves of one name at the same moment, through the real binary: exactly one is
/// stored (the database says so), the other is a 409.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_posts_of_one_name_save_exactly_one() {
    let db = fresh_db();
    let mut fav = favorites(
        &format!("http://127.0.0.1:{}/api", closed_port()),
        2000,
        &db,
    );
    fav.wait_ready();
    let http = client();
    for round in 0..3 {
        let name = format!("Boba Fett {round}");
        let posts = (0..2).map(|_| {
            http.post(fav.url("/favorites"))
                .json(&json!({ "name": name, "type": "character", "url": "https://swapi.dev/api/people/22/" }))
                .send()
        });
        let mut statuses: Vec<u16> = join_all(posts)
            .await
            .into_iter()
            .map(|r| r.unwrap().status().as_u16())
            .collect();
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}");
    }
    let docs = stored(&shared_mongo().client().database(&db)).await;
    let names: Vec<&str> = docs.iter().map(|d| d.get_str("name").unwrap()).collect();
    assert_eq!(names, ["Boba Fett 0", "Boba Fett 1", "Boba Fett 2"]);

    let (status, body) = get_json(&fav.url("/favorites")).await;
    assert_eq!(status, 200);
    assert_eq!(body["favorites"].as_array().unwrap().len(), 3);
}

/// The exit-code contract (see the backend's tests): 2 for a setting, 1 for the
/// outside world, one line naming the variable.
#[test]
fn start_up_errors_have_one_line_naming_the_variable_and_their_exit_code() {
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    let cases: &[StartCase] = &[
        (&[("SWAPI_TIMEOUT_MS", "abc")], 2, "SWAPI_TIMEOUT_MS"),
        (&[("SWAPI_TIMEOUT_MS", "0")], 2, "SWAPI_TIMEOUT_MS"),
        (&[("SWAPI_BASE_URL", "swapi.dev/api")], 2, "SWAPI_BASE_URL"),
        (
            &[("SWAPI_BASE_URL", "ftp://swapi.dev/api")],
            2,
            "SWAPI_BASE_URL",
        ),
        (&[("PORT", "three thousand")], 2, "PORT"),
        (&[("MONGODB_PORT", "99999")], 2, "MONGODB_PORT"),
        (&[("MONGODB_USERNAME", "root")], 2, "MONGODB_PASSWORD"),
        (
            &[
                ("MONGODB_USERNAME", "root"),
                ("MONGODB_PASSWORD_FILE", "/nonexistent"),
            ],
            2,
            "MONGODB_PASSWORD_FILE",
        ),
        (&[("MONGODB_URL", "http://mongodb")], 2, "MONGODB_URL"),
        (
            &[("MONGODB_URL", "mongodb://host:99999/db")],
            2,
            "MONGODB_URL",
        ),
        (&[("PORT", &taken_port)], 1, "PORT"),
    ];
    for (env, code, var) in cases {
        assert_start_error(FAVORITES, "favorites", &vars(env), *code, var, &[]);
    }
    drop(taken);
}

#[test]
fn check_config_prints_the_effective_settings_without_secrets() {
    let env = vars(&[
        (
            "MONGODB_URL",
            "mongodb://root:hunter2@db:27017/swfavorites?authSource=admin",
        ),
        ("SWAPI_BASE_URL", "http://swapi:8000/api/"),
    ]);
    let (status, out) = run_to_end(FAVORITES, &["check-config"], &env);
    assert_eq!(status.code(), Some(0), "{out}");
    for line in [
        "PORT=3000",
        "MONGODB_URL=mongodb://root:***@db:27017/swfavorites?authSource=admin",
        "database=swfavorites",
        "SWAPI_BASE_URL=http://swapi:8000/api",
        "SWAPI_TIMEOUT_MS=5000",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} missing:\n{out}");
    }
    assert!(!out.contains("hunter2"), "{out}");
}

#[test]
fn healthcheck_mode_follows_readiness() {
    let swapi = format!("http://127.0.0.1:{}/api", closed_port());
    // ready: the database answers
    let mut ready = favorites(&swapi, 2000, &fresh_db());
    ready.wait_ready();
    let (status, out) = run_to_end(
        FAVORITES,
        &["healthcheck"],
        &vars(&[("PORT", &ready.port.to_string())]),
    );
    assert_eq!(status.code(), Some(0), "{out}");

    // serving but not ready: the database is not there
    let db_port = closed_port().to_string();
    let not_ready = favorites_with(&[
        ("MONGODB_HOST", "127.0.0.1"),
        ("MONGODB_PORT", &db_port),
        ("SWAPI_BASE_URL", &swapi),
    ]);
    let (status, out) = run_to_end(
        FAVORITES,
        &["healthcheck"],
        &vars(&[("PORT", &not_ready.port.to_string())]),
    );
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("503"), "{out}");

    // nothing serving
    let (status, out) = run_to_end(
        FAVORITES,
        &["healthcheck"],
        &vars(&[("PORT", &closed_port().to_string())]),
    );
    assert_eq!(status.code(), Some(1), "{out}");
}

#[test]
fn stops_gracefully_on_sigterm() {
    let swapi = format!("http://127.0.0.1:{}/api", closed_port());
    let mut fav = favorites(&swapi, 2000, &fresh_db());
    // service_kit::server::serve installs its signal handlers only once it has started
    // serving (a SIGTERM in the first instants kills the process with the default
    // action); being ready takes a database round trip, long past that window.
    fav.wait_ready();
    let started = Instant::now();
    fav.terminate();
    let status = fav
        .wait_exit(Duration::from_secs(6))
        .expect("exits on SIGTERM");
    assert_eq!(status.code(), Some(0), "{}", fav.output());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// The service starts with the database down and says so; it never needs SWAPI to start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_without_the_database_and_still_serves_swapi() {
    let swapi = standin(&[]);
    let db_port = closed_port().to_string();
    let fav = favorites_with(&[
        (
            "MONGODB_URL",
            &format!("mongodb://127.0.0.1:{db_port}/swfavorites"),
        ),
        ("SWAPI_BASE_URL", &swapi.url("/api")),
    ]);
    let (status, body) = get_json(&fav.url("/movies")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get_json(&fav.url("/favorites")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, json!({ "message": "Database unavailable." }));
}
