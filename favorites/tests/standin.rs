//! The real `swapi-standin` binary: SWAPI's shapes, pagination, items by id, 404s,
//! link rewriting, health, the healthcheck mode, configuration errors and SIGTERM.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};
use support::{client, data, get_json, standin, vars, STANDIN};
use test_support::process::{assert_start_error, run_to_end};

fn names(page: &Value, field: &str) -> Vec<String> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|p| p[field].as_str().unwrap().to_owned())
        .collect()
}

fn data_names(kind: &str, field: &str, range: std::ops::Range<usize>) -> Vec<String> {
    data(kind)[range]
        .iter()
        .map(|p| p[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_paged_ten_at_a_time_like_swapi() {
    let s = standin(&[]);
    let base = s.url("/api/");

    let (status, p1) = get_json(&s.url("/api/people/")).await;
    assert_eq!(status, 200, "{p1}");
    let mut keys: Vec<_> = p1.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["count", "next", "previous", "results"]);
    assert_eq!(p1["count"], 82);
    assert_eq!(p1["previous"], Value::Null);
    assert_eq!(p1["next"], format!("{base}people/?page=2"));
    assert_eq!(names(&p1, "name"), data_names("people", "name", 0..10));
    assert_eq!(get_json(&s.url("/api/people/?page=1")).await.1, p1);
    assert_eq!(get_json(&s.url("/api/people")).await.1, p1);

    let (status, p2) = get_json(&s.url("/api/people/?page=2")).await;
    assert_eq!(status, 200);
    assert_eq!(p2["previous"], format!("{base}people/?page=1"));
    assert_eq!(p2["next"], format!("{base}people/?page=3"));
    assert_eq!(names(&p2, "name"), data_names("people", "name", 10..20));

    let (status, last) = get_json(&s.url("/api/people/?page=9")).await;
    assert_eq!(status, 200);
    assert_eq!(last["next"], Value::Null);
    assert_eq!(last["previous"], format!("{base}people/?page=8"));
    assert_eq!(names(&last, "name"), data_names("people", "name", 80..82));

    // following `next` from page 1 visits all 82 people once
    let mut seen = Vec::new();
    let mut next = Some(s.url("/api/people/"));
    while let Some(url) = next {
        let (status, page) = get_json(&url).await;
        assert_eq!(status, 200, "{url}");
        seen.extend(names(&page, "name"));
        next = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, data_names("people", "name", 0..82));

    for bad in ["10", "0", "-1", "abc", "", "1.0"] {
        let (status, body) = get_json(&s.url(&format!("/api/people/?page={bad}"))).await;
        assert_eq!(status, 404, "page={bad}");
        assert_eq!(body, json!({ "detail": "Not found" }), "page={bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn films_fit_on_one_page() {
    let s = standin(&[]);
    let (status, films) = get_json(&s.url("/api/films/")).await;
    assert_eq!(status, 200);
    assert_eq!(films["count"], 6);
    assert_eq!(films["next"], Value::Null);
    assert_eq!(films["previous"], Value::Null);
    assert_eq!(names(&films, "title"), data_names("films", "title", 0..6));
    assert_eq!(get_json(&s.url("/api/films")).await.1, films);
    let (status, body) = get_json(&s.url("/api/films/?page=2")).await;
    assert_eq!((status, body), (404, json!({ "detail": "Not found" })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_by_id_with_or_without_the_trailing_slash() {
    let s = standin(&[]);
    let base = s.url("/api/");
    let (status, film) = get_json(&s.url("/api/films/1/")).await;
    assert_eq!(status, 200);
    assert_eq!(film["title"], "A New Hope");
    assert_eq!(film["url"], format!("{base}films/1/"));
    assert_eq!(film["characters"][0], format!("{base}people/1/"));
    // the whole item is the data's, links aside
    let mut expected = data("films")[0].clone();
    favorites::swapi_standin::rewrite_links(&mut expected, &base);
    assert_eq!(film, expected);
    assert_eq!(get_json(&s.url("/api/films/1")).await.1, film);

    let (status, luke) = get_json(&s.url("/api/people/1")).await;
    assert_eq!(status, 200);
    assert_eq!(luke["name"], "Luke Skywalker");
    assert_eq!(luke["homeworld"], format!("{base}planets/1/"));
    let (status, person) = get_json(&s.url("/api/people/83/")).await;
    assert_eq!(status, 200);
    assert_eq!(person["url"], format!("{base}people/83/"));

    for missing in [
        "/api/people/17/", // not in SWAPI either
        "/api/people/999/",
        "/api/people/abc/",
        "/api/films/7/",
        "/api/planets/",
        "/api/planets/1/",
        "/api/films/1/extra/",
        "/people/1/",
        "/",
    ] {
        let (status, body) = get_json(&s.url(missing)).await;
        assert_eq!(status, 404, "{missing}");
        assert_eq!(body, json!({ "detail": "Not found" }), "{missing}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_lists_what_it_serves() {
    let s = standin(&[]);
    let base = s.url("/api/");
    let expected = json!({ "films": format!("{base}films/"), "people": format!("{base}people/") });
    assert_eq!(get_json(&s.url("/api/")).await, (200, expected.clone()));
    assert_eq!(get_json(&s.url("/api")).await, (200, expected));
}

/// Every `https://swapi.dev/api/` link, in every list page and item, points at the
/// stand-in: at the Host the client used, or at `SWAPI_PUBLIC_URL` when set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_points_at_the_standin() {
    let s = standin(&[]);
    let mut urls = vec![s.url("/api/"), s.url("/api/films/")];
    urls.extend((1..=9).map(|n| s.url(&format!("/api/people/?page={n}"))));
    for kind in ["films", "people"] {
        for item in data(kind) {
            let path = item["url"]
                .as_str()
                .unwrap()
                .strip_prefix("https://swapi.dev")
                .unwrap()
                .to_owned();
            urls.push(s.url(&path));
        }
    }
    let http = client();
    for url in &urls {
        let text = http.get(url).send().await.unwrap().text().await.unwrap();
        assert!(!text.contains("swapi.dev"), "{url}: {text}");
        assert!(
            text.contains(&format!("http://127.0.0.1:{}/api/", s.port)),
            "{url}"
        );
    }

    // the Host header decides
    let res = http
        .get(s.url("/api/films/2/"))
        .header("host", "swapi.example:8080")
        .send()
        .await
        .unwrap();
    let film: Value = res.json().await.unwrap();
    assert_eq!(film["url"], "http://swapi.example:8080/api/films/2/");

    // unless SWAPI_PUBLIC_URL is set
    let public = standin(&[("SWAPI_PUBLIC_URL", "http://swapi:8000/api")]);
    let res = http
        .get(public.url("/api/people/?page=2"))
        .header("host", "swapi.example:8080")
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["next"], "http://swapi:8000/api/people/?page=3");
    assert_eq!(
        page["results"][0]["url"],
        "http://swapi:8000/api/people/11/"
    );
}

/// A Host header that is not a host[:port] cannot be spliced into the links.
#[test]
fn a_bad_host_header_is_refused() {
    let s = standin(&[]);
    for host in ["x\"y", "a b", "user@evil:1"] {
        let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET /api/films/1/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{host}: {answer}");
        assert!(!answer.contains(host), "{host}: {answer}");
    }
}

#[test]
fn health_healthcheck_mode_and_graceful_stop() {
    let mut s = standin(&[]);
    s.wait_ready();
    let env = vars(&[("PORT", &s.port.to_string())]);
    let (status, out) = run_to_end(STANDIN, &["healthcheck"], &env);
    assert_eq!(status.code(), Some(0), "{out}");

    s.terminate();
    let status = s
        .wait_exit(Duration::from_secs(5))
        .expect("exits on SIGTERM");
    assert_eq!(status.code(), Some(0), "{}", s.output());

    // nothing serves there any more
    let (status, out) = run_to_end(STANDIN, &["healthcheck"], &env);
    assert_eq!(status.code(), Some(1), "{out}");
}

#[test]
fn configuration_errors_stop_with_one_line_naming_the_variable() {
    for (env, var) in [
        (vec![("PORT", "abc")], "PORT"),
        (
            vec![("SWAPI_PUBLIC_URL", "swapi:8000/api")],
            "SWAPI_PUBLIC_URL",
        ),
        (
            vec![("SWAPI_PUBLIC_URL", "ftp://swapi/api")],
            "SWAPI_PUBLIC_URL",
        ),
    ] {
        assert_start_error(STANDIN, "swapi-standin", &vars(&env), 2, var, &[]);
    }
}

/// The shared rejection handling (tested in `common`) is mounted in the stand-in too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_path_is_a_json_400() {
    let s = standin(&[]);
    let res = client().get(s.url("/api/films/%FF/")).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("UTF-8"),
        "{body}"
    );
}
