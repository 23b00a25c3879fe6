//! The favorites API against a real MongoDB-compatible server (authentication on):
//! every route, status and message of the README's "The favorites API", in-process.

mod support;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::future::join_all;
use mongodb::bson::{doc, Bson, Document};
use serde_json::{json, Value};
use support::{app, app_with_env, closed_port, mongo_url, stored};
use test_support::shared_mongo;

const TYPE_MESSAGE: &str = r#""type" should be "movie" or "character"!"#;

fn fav(name: &str, kind: &str, url: &str) -> String {
    json!({ "name": name, "type": kind, "url": url }).to_string()
}

fn names(body: &Value) -> Vec<String> {
    body["favorites"]
        .as_array()
        .expect("favorites array")
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn empty_list_then_saved_favorites_in_insertion_order() {
    let app = app().await;
    let (status, body) = app.get("/favorites").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "favorites": [] }));

    let (status, body) = app
        .post_json(
            "/favorites",
            &fav("A New Hope", "movie", "https://swapi.dev/api/films/1/"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"], "Favorite saved!");
    let saved = &body["favorite"];
    let id = saved["id"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    assert!(mongodb::bson::oid::ObjectId::parse_str(id).is_ok());
    assert_eq!(
        *saved,
        json!({
            "id": id,
            "name": "A New Hope",
            "type": "movie",
            "url": "https://swapi.dev/api/films/1/"
        })
    );

    let (status, _) = app
        .post_json(
            "/favorites",
            &fav(
                "Luke Skywalker",
                "character",
                "https://swapi.dev/api/people/1/",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, body) = app.get("/favorites").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["A New Hope", "Luke Skywalker"]);
    assert_eq!(body["favorites"][0], *saved);
    assert_eq!(body["favorites"][1]["type"], "character");
    let mut keys: Vec<_> = body["favorites"][1]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    assert_eq!(keys, ["id", "name", "type", "url"]);
}

#[tokio::test]
async fn stored_as_id_name_type_url_in_collection_favorites() {
    let app = app().await;
    let (status, body) = app
        .post_json(
            "/favorites",
            &fav(
                "  Leia Organa ",
                "character",
                " https://swapi.dev/api/people/5/ ",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["favorite"]["name"], "Leia Organa");
    let docs = app.stored().await;
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    let mut keys: Vec<_> = d.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["_id", "name", "type", "url"]);
    assert!(matches!(d.get("_id"), Some(Bson::ObjectId(_))));
    assert_eq!(
        d.get_object_id("_id").unwrap().to_hex(),
        body["favorite"]["id"].as_str().unwrap()
    );
    assert_eq!(d.get_str("name").unwrap(), "Leia Organa");
    assert_eq!(d.get_str("type").unwrap(), "character");
    assert_eq!(d.get_str("url").unwrap(), "https://swapi.dev/api/people/5/");
}

#[tokio::test]
async fn reads_favorites_written_by_the_node_version() {
    let app = app().await;
    // mongoose wrote a __v field too; it is ignored
    app.inspect
        .collection::<Document>("favorites")
        .insert_one(doc! {
            "_id": mongodb::bson::oid::ObjectId::new(),
            "name": "Han Solo", "type": "character",
            "url": "https://swapi.dev/api/people/14/", "__v": 0
        })
        .await
        .unwrap();
    let (status, body) = app.get("/favorites").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["Han Solo"]);
    assert!(body["favorites"][0].get("__v").is_none());
}

#[tokio::test]
async fn a_saved_name_is_a_409_and_the_first_one_stays() {
    let app = app().await;
    let first = fav("Yoda", "character", "https://swapi.dev/api/people/20/");
    assert_eq!(
        app.post_json("/favorites", &first).await.0,
        StatusCode::CREATED
    );
    for again in [
        first.clone(),
        fav("Yoda", "movie", "https://elsewhere/"),
        fav("  Yoda  ", "character", "x"),
    ] {
        let (status, body) = app.post_json("/favorites", &again).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        assert_eq!(body, json!({ "message": "Favorite exists already!" }));
    }
    let docs = app.stored().await;
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0].get_str("url").unwrap(),
        "https://swapi.dev/api/people/20/"
    );

    // the rule lives in the database: a unique index on name
    let indexes: Vec<_> = {
        use futures_util::TryStreamExt;
        app.inspect
            .collection::<Document>("favorites")
            .list_indexes()
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    };
    let by_name = indexes
        .iter()
        .find(|i| i.keys == doc! { "name": 1 })
        .unwrap_or_else(|| panic!("no index on name: {indexes:?}"));
    assert_eq!(
        by_name.options.as_ref().and_then(|o| o.unique),
        Some(true),
        "{by_name:?}"
    );
    // and so a writer that bypasses the service cannot add a second one either
    let err = app
        .inspect
        .collection::<Document>("favorites")
        .insert_one(doc! { "name": "Yoda", "type": "movie", "url": "u" })
        .await
        .unwrap_err();
    assert!(favorites::store::is_duplicate_key(&err), "{err}");
}

