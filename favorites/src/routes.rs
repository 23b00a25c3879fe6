//! The favorites API of the course's Star Wars app: saved favorites, and the SWAPI
//! films and people lists passed through.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use common::extract::Path;
use common::{ApiError, JsonBody};
use mongodb::bson::oid::ObjectId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::store::{FavoriteDoc, FavoriteStore, Inserted};
use crate::swapi::{Resource, Swapi};

pub const BAD_TYPE: &str = r#""type" should be "movie" or "character"!"#;
pub const BAD_NAME: &str = r#""name" should be a non-empty string!"#;
pub const BAD_URL: &str = r#""url" should be a non-empty string!"#;
pub const EXISTS: &str = "Favorite exists already!";
pub const BAD_ID: &str = "Invalid favorite id.";
pub const NOT_FOUND: &str = "Favorite not found.";
pub const BAD_PAGE: &str = r#""page" should be a positive whole number!"#;

#[derive(Debug, Serialize)]
pub struct Favorite {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

impl From<FavoriteDoc> for Favorite {
    fn from(d: FavoriteDoc) -> Self {
        Self {
            id: d.id.to_hex(),
            name: d.name,
            kind: d.kind,
            url: d.url,
        }
    }
}

#[derive(Serialize)]
struct FavoriteList {
    favorites: Vec<Favorite>,
}

#[derive(Serialize)]
struct Saved {
    message: &'static str,
    favorite: Favorite,
    /// Present while stored duplicate names keep the unique index from being made.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'static str>,
}

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

#[derive(Serialize)]
struct Movies {
    movies: Value,
}

#[derive(Serialize)]
struct People {
    people: Value,
}

pub fn routes(store: FavoriteStore, swapi: Swapi) -> Router {
    let favorites = Router::new()
        .route("/favorites", get(list_favorites).post(save_favorite))
        .route("/favorites/{id}", delete(delete_favorite))
        .with_state(store);
    let swapi = Router::new()
        .route("/movies", get(movies))
        .route("/people", get(people))
        .with_state(swapi);
    favorites.merge(swapi)
}

async fn list_favorites(
    State(store): State<FavoriteStore>,
) -> Result<Json<FavoriteList>, ApiError> {
    let favorites = store
        .list()
        .await?
        .into_iter()
        .map(Favorite::from)
        .collect();
    Ok(Json(FavoriteList { favorites }))
}

async fn save_favorite(
    State(store): State<FavoriteStore>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let new = NewFavorite::from_json(&body)?;
    match store.insert(new.name, new.kind, new.url).await? {
        Inserted::Saved(favorite) => {
            tracing::info!(id = %favorite.id, name = %favorite.name, "favorite saved");
            Ok((
                StatusCode::CREATED,
                Json(Saved {
                    message: "Favorite saved!",
                    favorite: favorite.into(),
                    warning: store.warning(),
                }),
            ))
        }
        Inserted::NameTaken => Err(ApiError::new(StatusCode::CONFLICT, EXISTS)),
    }
}

async fn delete_favorite(
    State(store): State<FavoriteStore>,
    Path(id): Path<String>,
) -> Result<Json<Message>, ApiError> {
    let id = ObjectId::parse_str(&id).map_err(|_| ApiError::bad_request(BAD_ID))?;
    if store.delete(id).await? {
        tracing::info!(%id, "favorite deleted");
        Ok(Json(Message {
            message: "Deleted favorite!",
        }))
    } else {
        Err(ApiError::not_found(NOT_FOUND))
    }
}

/// A favorite as a client sends it, checked: `type` is `movie` or `character`, `name`
/// and `url` are strings that are not blank (stored trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFavorite {
    pub name: String,
    pub kind: String,
    pub url: String,
}

impl NewFavorite {
    pub fn from_json(body: &Value) -> Result<Self, ApiError> {
        let kind = match body.get("type").and_then(Value::as_str) {
            Some(k @ ("movie" | "character")) => k.to_owned(),
            _ => return Err(ApiError::unprocessable(BAD_TYPE)),
        };
        Ok(Self {
            name: non_blank(body, "name").ok_or_else(|| ApiError::unprocessable(BAD_NAME))?,
            kind,
            url: non_blank(body, "url").ok_or_else(|| ApiError::unprocessable(BAD_URL))?,
        })
    }
}

fn non_blank(body: &Value, field: &str) -> Option<String> {
    body.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `?page=N`: absent, or a whole number from 1 (anything else is a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page(pub Option<u32>);

#[derive(Deserialize)]
struct PageParams {
    page: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Query(params) = Query::<PageParams>::try_from_uri(&parts.uri)
            .map_err(|_| ApiError::bad_request(BAD_PAGE))?;
        match params.page {
            None => Ok(Page(None)),
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if n >= 1 && !raw.starts_with('+') => Ok(Page(Some(n))),
                _ => Err(ApiError::bad_request(BAD_PAGE)),
            },
        }
    }
}

async fn movies(State(swapi): State<Swapi>, Page(page): Page) -> Result<Json<Movies>, ApiError> {
    let movies = swapi.list(Resource::Films, page).await?;
    Ok(Json(Movies { movies }))
}

async fn people(State(swapi): State<Swapi>, Page(page): Page) -> Result<Json<People>, ApiError> {
    let people = swapi.list(Resource::People, page).await?;
    Ok(Json(People { people }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use serde_json::json;

    #[test]
    fn favorite_rules() {
        let ok = NewFavorite::from_json(&json!({
            "name": " Luke Skywalker ",
            "type": "character",
            "url": "https://swapi.dev/api/people/1/"
        }))
        .unwrap();
        assert_eq!(ok.name, "Luke Skywalker");
        assert_eq!(ok.kind, "character");
        assert!(NewFavorite::from_json(&json!({"name": "A", "type": "movie", "url": "u"})).is_ok());

        for (body, message) in [
            (json!({"name": "A", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": "planet", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": "Movie", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": 1, "url": "u"}), BAD_TYPE),
            (json!([1, 2]), BAD_TYPE),
            (json!({"type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "", "type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "  ", "type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": 5, "type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "A", "type": "movie"}), BAD_URL),
            (json!({"name": "A", "type": "movie", "url": ""}), BAD_URL),
            (json!({"name": "A", "type": "movie", "url": null}), BAD_URL),
        ] {
            let e = NewFavorite::from_json(&body).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(e.message, message, "{body}");
        }
    }

    async fn page(uri: &str) -> Result<Page, ApiError> {
        let (mut parts, ()) = Request::get(uri).body(()).unwrap().into_parts();
        Page::from_request_parts(&mut parts, &()).await
    }

    #[tokio::test]
    async fn page_parameter() {
        assert_eq!(page("/people").await.unwrap(), Page(None));
        assert_eq!(page("/people?page=2").await.unwrap(), Page(Some(2)));
        assert_eq!(page("/people?other=x&page=9").await.unwrap(), Page(Some(9)));
        for bad in [
            "/people?page=0",
            "/people?page=-1",
            "/people?page=abc",
            "/people?page=",
            "/people?page=1.5",
            "/people?page=%2B2",
            "/people?page=99999999999",
            "/people?page=1&page=2",
        ] {
            let e = page(bad).await.unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{bad}");
            assert_eq!(e.message, BAD_PAGE, "{bad}");
        }
    }
}
