//! The favorites API (the Star Wars favorites service):
//!
//! | request | answer |
//! |---|---|
//! | `GET /favorites` | 200 [`FavoriteList`] |
//! | `POST /favorites` [`NewFavorite`] | 201 [`FavoriteSaved`]; 409 [`EXISTS`]; 422 [`BAD_TYPE`], [`BAD_NAME`] or [`BAD_URL`] |
//! | `DELETE /favorites/{id}` | 200 [`DELETED`]; 400 [`INVALID_ID`]; 404 [`NOT_FOUND`] |
//! | `GET /movies`, `GET /people?page=N` | 200 [`Movies`], [`People`]: SWAPI's answer unchanged; 400 [`BAD_PAGE`] |

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{string_field, Invalid, NonBlank};

/// 422: `type` is not `movie` or `character`.
pub const BAD_TYPE: &str = r#""type" should be "movie" or "character"!"#;
/// 422: `name` is missing, not a string, or blank.
pub const BAD_NAME: &str = r#""name" should be a non-empty string!"#;
/// 422: `url` is missing, not a string, or blank.
pub const BAD_URL: &str = r#""url" should be a non-empty string!"#;
/// 409: a favorite of that name is saved already.
pub const EXISTS: &str = "Favorite exists already!";
/// 201's message.
pub const SAVED: &str = "Favorite saved!";
/// 200's message after a delete.
pub const DELETED: &str = "Deleted favorite!";
/// 400: the id in the path is not 24 hex digits.
pub const INVALID_ID: &str = "Invalid favorite id.";
/// 404: no favorite has that id.
pub const NOT_FOUND: &str = "Favorite not found.";
/// 400: `?page=` is not a whole number from 1.
pub const BAD_PAGE: &str = r#""page" should be a positive whole number!"#;

/// The kinds of favorite: `movie` or `character` on the wire and in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FavoriteType, rename_all = "lowercase"))]
pub enum FavoriteKind {
    Movie,
    Character,
}

impl FavoriteKind {
    /// `movie` or `character`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Character => "character",
        }
    }

    /// `raw` exactly as the API spells a kind; [`BAD_TYPE`] otherwise.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "movie" => Ok(Self::Movie),
            "character" => Ok(Self::Character),
            _ => Err(bad(BAD_TYPE)),
        }
    }
}

macro_rules! non_blank_field {
    ($(#[$doc:meta])* $name:ident, $message:ident, $schema:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(NonBlank);

        impl $name {
            #[doc = concat!("`raw` trimmed, or [`", stringify!($message), "`] when blank.")]
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                NonBlank::parse(raw).map(Self).ok_or(bad($message))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::text::schema::non_blank($schema, None)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

non_blank_field!(
    /// A favorite's name: trimmed, not blank; unique among the saved favorites.
    FavoriteName,
    BAD_NAME,
    "Not blank; stored trimmed; unique."
);
non_blank_field!(
    /// A favorite's URL (SWAPI's address of the film or person): trimmed, not blank.
    FavoriteUrl,
    BAD_URL,
    "Not blank; stored trimmed."
);

fn bad(message: &'static str) -> Invalid {
    Invalid(Cow::Borrowed(message))
}

/// `POST /favorites`'s body: `{"name", "type", "url"}`. Any other field is ignored.
/// Checked in the course's order: `type` first, then `name`, then `url`; read from any
/// JSON value (one that is not an object is [`BAD_TYPE`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewFavoriteBody))]
pub struct NewFavorite {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub name: FavoriteName,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(rename = "type"))]
    pub kind: FavoriteKind,
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub url: FavoriteUrl,
}

impl NewFavorite {
    /// A body from its three texts, checked as the API checks them.
    pub fn parse(name: &str, kind: &str, url: &str) -> Result<Self, Invalid> {
        let kind = FavoriteKind::parse(kind)?;
        Ok(Self {
            name: FavoriteName::parse(name)?,
            kind,
            url: FavoriteUrl::parse(url)?,
        })
    }
}

impl TryFrom<Value> for NewFavorite {
    type Error = Invalid;
    fn try_from(body: Value) -> Result<Self, Invalid> {
        let kind = string_field(&body, "type", bad(BAD_TYPE))?;
        FavoriteKind::parse(kind)?;
        let name = string_field(&body, "name", bad(BAD_NAME))?;
        FavoriteName::parse(name)?;
        Self::parse(name, kind, string_field(&body, "url", bad(BAD_URL))?)
    }
}

/// A favorite as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Favorite {
    /// The stored ObjectId, 24 lowercase hex digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text::schema::object_id))]
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(rename = "type"))]
    pub kind: FavoriteKind,
    pub url: String,
}

