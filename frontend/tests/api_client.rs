//! The API client against small stand-in servers: what a user reads for each kind of
//! failure, and that requests carry what the services expect.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use axum::{Json, Router};
use frontend::api::{self, ApiError, FavoriteKind, NewFavorite, Service};
use serde_json::{json, Value};

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A port nothing listens on.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test]
async fn goals_round_trip() {
    let base = serve(
        Router::new()
            .route(
                "/goals",
                get(|| async { Json(json!({"goals":[{"id":"a1","text":"Learn volumes"}]})) }).post(
                    |Json(body): Json<Value>| async move {
                        (
                            StatusCode::CREATED,
                            Json(json!({"message":"Goal saved","goal":{"id":"b2","text":body["text"]}})),
                        )
                    },
                ),
            )
            .route(
                "/goals/{id}",
                delete(|axum::extract::Path(id): axum::extract::Path<String>| async move {
                    if id == "a1" {
                        Json(json!({"message":"Deleted goal!"})).into_response()
                    } else {
                        (StatusCode::NOT_FOUND, Json(json!({"message":"Goal not found."}))).into_response()
                    }
                }),
            ),
    )
    .await;
    let goals = api::list_goals(&format!("{base}/")).await.unwrap();
    assert_eq!(goals[0].text, "Learn volumes");
    let saved = api::add_goal(&base, "Learn networks").await.unwrap();
    assert_eq!(
        (saved.id.as_str(), saved.text.as_str()),
        ("b2", "Learn networks")
    );
    api::delete_goal(&base, "a1").await.unwrap();
    assert_eq!(
        api::delete_goal(&base, "zz").await.unwrap_err().to_string(),
        "Goal not found."
    );
}

#[tokio::test]
async fn a_4xx_shows_the_services_message() {
    let base = serve(Router::new().route(
        "/goals",
        get(|| async { Json(json!({"goals": []})) }).post(|| async {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"message":"Invalid goal text."})),
            )
        }),
    ))
    .await;
    let err = api::add_goal(&base, "   ").await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Status {
            status: 422,
            message: "Invalid goal text.".into()
        }
    );
}

#[tokio::test]
async fn no_server_means_could_not_reach() {
    let base = closed_port_url().await;
    let err = api::list_goals(&base).await.unwrap_err();
    assert_eq!(err, ApiError::Unreachable(Service::Goals));
    assert_eq!(err.to_string(), "Could not reach the goals API");
    let err = api::list_favorites(&base).await.unwrap_err();
    assert_eq!(err.to_string(), "Could not reach the favorites service");
}

#[tokio::test]
async fn html_errors_and_garbage_are_readable() {
    let base = serve(
        Router::new()
            .route(
                "/goals",
                get(|| async {
                    (
                        StatusCode::BAD_GATEWAY,
                        [(header::CONTENT_TYPE, "text/html")],
                        "<html><body>502 Bad Gateway</body></html>",
                    )
                }),
            )
            .route("/favorites", get(|| async { "not json" })),
    )
    .await;
    assert_eq!(
        api::list_goals(&base).await.unwrap_err().to_string(),
        "The goals API answered with an error (HTTP 502)"
    );
    assert_eq!(
        api::list_favorites(&base).await.unwrap_err(),
        ApiError::BadResponse(Service::Favorites)
    );
}

#[tokio::test]
async fn favorites_requests_have_the_services_shape() {
    let base = serve(
        Router::new()
            .route(
                "/favorites",
                get(|| async { Json(json!({"favorites": []})) }).post(|Json(body): Json<Value>| async move {
                    if body["name"] == "A New Hope" && body["type"] == "movie" && body["url"] == "u1" {
                        (
                            StatusCode::CREATED,
                            Json(json!({"message":"Favorite saved!","favorite":{"id":"f1","name":"A New Hope","type":"movie","url":"u1"}})),
                        )
                    } else {
                        (StatusCode::CONFLICT, Json(json!({"message":"Favorite exists already!"})))
                    }
                }),
            )
            .route(
                "/movies",
                get(|| async {
                    Json(json!({"movies":{"count":1,"next":null,"previous":null,"results":[{"title":"A New Hope","episode_id":4,"url":"u1"}]}}))
                }),
            )
            .route(
                "/people",
                get(|q: axum::extract::RawQuery| async move {
                    Json(json!({"people":{"count":82,"next":"http://s/api/people/?page=3","previous":"http://s/api/people/?page=1",
                        "results":[{"name": q.0.unwrap_or_default(), "url":"u2"}]}}))
                }),
            ),
    )
    .await;
    let new = NewFavorite::parse("A New Hope", FavoriteKind::Movie.as_str(), "u1").unwrap();
    assert_eq!(api::add_favorite(&base, &new).await.unwrap().id, "f1");
    let dup = NewFavorite {
        url: contract::favorites::FavoriteUrl::parse("other").unwrap(),
        ..new.clone()
    };
    assert_eq!(
        api::add_favorite(&base, &dup)
            .await
            .unwrap_err()
            .to_string(),
        "Favorite exists already!"
    );
    assert_eq!(api::movies(&base).await.unwrap().results[0].episode_id, 4);
    let people = api::people(&base, 2).await.unwrap();
    assert_eq!(people.results[0].name, "page=2");
    assert_eq!(people.next.as_deref().and_then(api::page_number), Some(3));
}