/// Data from the course's Node version may hold one name twice (it checked, then
/// inserted). Then no unique index can be made: new names still save (the service
/// checks, one save at a time) and the answer, readiness and the log say what to clean
/// up; duplicates are refused; the list reads. Once cleaned up, the index is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_names_already_stored_still_let_new_names_save() {
    let app = app().await;
    let coll = app.inspect.collection::<Document>("favorites");
    for _ in 0..2 {
        coll.insert_one(doc! { "name": "Jar Jar", "type": "character", "url": "u" })
            .await
            .unwrap();
    }
    let (status, body) = app
        .post_json("/favorites", &fav("Padme", "character", "u"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["warning"]
            .as_str()
            .unwrap()
            .contains("Remove the duplicates"),
        "{body}"
    );
    for name in ["Padme", "Jar Jar"] {
        let (status, body) = app
            .post_json("/favorites", &fav(name, "character", "u"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}: {body}");
    }
    // concurrent saves of one new name still store one
    let saves = (0..10).map(|_| {
        let app = app.api.clone();
        async move {
            app.post_json("/favorites", &fav("Yoda", "character", "u"))
                .await
                .0
        }
    });
    let statuses = join_all(saves).await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["warnings"][0]
            .as_str()
            .unwrap()
            .contains("unique index"),
        "{body}"
    );
    let (status, body) = app.get("/favorites").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body), ["Jar Jar", "Jar Jar", "Padme", "Yoda"]);

    // cleaned up: within the retry interval the index is made, and the warning goes
    coll.delete_one(doc! { "name": "Jar Jar" }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5200)).await;
    let (status, body) = app
        .post_json("/favorites", &fav("Leia", "character", "u"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.get("warning").is_none(), "{body}");
    let (_, body) = app.get("/readyz").await;
    assert_eq!(body, json!({ "status": "ready" }));
    let indexes = coll.list_index_names().await.unwrap();
    assert!(indexes.contains(&"name_unique".to_owned()), "{indexes:?}");
}

/// A favorite written by another program with a field of the wrong type is left out
/// of the list; the others are listed and nothing stored is touched.
#[tokio::test]
async fn an_odd_stored_document_never_takes_the_list_down() {
    let app = app().await;
    app.post_json("/favorites", &fav("Luke", "character", "u"))
        .await;
    let coll = app.inspect.collection::<Document>("favorites");
    coll.insert_one(doc! { "name": 42, "type": "movie", "url": "u" })
        .await
        .unwrap();
    coll.insert_one(doc! { "name": "R2", "type": "character", "url": ["u"] })
        .await
        .unwrap();
    app.post_json("/favorites", &fav("Han", "character", "u"))
        .await;
    let (status, body) = app.get("/favorites").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&body), ["Luke", "Han"]);
    assert_eq!(app.stored().await.len(), 4);
}

