//! The wire contract of the course's two JSON APIs, written once and used by every side:
//! the services answer with these types, the frontend (on the server and in the browser)
//! sends and reads them, and the tests check them.
//!
//! - [`goals`]: the goals API (`/goals`) of the backend;
//! - [`favorites`]: the favorites API (`/favorites`, `/movies`, `/people`);
//! - [`Message`]: every `{"message": "..."}` answer, errors included.
//!
//! A value a client sends is parsed into a type that cannot hold an invalid value
//! ([`goals::GoalText`], [`favorites::FavoriteName`], [`favorites::FavoriteKind`], …),
//! with the exact message the API answers when it refuses it ([`Invalid`], a 422). With
//! the `openapi` feature each type also carries its OpenAPI schema, so the services'
//! descriptions are generated from the same definitions.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub mod favorites;
pub mod goals;
mod text;

pub use text::{NonBlank, NOT_BLANK, OBJECT_ID, OBJECT_ID_SHOWN};

/// Every answer that is a message alone, `{"message": "..."}`: the errors of both APIs
/// (`Invalid goal text.`, `Database unavailable.`) and the plain successes
/// (`Deleted goal!`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// For a person to read.
    pub message: Cow<'static, str>,
}

impl Message {
    /// A message of static text (no allocation).
    pub const fn new(message: &'static str) -> Self {
        Self {
            message: Cow::Borrowed(message),
        }
    }
}

/// Why a value a client sent was refused: the exact text the API answers with, in a 422
/// `{"message": ...}`. Its `Display` is that text alone (so a serde error made from it,
/// when read from a JSON value, is that text too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub Cow<'static, str>);

impl Invalid {
    /// The message as the API sends it.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// The string a body's field holds, or `missing` when the field is absent, `null` or not
/// a string (the course's APIs answer those alike).
fn string_field<'a>(body: &'a Value, name: &str, missing: Invalid) -> Result<&'a str, Invalid> {
    body.get(name).and_then(Value::as_str).ok_or(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_the_one_envelope() {
        let m = Message::new("Deleted goal!");
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"message":"Deleted goal!"}"#
        );
        let back: Message = serde_json::from_str(r#"{"message":"x","other":1}"#).unwrap();
        assert_eq!(back.message, "x");
    }
}
