//! The favorites API of the course's Star Wars app: saved favorites, and the SWAPI
//! films and people lists passed through.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use common::extract::Path;
use common::openapi::{responses, ErrorBody};
use common::{ApiError, JsonBody};
use mongodb::bson::oid::ObjectId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::{FavoriteDoc, FavoriteStore, Inserted};
use crate::swapi::{Resource, Swapi};

pub const BAD_TYPE: &str = r#""type" should be "movie" or "character"!"#;
pub const BAD_NAME: &str = r#""name" should be a non-empty string!"#;
pub const BAD_URL: &str = r#""url" should be a non-empty string!"#;
pub const EXISTS: &str = "Favorite exists already!";
pub const BAD_ID: &str = "Invalid favorite id.";
pub const NOT_FOUND: &str = "Favorite not found.";
pub const BAD_PAGE: &str = r#""page" should be a positive whole number!"#;

/// A favorite as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Favorite {
    /// The stored ObjectId, 24 hex digits.
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub id: String,
    pub name: String,
    /// `movie` or `character` (favorites stored by another program may hold other text).
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

impl From<FavoriteDoc> for Favorite {
    fn from(d: FavoriteDoc) -> Self {
        Self {
            id: common::db::object_id_hex(&d.id),
            name: d.name,
            kind: d.kind,
            url: d.url,
        }
    }
}

/// `GET /favorites`: every saved favorite, oldest first.
#[derive(Serialize, ToSchema)]
pub struct FavoriteList {
    favorites: Vec<Favorite>,
}

/// The kinds of favorite.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // a schema only: the handler reads the JSON itself, to answer 422
pub enum FavoriteType {
    Movie,
    Character,
}

/// `POST /favorites`'s body. Any other field is ignored.
#[derive(ToSchema)]
#[allow(dead_code)] // a schema only: the handler reads the JSON itself, to answer 422
pub struct NewFavoriteBody {
    /// Not blank; stored trimmed; unique.
    #[schema(
        min_length = 1,
        pattern = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    )]
    name: String,
    #[schema(rename = "type")]
    kind: FavoriteType,
    /// Not blank; stored trimmed.
    #[schema(
        min_length = 1,
        pattern = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    )]
    url: String,
}

/// `POST /favorites`'s answer.
#[derive(Serialize, ToSchema)]
pub struct Saved {
    #[schema(example = "Favorite saved!")]
    message: &'static str,
    favorite: Favorite,
    /// Present while stored duplicate names keep the unique index from being made.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'static str>,
}

/// A message alone, e.g. `{"message": "Deleted favorite!"}`.
#[derive(Serialize, ToSchema)]
pub struct Message {
    message: &'static str,
}

/// `GET /movies`: SWAPI's `/films/` answer, unchanged.
#[derive(Serialize, ToSchema)]
pub struct Movies {
    /// `{"count", "next", "previous", "results"}` as SWAPI sends it.
    #[schema(value_type = Object)]
    movies: Value,
}

/// `GET /people`: SWAPI's `/people/` answer, unchanged.
#[derive(Serialize, ToSchema)]
pub struct People {
    /// `{"count", "next", "previous", "results"}` as SWAPI sends it.
    #[schema(value_type = Object)]
    people: Value,
}

/// The favorites and SWAPI routes, documented.
pub fn routes(store: FavoriteStore, swapi: Swapi) -> OpenApiRouter {
    let favorites = OpenApiRouter::new()
        .routes(routes!(list_favorites, save_favorite))
        .routes(routes!(delete_favorite))
        .with_state(store);
    let swapi = OpenApiRouter::new()
        .routes(routes!(movies))
        .routes(routes!(people))
        .with_state(swapi);
    favorites.merge(swapi)
}

/// Every saved favorite, in insertion order. A stored document that is not a favorite
/// (another program wrote it) is left out and logged.
#[utoipa::path(get, path = "/favorites", tag = "favorites",
    responses(
        (status = 200, description = "Every favorite, oldest first", body = FavoriteList),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
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

/// Saves a favorite, unless one of that name is saved already.
#[utoipa::path(post, path = "/favorites", tag = "favorites",
    request_body(content = NewFavoriteBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved", body = Saved),
        (status = 400, description = responses::MALFORMED, body = ErrorBody),
        (status = 409, description = "`Favorite exists already!`", body = ErrorBody),
        (status = 413, description = responses::TOO_LARGE, body = ErrorBody),
        (status = 415, description = responses::NOT_JSON, body = ErrorBody),
        (status = 422, description = "`type` not `movie` or `character`, or `name` or `url` missing, not a string or blank", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
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

/// Deletes one favorite.
#[utoipa::path(delete, path = "/favorites/{id}", tag = "favorites",
    params(("id" = String, Path, description = "The favorite's id", pattern = "^[0-9a-fA-F]{24}$")),
    responses(
        (status = 200, description = "`Deleted favorite!`", body = Message),
        (status = 400, description = "`Invalid favorite id.`: not 24 hex digits", body = ErrorBody),
        (status = 404, description = "`Favorite not found.`", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
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

/// SWAPI's films, passed through.
#[utoipa::path(get, path = "/movies", tag = "swapi",
    params(("page" = Option<u32>, Query, description = "A page of SWAPI's list, from 1", minimum = 1)),
    responses(
        (status = 200, description = "SWAPI's answer, unchanged", body = Movies),
        (status = 400, description = "`page` is not a whole number from 1", body = ErrorBody),
        (status = 404, description = "`No such page.`", body = ErrorBody),
        (status = 502, description = "SWAPI answered an error or something that is not JSON, or cannot be reached", body = ErrorBody),
        (status = 504, description = "SWAPI did not answer within `SWAPI_TIMEOUT_MS`", body = ErrorBody),
    ))]
async fn movies(State(swapi): State<Swapi>, Page(page): Page) -> Result<Json<Movies>, ApiError> {
    let movies = swapi.list(Resource::Films, page).await?;
    Ok(Json(Movies { movies }))
}

/// SWAPI's people, passed through, a page at a time.
#[utoipa::path(get, path = "/people", tag = "swapi",
    params(("page" = Option<u32>, Query, description = "A page of SWAPI's list, from 1", minimum = 1)),
    responses(
        (status = 200, description = "SWAPI's answer, unchanged", body = People),
        (status = 400, description = "`page` is not a whole number from 1", body = ErrorBody),
        (status = 404, description = "`No such page.`", body = ErrorBody),
        (status = 502, description = "SWAPI answered an error or something that is not JSON, or cannot be reached", body = ErrorBody),
        (status = 504, description = "SWAPI did not answer within `SWAPI_TIMEOUT_MS`", body = ErrorBody),
    ))]
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
