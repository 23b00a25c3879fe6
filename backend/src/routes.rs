//! The goals API, compatible with the course's React client.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use common::extract::Path;
use common::{ApiError, JsonBody};
use mongodb::bson::oid::ObjectId;
use serde::Serialize;
use serde_json::Value;

use crate::store::{GoalDoc, GoalStore};

pub const MAX_GOAL_CHARS: usize = 1000;

#[derive(Debug, Serialize)]
pub struct Goal {
    pub id: String,
    pub text: String,
}

impl From<GoalDoc> for Goal {
    fn from(d: GoalDoc) -> Self {
        Self {
            id: d.id.to_hex(),
            text: d.text,
        }
    }
}

#[derive(Serialize)]
struct GoalList {
    goals: Vec<Goal>,
}

#[derive(Serialize)]
struct Saved {
    message: &'static str,
    goal: Goal,
}

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

pub fn routes(store: GoalStore) -> Router {
    Router::new()
        .route("/goals", get(list_goals).post(add_goal))
        .route("/goals/{id}", delete(delete_goal))
        .with_state(store)
}

async fn list_goals(State(store): State<GoalStore>) -> Result<Json<GoalList>, ApiError> {
    let goals = store.list().await?.into_iter().map(Goal::from).collect();
    Ok(Json(GoalList { goals }))
}

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

/// `text` must be a string that is not blank, at most 1000 characters once trimmed.
fn goal_text(body: &Value) -> Result<String, ApiError> {
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("Invalid goal text."))?;
    if text.chars().count() > MAX_GOAL_CHARS {
        return Err(ApiError::unprocessable(format!(
            "Invalid goal text: at most {MAX_GOAL_CHARS} characters."
        )));
    }
    Ok(text.to_owned())
}

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
