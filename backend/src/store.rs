//! Goals in MongoDB: `{_id: ObjectId, text}` in collection `goals`, the shape the
//! course's Node version wrote, so its data reads back.

use futures_util::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId};
use mongodb::options::FindOptions;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GoalDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    #[serde(default)]
    pub text: String,
}

#[derive(Clone)]
pub struct GoalStore {
    goals: Collection<GoalDoc>,
}

impl GoalStore {
    pub fn new(db: &Database) -> Self {
        Self {
            goals: db.collection("goals"),
        }
    }

    /// All goals in insertion order (`_id` ascending).
    pub async fn list(&self) -> mongodb::error::Result<Vec<GoalDoc>> {
        let options = FindOptions::builder().sort(doc! { "_id": 1 }).build();
        self.goals
            .find(doc! {})
            .with_options(options)
            .await?
            .try_collect()
            .await
    }

    pub async fn insert(&self, text: String) -> mongodb::error::Result<GoalDoc> {
        let goal = GoalDoc {
            id: ObjectId::new(),
            text,
        };
        self.goals.insert_one(&goal).await?;
        Ok(goal)
    }

    /// `true` when a goal was deleted, `false` when there was none with that id.
    pub async fn delete(&self, id: ObjectId) -> mongodb::error::Result<bool> {
        let result = self.goals.delete_one(doc! { "_id": id }).await?;
        Ok(result.deleted_count == 1)
    }
}
