//! Text that is not blank, and the patterns the OpenAPI descriptions give for it and for
//! ids, written once.

use serde::{Deserialize, Serialize};

/// The pattern of a text that is not blank: at least one character that is not Unicode
/// white space (the characters `str::trim` removes), written out so that every regex
/// engine reads it alike.
pub const NOT_BLANK: &str = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// The pattern of a MongoDB ObjectId as a client may send it: 24 hexadecimal digits.
pub const OBJECT_ID: &str = "^[0-9a-fA-F]{24}$";

/// The pattern of an id as the APIs show it: 24 lowercase hexadecimal digits.
pub const OBJECT_ID_SHOWN: &str = "^[0-9a-f]{24}$";

/// A text with its surrounding white space removed and something left: what the APIs
/// store for a goal's text, a favorite's name and its URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NonBlank(String);

impl NonBlank {
    /// `raw` trimmed, or `None` when nothing is left.
    pub fn parse(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl TryFrom<String> for NonBlank {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).ok_or("a text that is not blank")
    }
}

impl From<NonBlank> for String {
    fn from(t: NonBlank) -> String {
        t.0
    }
}

impl std::ops::Deref for NonBlank {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NonBlank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The OpenAPI schemas of texts and ids.
#[cfg(feature = "openapi")]
pub(crate) mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    /// A string that is not blank ([`super::NOT_BLANK`]), of at most `max_chars` characters.
    pub fn non_blank(description: &str, max_chars: Option<usize>) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .min_length(Some(1))
            .max_length(max_chars)
            .pattern(Some(super::NOT_BLANK))
            .into()
    }

    /// An id as the APIs show it ([`super::OBJECT_ID_SHOWN`]).
    pub fn object_id() -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The stored ObjectId, 24 hex digits."))
            .pattern(Some(super::OBJECT_ID_SHOWN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_blank_is_trimmed_and_never_empty() {
        assert_eq!(NonBlank::parse("  Luke \n").unwrap().as_str(), "Luke");
        for blank in ["", " ", "\t\n", "\u{3000}\u{2028}"] {
            assert_eq!(NonBlank::parse(blank), None, "{blank:?}");
        }
        assert!(serde_json::from_str::<NonBlank>("\"  \"").is_err());
        let t: NonBlank = serde_json::from_str("\" a \"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"a\"");
    }

    #[test]
    fn the_pattern_rejects_exactly_what_trim_removes() {
        // every character of the class is one `trim` removes, and the reverse
        let class: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let listed = [
            '\t', '\n', '\u{B}', '\u{C}', '\r', ' ', '\u{85}', '\u{A0}', '\u{1680}', '\u{2028}',
            '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
        ];
        for c in class {
            let in_range = ('\u{2000}'..='\u{200A}').contains(&c);
            assert!(listed.contains(&c) || in_range, "{c:?} is white space");
        }
    }
}
