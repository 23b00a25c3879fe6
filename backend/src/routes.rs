//! The goals API, compatible with the course's React client.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use common::extract::Path;
use common::openapi::{responses, ErrorBody};
use common::{ApiError, JsonBody};
use mongodb::bson::oid::ObjectId;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::{GoalDoc, GoalStore};

pub const MAX_GOAL_CHARS: usize = 1000;

/// A goal as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Goal {
    /// The stored ObjectId, 24 hex digits.
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub id: String,
    pub text: String,
}

impl From<GoalDoc> for Goal {
    fn from(d: GoalDoc) -> Self {
        Self {
            id: common::db::object_id_hex(&d.id),
            text: d.text,
        }
    }
}

/// `GET /goals`: every goal, oldest first.
#[derive(Serialize, ToSchema)]
pub struct GoalList {
    goals: Vec<Goal>,
}

/// `POST /goals`'s body. Any other field is ignored.
#[derive(ToSchema)]
#[allow(dead_code)] // a schema only: the handler reads the JSON itself, to answer 422
pub struct NewGoal {
    /// Not blank, at most 1000 characters; stored trimmed.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    )]
    text: String,
}

/// `POST /goals`'s answer.
#[derive(Serialize, ToSchema)]
pub struct Saved {
    #[schema(example = "Goal saved")]
    message: &'static str,
    goal: Goal,
}

/// A message alone, e.g. `{"message": "Deleted goal!"}`.
#[derive(Serialize, ToSchema)]
pub struct Message {
    message: &'static str,
}

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
async fn list_goals(State(store): State<GoalStore>) -> Result<Json<GoalList>, ApiError> {
    let goals = store.list().await?.into_iter().map(Goal::from).collect();
    Ok(Json(GoalList { goals }))
}

/// Saves a goal; its text is stored trimmed.
#[utoipa::path(post, path = "/goals", tag = "goals",
    request_body(content = NewGoal, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved", body = Saved),
        (status = 400, description = responses::MALFORMED, body = ErrorBody),
        (status = 413, description = responses::TOO_LARGE, body = ErrorBody),
        (status = 415, description = responses::NOT_JSON, body = ErrorBody),
        (status = 422, description = "`Invalid goal text.`: text missing, not a string, blank, or over 1000 characters", body = ErrorBody),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn add_goal(
    State(store): State<GoalStore>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let text = goal_text(&body)?;
    let goal = store.insert(text).await?;
    tracing::info!(id = %goal.id, "goal saved");
    Ok((
        StatusCode::CREATED,
        Json(Saved {
            message: "Goal saved",
            goal: goal.into(),
        }),
    ))
}

/// `text` must be a string of at most 1000 characters that is not blank; it is
/// returned trimmed.
fn goal_text(body: &Value) -> Result<String, ApiError> {
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("Invalid goal text."))?;
    if text.chars().count() > MAX_GOAL_CHARS {
        return Err(ApiError::unprocessable(format!(
            "Invalid goal text: at most {MAX_GOAL_CHARS} characters."
        )));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::unprocessable("Invalid goal text."));
    }
    Ok(text.to_owned())
}

/// Deletes one goal.
#[utoipa::path(delete, path = "/goals/{id}", tag = "goals",
    params(("id" = String, Path, description = "The goal's id", pattern = "^[0-9a-fA-F]{24}$")),
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
    let id = ObjectId::parse_str(&id).map_err(|_| ApiError::bad_request("Invalid goal id."))?;
    if store.delete(id).await? {
        tracing::info!(%id, "goal deleted");
        Ok(Json(Message {
            message: "Deleted goal!",
        }))
    } else {
        Err(ApiError::not_found("Goal not found."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn goal_text_rules() {
        assert_eq!(
            goal_text(&json!({"text": "  Learn Docker "})).unwrap(),
            "Learn Docker"
        );
        for bad in [
            json!({}),
            json!({"text": 5}),
            json!({"text": ""}),
            json!({"text": " \n\t"}),
            json!([1]),
            json!("x"),
        ] {
            let e = goal_text(&bad).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e.message, "Invalid goal text.");
        }
        let exactly = "é".repeat(MAX_GOAL_CHARS);
        assert_eq!(goal_text(&json!({ "text": exactly })).unwrap(), exactly);
        let e = goal_text(&json!({ "text": "a".repeat(MAX_GOAL_CHARS + 1) })).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