#[tokio::test]
async fn delete_removes_one_favorite_with_the_spec_errors() {
    let app = app().await;
    let (_, body) = app
        .post_json("/favorites", &fav("Luke", "character", "u"))
        .await;
    let id = body["favorite"]["id"].as_str().unwrap().to_owned();
    app.post_json("/favorites", &fav("Han", "character", "u"))
        .await;
    let (status, body) = app.delete(&format!("/favorites/{id}")).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "message": "Deleted favorite!" }))
    );
    let (status, body) = app.delete(&format!("/favorites/{id}")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "message": "Favorite not found." })
        )
    );
    for bad in ["123", "not-an-id", "%FF"] {
        let (status, body) = app.delete(&format!("/favorites/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["message"].is_string(), "{bad}: {body}");
    }
    let (_, body) = app.get("/favorites").await;
    assert_eq!(names(&body), ["Han"]);
    // a deleted name can be saved again
    let (status, _) = app
        .post_json("/favorites", &fav("Luke", "character", "u"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_posts_of_one_name_save_exactly_one() {
    let app = app().await;
    // the first requests of a fresh service: the unique index is made by one of them
    let body = fav(
        "Darth Vader",
        "character",
        "https://swapi.dev/api/people/4/",
    );
    let calls = (0..10).map(|_| {
        let router = app.router.clone();
        let body = body.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post("/favorites")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        })
    });
    let statuses: Vec<StatusCode> = join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 9), "{statuses:?}");
    let docs = app.stored().await;
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0].get_str("name").unwrap(), "Darth Vader");
}

#[tokio::test]
async fn type_must_be_movie_or_character() {
    let app = app().await;
    for body in [
        json!({ "name": "Tatooine", "type": "planet", "url": "u" }),
        json!({ "name": "Tatooine", "type": "Movie", "url": "u" }),
        json!({ "name": "Tatooine", "type": "", "url": "u" }),
        json!({ "name": "Tatooine", "type": 1, "url": "u" }),
        json!({ "name": "Tatooine", "url": "u" }),
        json!({}),
        json!([]),
        json!("movie"),
    ] {
        let (status, res) = app.post_json("/favorites", &body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(res, json!({ "message": TYPE_MESSAGE }), "{body}");
    }
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn name_and_url_must_be_non_empty_strings() {
    let app = app().await;
    assert_eq!(
        app.post_json("/favorites", &fav("R2-D2", "character", "u"))
            .await
            .0,
        StatusCode::CREATED
    );
    for (body, field) in [
        (json!({ "type": "movie", "url": "u" }), "name"),
        (json!({ "name": "", "type": "movie", "url": "u" }), "name"),
        (
            json!({ "name": " \t", "type": "movie", "url": "u" }),
            "name",
        ),
        (json!({ "name": null, "type": "movie", "url": "u" }), "name"),
        (
            json!({ "name": ["x"], "type": "movie", "url": "u" }),
            "name",
        ),
        (json!({ "name": "X", "type": "movie" }), "url"),
        (json!({ "name": "X", "type": "movie", "url": "" }), "url"),
        (json!({ "name": "X", "type": "movie", "url": 7 }), "url"),
    ] {
        let (status, res) = app.post_json("/favorites", &body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = res["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("\"{field}\"")),
            "{body}: {message}"
        );
        assert!(message.contains("non-empty"), "{body}: {message}");
    }
    // nothing already stored is lost
    let docs = app.stored().await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get_str("name").unwrap(), "R2-D2");
}

