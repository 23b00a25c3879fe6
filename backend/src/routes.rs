//! The goals API ([`contract::goals`]), compatible with the course's React client.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use contract::goals::{self, GoalList, GoalSaved, NewGoal};
use contract::Message;
use mongodb::bson::oid::ObjectId;
use service_kit::extract::Path;
use service_kit::http::JsonBytes;
use service_kit::openapi::{responses, ErrorBody, IdParam};
use service_kit::{ApiError, JsonBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::{GoalDoc, GoalStore};

/// The goals routes, documented.
pub fn routes(store: GoalStore) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_goals, add_goal))
        .routes(routes!(delete_goal))
        .with_state(store)
}

/// Every goal, in insertion order (the server's natural order). A stored document that is not a
/// goal (another program wrote it) is left out and logged.
#[utoipa::path(get, path = "/goals", tag = "goals",
    responses(
        (status = 200, description = "Every goal, oldest first", body = GoalList),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn list_goals(State(store): State<GoalStore>) -> Result<JsonBytes, ApiError> {
    Ok(JsonBytes(store.list.read().await?))
}

/// Saves a goal; its text is stored trimmed.
#[utoipa::path(post, path = "/goals", tag = "goals",
    request_body(content = NewGoal, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved", body = GoalSaved),
        (status = 400, description = responses::MALFORMED, body = ErrorBody),
        (status = 413, description = responses::TOO_LARGE, body = ErrorBody),
        (status = 415, description = responses::NOT_JSON, body = ErrorBody),
        (status = 422, description = "`Invalid goal text.`: text missing, not a string, blank, or over 1000 characters", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn add_goal(
    State(store): State<GoalStore>,
    JsonBody(new): JsonBody<NewGoal>,
) -> Result<(StatusCode, Json<GoalSaved>), ApiError> {
    let goal = GoalDoc::new(new.text);
    store.goals.insert(goal.clone()).await?;
    tracing::info!(id = %goal.id, "goal saved");
    Ok((StatusCode::CREATED, Json(GoalSaved::new(goal.into()))))
}

/// Deletes one goal.
#[utoipa::path(delete, path = "/goals/{id}", tag = "goals",
    params(IdParam),
    responses(
        (status = 200, description = "`Deleted goal!`", body = Message),
        (status = 400, description = "`Invalid goal id.`: not 24 hex digits", body = ErrorBody),
        (status = 404, description = "`Goal not found.`", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn delete_goal(
    State(store): State<GoalStore>,
    Path(id): Path<String>,
) -> Result<Json<Message>, ApiError> {
    let id = ObjectId::parse_str(&id).map_err(|_| ApiError::bad_request(goals::INVALID_ID))?;
    if store.goals.delete(id).await? {
        tracing::info!(%id, "goal deleted");
        Ok(Json(Message::new(goals::DELETED)))
    } else {
        Err(ApiError::not_found(goals::NOT_FOUND))
    }
}
