//! The goals API against a real MongoDB-compatible server (authentication on), every
//! route, status and message of the README's "The goals API".

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mongodb::bson::{doc, oid::ObjectId};
use serde_json::{json, Value};
use support::{access_log, app, listen, texts};

#[tokio::test]
async fn empty_list_then_saved_goals_in_insertion_order() {
    let app = app().await;
    let (status, body) = app.get("/goals").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "goals": [] }));

    for text in ["Learn Docker", "Learn Kubernetes", "Learn Rust"] {
        let (status, body) = app
            .post_json("/goals", &json!({ "text": text }).to_string())
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["message"], "Goal saved");
        assert_eq!(body["goal"]["text"], text);
        let id = body["goal"]["id"].as_str().unwrap();
        assert_eq!(id.len(), 24);
        assert!(ObjectId::parse_str(id).is_ok());
    }
    let (status, body) = app.get("/goals").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        texts(&body),
        ["Learn Docker", "Learn Kubernetes", "Learn Rust"]
    );
    // exactly {id, text} per goal, as the course's React client reads it
    let first = body["goals"][0].as_object().unwrap();
    let mut keys: Vec<_> = first.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["id", "text"]);
}

#[tokio::test]
async fn stored_as_id_and_trimmed_text_in_collection_goals() {
    let app = app().await;
    let (status, body) = app
        .post_json("/goals", r#"{"text":"  spaced out \n"}"#)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["goal"]["text"], "spaced out");
    let stored = app.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].get_str("text").unwrap(), "spaced out");
    assert_eq!(
        stored[0].get_object_id("_id").unwrap().to_hex(),
        body["goal"]["id"].as_str().unwrap()
    );
    let mut keys: Vec<_> = stored[0].keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["_id", "text"]);
}

#[tokio::test]
async fn reads_goals_written_by_the_node_version() {
    let app = app().await;
    let id = ObjectId::new();
    app.inspect
        .collection("goals")
        .insert_one(doc! { "_id": id, "text": "from mongoose", "__v": 0 })
        .await
        .unwrap();
    let (status, body) = app.get("/goals").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "goals": [{ "id": id.to_hex(), "text": "from mongoose" }] })
    );
}

