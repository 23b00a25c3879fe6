//! Goals in MongoDB: `{_id: ObjectId, text}` in collection `goals`, the shape the
//! course's Node version wrote, so its data reads back.

use contract::goals::{Goal, GoalList, GoalText};
use mongo_kit::store::{json, object_id_hex};
use mongo_kit::{Db, SharedList, Store, StoredDocument};
use mongodb::bson::oid::ObjectId;
use serde::{Deserialize, Serialize};

/// A stored goal. A document without `text` reads as an empty one, as the course's
/// version did; one whose `text` is not a string is odd (left out of the list).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GoalDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    #[serde(default)]
    pub text: String,
}

impl StoredDocument for GoalDoc {
    const COLLECTION: &'static str = "goals";
}

impl GoalDoc {
    /// A new goal of `text`; its id is made here, so the answer can carry it.
    pub fn new(text: GoalText) -> Self {
        Self {
            id: ObjectId::new(),
            text: text.into_string(),
        }
    }
}

impl From<GoalDoc> for Goal {
    fn from(d: GoalDoc) -> Self {
        Self {
            id: object_id_hex(&d.id),
            text: d.text,
        }
    }
}

/// The goals collection, and its list as the API answers it (`GoalList`), read once for
/// the requests that come together.
#[derive(Clone)]
pub struct GoalStore {
    pub goals: Store<GoalDoc>,
    pub list: SharedList<GoalDoc>,
}

impl GoalStore {
    pub fn new(db: &Db) -> Self {
        let goals = Store::new(db);
        let list = SharedList::new(&goals, |docs| {
            json(&GoalList {
                goals: docs.into_iter().map(Goal::from).collect(),
            })
        });
        Self { goals, list }
    }
}
