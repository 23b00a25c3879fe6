//! The goals API (the backend), compatible with the course's React client:
//!
//! | request | answer |
//! |---|---|
//! | `GET /goals` | 200 [`GoalList`] |
//! | `POST /goals` [`NewGoal`] | 201 [`GoalSaved`]; 422 [`INVALID_TEXT`] or [`TOO_LONG`] |
//! | `DELETE /goals/{id}` | 200 [`DELETED`]; 400 [`INVALID_ID`]; 404 [`NOT_FOUND`] |

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{string_field, Invalid, NonBlank};

/// The most characters (Unicode scalar values) a goal's text may have, before trimming.
pub const MAX_TEXT_CHARS: usize = 1000;

/// 422: the text is missing, not a string, or blank.
pub const INVALID_TEXT: &str = "Invalid goal text.";
/// 422: the text is longer than [`MAX_TEXT_CHARS`].
pub const TOO_LONG: &str = "Invalid goal text: at most 1000 characters.";
/// 201's message.
pub const SAVED: &str = "Goal saved";
/// 200's message after a delete.
pub const DELETED: &str = "Deleted goal!";
/// 400: the id in the path is not 24 hex digits.
pub const INVALID_ID: &str = "Invalid goal id.";
/// 404: no goal has that id.
pub const NOT_FOUND: &str = "Goal not found.";

/// A goal's text as the API stores it: trimmed, not blank, at most [`MAX_TEXT_CHARS`]
/// characters (counted before trimming, as the course's API did).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct GoalText(NonBlank);

impl GoalText {
    /// `raw` checked and trimmed; [`TOO_LONG`] or [`INVALID_TEXT`] otherwise.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.chars().count() > MAX_TEXT_CHARS {
            return Err(Invalid(Cow::Borrowed(TOO_LONG)));
        }
        NonBlank::parse(raw)
            .map(Self)
            .ok_or(Invalid(Cow::Borrowed(INVALID_TEXT)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for GoalText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::text::schema::non_blank(
            "Not blank, at most 1000 characters; stored trimmed.",
            Some(MAX_TEXT_CHARS),
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for GoalText {}

/// `POST /goals`'s body: `{"text": "..."}`. Any other field is ignored. Read from any
/// JSON value: one that is not an object, or has no usable `text`, is [`INVALID_TEXT`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewGoal {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub text: GoalText,
}

impl NewGoal {
    /// A body for `text`, checked as the API checks it.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        GoalText::parse(text).map(|text| Self { text })
    }
}

impl TryFrom<Value> for NewGoal {
    type Error = Invalid;
    fn try_from(body: Value) -> Result<Self, Invalid> {
        Self::parse(string_field(
            &body,
            "text",
            Invalid(Cow::Borrowed(INVALID_TEXT)),
        )?)
    }
}

/// `POST /goals`'s body as a client sends what a person typed, unchecked: the shape of
/// [`NewGoal`], so that the API checks it and answers with its own message (the page shows
/// that answer: the course's lesson of a client and its API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Typed<'a> {
    pub text: &'a str,
}

/// A goal as the API shows it. `text` is what is stored (a document another program wrote
/// may hold any string).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    /// The stored ObjectId, 24 lowercase hex digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::object_id))]
    pub id: String,
    pub text: String,
}

/// `GET /goals`: every goal, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalList {
    pub goals: Vec<Goal>,
}

/// `POST /goals`'s answer: `{"message": "Goal saved", "goal": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalSaved {
    #[cfg_attr(feature = "openapi", schema(example = "Goal saved"))]
    pub message: Cow<'static, str>,
    pub goal: Goal,
}

impl GoalSaved {
    pub fn new(goal: Goal) -> Self {
        Self {
            message: Cow::Borrowed(SAVED),
            goal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Result<NewGoal, String> {
        NewGoal::deserialize(v).map_err(|e| e.to_string())
    }

    #[test]
    fn the_text_is_trimmed_and_checked_with_the_apis_messages() {
        assert_eq!(
            body(json!({"text": "  Learn Docker ", "x": 1}))
                .unwrap()
                .text
                .as_str(),
            "Learn Docker"
        );
        for bad in [
            json!({}),
            json!({"text": 5}),
            json!({"text": null}),
            json!({"text": ""}),
            json!({"text": " \n\t"}),
            json!([1]),
            json!("x"),
        ] {
            assert_eq!(body(bad.clone()), Err(INVALID_TEXT.to_owned()), "{bad}");
        }
        let exactly = "é".repeat(MAX_TEXT_CHARS);
        assert_eq!(GoalText::parse(&exactly).unwrap().as_str(), exactly);
        assert_eq!(
            body(json!({ "text": "a".repeat(MAX_TEXT_CHARS + 1) })),
            Err(TOO_LONG.to_owned())
        );
        // counted before trimming, as the course's API did
        assert_eq!(
            GoalText::parse(&format!("{} ", "a".repeat(MAX_TEXT_CHARS))),
            Err(Invalid(TOO_LONG.into()))
        );
        assert_eq!(
            TOO_LONG,
            format!("Invalid goal text: at most {MAX_TEXT_CHARS} characters.")
        );
    }

    #[test]
    fn what_a_client_types_has_the_shape_the_api_reads() {
        let typed = serde_json::to_value(Typed { text: " t " }).unwrap();
        assert_eq!(body(typed).unwrap().text.as_str(), "t");
        let blank = serde_json::to_value(Typed { text: " " }).unwrap();
        assert_eq!(body(blank), Err(INVALID_TEXT.to_owned()));
    }

    #[test]
    fn shapes_on_the_wire() {
        let saved = GoalSaved::new(Goal {
            id: "a".repeat(24),
            text: "t".into(),
        });
        assert_eq!(
            serde_json::to_value(&saved).unwrap(),
            json!({"message": "Goal saved", "goal": {"id": "a".repeat(24), "text": "t"}})
        );
        assert_eq!(
            serde_json::to_value(NewGoal::parse(" t ").unwrap()).unwrap(),
            json!({"text": "t"})
        );
    }
}
