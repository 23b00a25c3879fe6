//! The favorites API of the course's Star Wars app: saved favorites, and the SWAPI
//! films and people lists passed through.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use contract::favorites::{
    self, FavoriteList, FavoriteSaved, Movies, NewFavorite, PageNumber, People,
};
use contract::Message;
use mongodb::bson::oid::ObjectId;
use serde::Deserialize;
use service_kit::extract::Path;
use service_kit::http::JsonBytes;
use service_kit::openapi::{responses, ErrorBody, IdParam};
use service_kit::{ApiError, JsonBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::{FavoriteStore, Inserted};
use crate::swapi::{Resource, Swapi};

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
async fn list_favorites(State(store): State<FavoriteStore>) -> Result<JsonBytes, ApiError> {
    let favorites = store.list().await?;
    Ok(JsonBytes(favorites))
}

/// Saves a favorite, unless one of that name is saved already.
#[utoipa::path(post, path = "/favorites", tag = "favorites",
    request_body(content = NewFavorite, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved", body = FavoriteSaved),
        (status = 400, description = responses::MALFORMED, body = ErrorBody),
        (status = 409, description = "`Favorite exists already!`", body = ErrorBody),
        (status = 413, description = responses::TOO_LARGE, body = ErrorBody),
        (status = 415, description = responses::NOT_JSON, body = ErrorBody),
        (status = 422, description = "`type` not `movie` or `character`, or `name` or `url` missing, not a string or blank", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn save_favorite(
    State(store): State<FavoriteStore>,
    JsonBody(new): JsonBody<NewFavorite>,
) -> Result<(StatusCode, Json<FavoriteSaved>), ApiError> {
    match store.insert(new).await? {
        Inserted::Saved(favorite) => {
            tracing::info!(id = %favorite.id, name = %favorite.name, "favorite saved");
            Ok((
                StatusCode::CREATED,
                Json(FavoriteSaved::new(favorite.into(), store.warning())),
            ))
        }
        Inserted::NameTaken => Err(ApiError::new(StatusCode::CONFLICT, favorites::EXISTS)),
    }
}

/// Deletes one favorite.
#[utoipa::path(delete, path = "/favorites/{id}", tag = "favorites",
    params(IdParam),
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
    let id = ObjectId::parse_str(&id).map_err(|_| ApiError::bad_request(favorites::INVALID_ID))?;
    if store.delete(id).await? {
        tracing::info!(%id, "favorite deleted");
        Ok(Json(Message::new(favorites::DELETED)))
    } else {
        Err(ApiError::not_found(favorites::NOT_FOUND))
    }
}

/// `?page=N`: absent, or a [`PageNumber`] (anything else is a 400 [`favorites::BAD_PAGE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page(pub Option<u32>);

#[derive(Deserialize)]
struct PageParams {
    page: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let bad = || ApiError::bad_request(favorites::BAD_PAGE);
        let Query(params) = Query::<PageParams>::try_from_uri(&parts.uri).map_err(|_| bad())?;
        match params.page {
            None => Ok(Page(None)),
            Some(raw) => Ok(Page(Some(PageNumber::parse(&raw).map_err(|_| bad())?.0))),
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
            assert_eq!(e.message, favorites::BAD_PAGE, "{bad}");
        }
    }
}