#[tokio::test]
async fn invalid_text_is_422_and_stores_nothing() {
    let app = app().await;
    for body in [
        r#"{}"#,
        r#"{"text":null}"#,
        r#"{"text":42}"#,
        r#"{"text":["a"]}"#,
        r#"{"text":""}"#,
        r#"{"text":"   \t\n "}"#,
        r#"{"title":"x"}"#,
        r#"[]"#,
        r#""just a string""#,
    ] {
        let (status, res) = app.post_json("/goals", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(res, json!({ "message": "Invalid goal text." }), "{body}");
    }
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn text_over_1000_characters_is_422_and_exactly_1000_is_fine() {
    let app = app().await;
    let (status, res) = app
        .post_json("/goals", &json!({ "text": "x".repeat(1001) }).to_string())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res["message"].as_str().unwrap().contains("1000"), "{res}");
    // characters, not bytes: 1000 two-byte characters are allowed
    let (status, _) = app
        .post_json("/goals", &json!({ "text": "ü".repeat(1000) }).to_string())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.stored().await.len(), 1);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = app().await;
    for body in [
        r#"{"text": "unterminated"#,
        "text=hello",
        "{'text':'single quotes'}",
        "",
    ] {
        let (status, res) = app.post_json("/goals", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}: {res}");
        assert!(
            res["message"]
                .as_str()
                .unwrap()
                .starts_with("Malformed JSON"),
            "{res}"
        );
    }
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn wrong_or_missing_content_type_is_415() {
    let app = app().await;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = Request::post("/goals");
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let (status, res) = app
            .call(req.body(Body::from(r#"{"text":"x"}"#)).unwrap())
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert!(
            res["message"]
                .as_str()
                .unwrap()
                .contains("application/json"),
            "{res}"
        );
    }
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn body_over_16_kib_is_413_and_just_under_is_read() {
    let app = app().await;
    let big = json!({ "text": "x".repeat(17 * 1024) }).to_string();
    let (status, res) = app.post_json("/goals", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res["message"].as_str().unwrap().contains("16 KiB"), "{res}");
    // 16 KiB of JSON is read (and then refused for its length, not its size)
    let under = json!({ "text": "y".repeat(16 * 1024 - 20) }).to_string();
    assert!(under.len() <= 16 * 1024);
    let (status, _) = app.post_json("/goals", &under).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn delete_removes_only_that_goal() {
    let app = app().await;
    let mut ids = vec![];
    for text in ["a", "b", "c"] {
        let (_, body) = app
            .post_json("/goals", &json!({ "text": text }).to_string())
            .await;
        ids.push(body["goal"]["id"].as_str().unwrap().to_owned());
    }
    let (status, body) = app.delete(&format!("/goals/{}", ids[1])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "message": "Deleted goal!" }));
    let (_, body) = app.get("/goals").await;
    assert_eq!(texts(&body), ["a", "c"]);

    // the same id again: gone
    let (status, body) = app.delete(&format!("/goals/{}", ids[1])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({ "message": "Goal not found." }));
}

#[tokio::test]
async fn malformed_id_is_400_and_unknown_id_is_404() {
    let app = app().await;
    app.post_json("/goals", r#"{"text":"keep me"}"#).await;
    for bad in [
        "123",
        "zzzzzzzzzzzzzzzzzzzzzzzz",
        "not-an-id",
        "0123456789abcdef012345678",
    ] {
        let (status, body) = app.delete(&format!("/goals/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body, json!({ "message": "Invalid goal id." }));
    }
    let (status, body) = app
        .delete(&format!("/goals/{}", ObjectId::new().to_hex()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({ "message": "Goal not found." }));
    assert_eq!(app.stored().await.len(), 1);
}

#[tokio::test]
async fn unknown_route_is_404_and_wrong_method_405_both_json() {
    let app = app().await;
    let (status, body) = app.get("/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({ "message": "Not found." }));
    let (status, body) = app.get("/goals/abc/def").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["message"].is_string());
    let (status, body) = app
        .call(Request::put("/goals").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn cors_preflight_and_simple_requests() {
    let app = app().await;
    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::options("/goals")
            .header("origin", "http://localhost:3000")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert!(
        res.status() == StatusCode::OK || res.status() == StatusCode::NO_CONTENT,
        "{}",
        res.status()
    );
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    let methods = h["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .replace(' ', "");
    assert_eq!(methods, "GET,POST,DELETE,OPTIONS");
    assert_eq!(
        h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase(),
        "content-type"
    );

    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::get("/goals")
            .header("origin", "http://localhost:3000")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn health_and_readiness_with_the_database_up() {
    let app = app().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn access_log_gets_one_combined_line_per_request() {
    let app = app().await;
    let addr = listen(&app).await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("http://{addr}/goals?src=test"))
        .header("user-agent", "goals-test/1.0")
        .header("referer", "http://localhost:3000/")
        .json(&json!({ "text": "logged" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let len = res.bytes().await.unwrap().len();
    let res = http
        .get(format!("http://{addr}/missing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    let text = access_log(&app);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // 127.0.0.1 - - [23/Nov/2026:17:55:01 +0000] "POST /goals?src=test HTTP/1.1" 201 71 "http://localhost:3000/" "goals-test/1.0"
    let (head, rest) = lines[0].split_once(" [").unwrap();
    assert_eq!(head, "127.0.0.1 - -");
    let (date, rest) = rest.split_once("] ").unwrap();
    assert!(
        chrono_like_clf(date),
        "date {date:?} is not in CLF form dd/Mon/yyyy:HH:MM:SS +0000"
    );
    assert_eq!(
        rest,
        format!("\"POST /goals?src=test HTTP/1.1\" 201 {len} \"http://localhost:3000/\" \"goals-test/1.0\"")
    );
    assert!(
        lines[1].contains("\"GET /missing HTTP/1.1\" 404 "),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(" \"-\" \"-\""), "{}", lines[1]);
}

fn chrono_like_clf(s: &str) -> bool {
    // 07/Mar/2026:09:05:01 +0000
    let b = s.as_bytes();
    s.len() == 26
        && b[2] == b'/'
        && b[6] == b'/'
        && b[11] == b':'
        && b[14] == b':'
        && b[17] == b':'
        && s.ends_with(" +0000")
        && [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .contains(&&s[3..6])
}

#[tokio::test]
async fn hundred_concurrent_posts_save_exactly_hundred_goals() {
    let app = app().await;
    let addr = listen(&app).await;
    let http = reqwest::Client::new();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let http = http.clone();
            tokio::spawn(async move {
                http.post(format!("http://{addr}/goals"))
                    .json(&json!({ "text": format!("goal {i}") }))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let stored = app.stored().await;
    assert_eq!(stored.len(), 100);
    let mut seen: Vec<String> = stored
        .iter()
        .map(|d| d.get_str("text").unwrap().to_owned())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 100);
    let (_, body) = app.get("/goals").await;
    assert_eq!(body["goals"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn password_with_special_characters_works_as_a_credential() {
    let m = test_support::shared_mongo();
    // a user of its own whose password has every character that breaks a hand-made URL
    let user = format!("sc-{}", test_support::unique_suffix());
    let password = "p@ss:w/rd%?#[]";
    m.client()
        .database("admin")
        .run_command(doc! {
            "createUser": &user, "pwd": password,
            "roles": [{ "role": "readWrite", "db": "special" }],
            "mechanisms": ["SCRAM-SHA-256"],
        })
        .await
        .unwrap();
    let app = support::app_with_env(
        vec![
            ("MONGODB_HOST".into(), m.host.clone()),
            ("MONGODB_PORT".into(), m.port.to_string()),
            ("MONGODB_USERNAME".into(), user.clone()),
            ("MONGODB_PASSWORD".into(), password.into()),
            ("MONGODB_DATABASE".into(), "special".into()),
        ],
        "special",
    )
    .await;
    let (status, _) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post_json("/goals", r#"{"text":"special"}"#).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = app
        .delete(&format!("/goals/{}", body["goal"]["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_is_not_ready_and_data_routes_are_503() {
    let m = test_support::shared_mongo();
    let app = support::app_with_env(
        vec![
            ("MONGODB_HOST".into(), m.host.clone()),
            ("MONGODB_PORT".into(), m.port.to_string()),
            ("MONGODB_USERNAME".into(), m.username.clone()),
            ("MONGODB_PASSWORD".into(), "definitely-wrong".into()),
        ],
        // no MONGODB_DATABASE: the default database (never written to here)
        "course-goals",
    )
    .await;
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, json!({ "message": "Database unavailable." }));
    let (status, body) = app.get("/goals").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, json!({ "message": "Database unavailable." }));
    let (status, _) = app.post_json("/goals", r#"{"text":"x"}"#).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // bad input is still answered as bad input
    let (status, _) = app.post_json("/goals", r#"{"text":""}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unreachable_database_answers_503_within_the_driver_timeout() {
    let closed = test_support::free_port();
    let app = support::app_with_env(
        vec![
            ("MONGODB_HOST".into(), "127.0.0.1".into()),
            ("MONGODB_PORT".into(), closed.to_string()),
            ("MONGODB_USERNAME".into(), "".into()),
        ],
        // no MONGODB_DATABASE: the default database (never written to here)
        "course-goals",
    )
    .await;
    let started = std::time::Instant::now();
    let (status, body): (StatusCode, Value) = app.get("/goals").await;
    let waited = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, json!({ "message": "Database unavailable." }));
    assert!(
        waited < std::time::Duration::from_secs(6),
        "took {waited:?}"
    );
    let id = ObjectId::new().to_hex();
    let (status, _) = app.delete(&format!("/goals/{id}")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

/// Shared rejection handling is tested in `common`; this proves it is mounted here.
#[tokio::test]
async fn an_undecodable_id_is_a_json_400() {
    let app = app().await;
    let (status, headers, body) = app
        .call_raw(Request::delete("/goals/%FF").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("UTF-8"),
        "{body}"
    );
}

/// A goal written by another program with a `text` that is not a string (or an `_id`
/// that is not an ObjectId) is left out of the list; the other goals are listed.
#[tokio::test]
async fn an_odd_stored_document_never_takes_the_list_down() {
    let app = app().await;
    app.post_json("/goals", r#"{"text":"first"}"#).await;
    let goals = app.inspect.collection::<mongodb::bson::Document>("goals");
    goals
        .insert_one(doc! { "_id": ObjectId::new(), "text": 42 })
        .await
        .unwrap();
    goals
        .insert_one(doc! { "_id": ObjectId::new(), "text": { "nested": true } })
        .await
        .unwrap();
    goals
        .insert_one(doc! { "_id": "not-an-object-id", "text": "odd id" })
        .await
        .unwrap();
    app.post_json("/goals", r#"{"text":"last"}"#).await;
    let (status, body) = app.get("/goals").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(texts(&body), ["first", "last"]);
    // nothing stored was touched
    assert_eq!(app.stored().await.len(), 5);
}