#[tokio::test]
async fn malformed_json_wrong_content_type_and_big_bodies() {
    let app = app().await;
    assert_eq!(
        app.post_json("/favorites", &fav("C-3PO", "character", "u"))
            .await
            .0,
        StatusCode::CREATED
    );

    let (status, body) = app
        .post_json("/favorites", r#"{"name": "x", "type": "movie""#)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("JSON"), "{body}");

    let (status, body) = app.post_json("/favorites", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = Request::post("/favorites");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let (status, body) = app
            .call(req.body(Body::from(fav("X", "movie", "u"))).unwrap())
            .await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(body["message"].is_string(), "{body}");
    }

    let big = fav(&"x".repeat(17 * 1024), "movie", "u");
    let (status, body) = app.post_json("/favorites", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        body["message"].as_str().unwrap().contains("16 KiB"),
        "{body}"
    );

    // just under the limit is fine
    let fits = fav(&"y".repeat(15 * 1024), "movie", "u");
    assert_eq!(
        app.post_json("/favorites", &fits).await.0,
        StatusCode::CREATED
    );

    let docs = app.stored().await;
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].get_str("name").unwrap(), "C-3PO");
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let app = app().await;
    let (status, body) = app.get("/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["message"].is_string(), "{body}");
    let (status, body) = app.get("/favorites/a/b").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = app
        .call(Request::delete("/favorites").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["message"].is_string(), "{body}");
    let (status, _) = app.post_json("/movies", "{}").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn cors_preflight_and_header() {
    let app = app().await;
    let (status, headers, _) = app
        .call_raw(
            Request::options("/favorites")
                .header("origin", "http://localhost:3000")
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        status == StatusCode::OK || status == StatusCode::NO_CONTENT,
        "{status}"
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    for m in ["GET", "POST", "DELETE", "OPTIONS"] {
        assert!(methods.contains(m), "{methods}");
    }
    assert!(headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .eq_ignore_ascii_case("content-type"));

    let (status, headers, _) = app
        .call_raw(
            Request::get("/favorites")
                .header("origin", "http://localhost:3000")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn healthz_and_readyz_with_the_database_up() {
    let app = app().await;
    assert_eq!(app.get("/healthz").await.0, StatusCode::OK);
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn database_unreachable_is_503_not_a_hang() {
    let port = closed_port().to_string();
    let app = app_with_env(
        &[
            ("MONGODB_HOST", "127.0.0.1"),
            ("MONGODB_PORT", &port),
            ("MONGODB_USERNAME", ""),
        ],
        "swfavorites",
    )
    .await;
    assert_eq!(app.get("/healthz").await.0, StatusCode::OK);
    let chewie = fav("Chewbacca", "character", "u");
    let started = Instant::now();
    let (list, save, ready) = tokio::join!(
        app.get("/favorites"),
        app.post_json("/favorites", &chewie),
        app.get("/readyz"),
    );
    for (status, body) in [list, save, ready] {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body, json!({ "message": "Database unavailable." }));
    }
    // the driver's 3 s server selection timeout, not a hung request
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // bad input is still answered without the database
    let (status, _) = app
        .post_json("/favorites", &fav("Chewbacca", "ship", "u"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The database is down when the service starts: no index can be made then. Once it
/// is up, the first save makes the unique index, and names are unique from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unique_index_is_made_once_the_database_comes_up() {
    let m = shared_mongo();
    let mut instance = m.dedicated();
    instance.stop();
    let url =
        mongo_url("swfavorites").replace(&format!(":{}/", m.port), &format!(":{}/", instance.port));
    let app = app_with_env(&[("MONGODB_URL", url.as_str())], "swfavorites").await;

    let (status, body) = app
        .post_json("/favorites", &fav("Obi-Wan Kenobi", "character", "u"))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(app.get("/readyz").await.0, StatusCode::SERVICE_UNAVAILABLE);

    instance.restart();
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.get("/readyz").await.0 != StatusCode::OK {
        assert!(Instant::now() < deadline, "not ready after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = app
        .post_json("/favorites", &fav("Obi-Wan Kenobi", "character", "u"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = app
        .post_json("/favorites", &fav("Obi-Wan Kenobi", "movie", "v"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let inspect = test_support::mongo::client_for(
        "127.0.0.1",
        instance.port,
        Some((&m.username, &m.password)),
    )
    .database("swfavorites");
    let docs = stored(&inspect).await;
    assert_eq!(docs.len(), 1, "{docs:?}");
}