/// `GET /favorites`: every saved favorite, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FavoriteList {
    pub favorites: Vec<Favorite>,
}

/// `POST /favorites`'s answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::ToResponse))]
#[cfg_attr(feature = "openapi", schema(as = Saved))]
pub struct FavoriteSaved {
    #[cfg_attr(feature = "openapi", schema(example = "Favorite saved!"))]
    pub message: Cow<'static, str>,
    pub favorite: Favorite,
    /// Present while stored duplicate names keep the unique index from being made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Cow<'static, str>>,
}

impl FavoriteSaved {
    pub fn new(favorite: Favorite, warning: Option<&'static str>) -> Self {
        Self {
            message: Cow::Borrowed(SAVED),
            favorite,
            warning: warning.map(Cow::Borrowed),
        }
    }
}

/// `GET /movies`: SWAPI's `/films/` answer, unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movies {
    /// `{"count", "next", "previous", "results"}` as SWAPI sends it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub movies: Value,
}

/// `GET /people`: SWAPI's `/people/` answer, unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct People {
    /// `{"count", "next", "previous", "results"}` as SWAPI sends it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub people: Value,
}

/// `?page=N` of `GET /movies` and `GET /people`: a whole number from 1, written without a
/// sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageNumber(pub u32);

impl PageNumber {
    /// `raw` as a page number; [`BAD_PAGE`] otherwise.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.parse::<u32>() {
            Ok(n) if n >= 1 && !raw.starts_with('+') => Ok(Self(n)),
            _ => Err(bad(BAD_PAGE)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: &Value) -> Result<NewFavorite, String> {
        NewFavorite::deserialize(v.clone()).map_err(|e| e.to_string())
    }

    #[test]
    fn a_new_favorite_is_checked_in_the_courses_order() {
        let ok = body(&json!({
            "name": " Luke Skywalker ",
            "type": "character",
            "url": "https://swapi.dev/api/people/1/"
        }))
        .unwrap();
        assert_eq!(ok.name.as_str(), "Luke Skywalker");
        assert_eq!(ok.kind, FavoriteKind::Character);
        assert!(body(&json!({"name": "A", "type": "movie", "url": "u"})).is_ok());

        for (v, message) in [
            (json!({"name": "A", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": "planet", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": "Movie", "url": "u"}), BAD_TYPE),
            (json!({"name": "A", "type": 1, "url": "u"}), BAD_TYPE),
            (json!({"name": "", "type": "planet", "url": ""}), BAD_TYPE),
            (json!([1, 2]), BAD_TYPE),
            (json!({"type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "", "type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "  ", "type": "movie", "url": ""}), BAD_NAME),
            (json!({"name": 5, "type": "movie", "url": "u"}), BAD_NAME),
            (json!({"name": "A", "type": "movie"}), BAD_URL),
            (json!({"name": "A", "type": "movie", "url": ""}), BAD_URL),
            (json!({"name": "A", "type": "movie", "url": null}), BAD_URL),
        ] {
            assert_eq!(body(&v), Err(message.to_owned()), "{v}");
        }
    }

    #[test]
    fn shapes_on_the_wire() {
        let f: Favorite = serde_json::from_str(
            r#"{"id":"1","name":"A New Hope","type":"movie","url":"http://x/films/1/"}"#,
        )
        .unwrap();
        assert_eq!(f.kind, FavoriteKind::Movie);
        let new = NewFavorite::parse("Luke Skywalker", "character", "u").unwrap();
        assert_eq!(
            serde_json::to_value(&new).unwrap(),
            json!({"name":"Luke Skywalker","type":"character","url":"u"})
        );
        let saved = FavoriteSaved::new(f.clone(), None);
        assert!(serde_json::to_value(&saved)
            .unwrap()
            .get("warning")
            .is_none());
        assert_eq!(
            serde_json::from_value::<FavoriteSaved>(serde_json::to_value(&saved).unwrap()).unwrap(),
            saved
        );
    }

    #[test]
    fn page_numbers() {
        assert_eq!(PageNumber::parse("2"), Ok(PageNumber(2)));
        for bad in ["0", "-1", "abc", "", "1.5", "+2", "99999999999"] {
            assert_eq!(
                PageNumber::parse(bad),
                Err(Invalid(BAD_PAGE.into())),
                "{bad}"
            );
        }
    }
}
