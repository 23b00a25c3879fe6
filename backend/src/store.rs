//! Goals in MongoDB: `{_id: ObjectId, text}` in collection `goals`, the shape the
//! course's Node version wrote, so its data reads back. Every call goes through
//! [`Db`] (bounded, runs to completion).

use common::db::{list_readable, OddDocuments};
use common::{Db, DbError, GroupCommit};
use mongodb::bson::{doc, oid::ObjectId, RawDocument, RawDocumentBuf};
use mongodb::Collection;
use serde::{Deserialize, Serialize};

pub const COLLECTION: &str = "goals";

/// A stored goal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GoalDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub text: String,
}

impl GoalDoc {
    /// Reads a stored document: `_id` must be an ObjectId and `text` a string
    /// (a missing `text` reads as empty, as before); anything else is odd.
    pub fn from_raw(doc: &RawDocument) -> Result<Self, String> {
        let (id, [text]) = common::db::read_strings(doc, ["text"])?;
        Ok(Self { id, text })
    }
}

#[derive(Clone)]
pub struct GoalStore {
    db: Db,
    goals: Collection<GoalDoc>,
    inserts: GroupCommit<GoalDoc>,
    raw: Collection<RawDocumentBuf>,
    odd: OddDocuments,
}

impl GoalStore {
    pub fn new(db: &Db) -> Self {
        Self {
            db: db.clone(),
            goals: db.database().collection(COLLECTION),
            inserts: GroupCommit::new(db, db.database().collection(COLLECTION)),
            raw: db.database().collection(COLLECTION),
            odd: OddDocuments::default(),
        }
    }

    /// All goals in insertion order (the server's natural order). A document that cannot be read
    /// as a goal is left out and logged (once) with its id.
    pub async fn list(&self) -> Result<Vec<GoalDoc>, DbError> {
        list_readable(&self.db, &self.raw, &self.odd, GoalDoc::from_raw).await
    }

    /// Stores a new goal; its id is made here, so the answer can carry it. Concurrent
    /// saves share one `insert` command ([`GroupCommit`]).
    pub async fn insert(&self, text: String) -> Result<GoalDoc, DbError> {
        let goal = GoalDoc {
            id: ObjectId::new(),
            text,
        };
        self.inserts.insert(goal.clone()).await?;
        Ok(goal)
    }

    /// `true` when a goal was deleted, `false` when there was none with that id.
    pub async fn delete(&self, id: ObjectId) -> Result<bool, DbError> {
        let goals = self.goals.clone();
        let result = self
            .db
            .run(async move { goals.delete_one(doc! { "_id": id }).await })
            .await?;
        Ok(result.deleted_count == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::rawdoc;

    #[test]
    fn reads_goals_and_names_what_is_odd() {
        let id = ObjectId::new();
        let ok = GoalDoc::from_raw(&rawdoc! { "_id": id, "text": "x", "__v": 0 }).unwrap();
        assert_eq!(
            ok,
            GoalDoc {
                id,
                text: "x".into()
            }
        );
        let missing = GoalDoc::from_raw(&rawdoc! { "_id": id }).unwrap();
        assert_eq!(missing.text, "");
        let e = GoalDoc::from_raw(&rawdoc! { "_id": id, "text": 42 }).unwrap_err();
        assert!(e.contains("text is a Int32"), "{e}");
        let e = GoalDoc::from_raw(&rawdoc! { "_id": "abc", "text": "x" }).unwrap_err();
        assert!(e.contains("_id"), "{e}");
    }
}
