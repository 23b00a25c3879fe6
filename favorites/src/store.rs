//! Favorites in MongoDB: `{_id: ObjectId, name, type, url}` in collection `favorites`,
//! the shape the course's Node version wrote, with a unique index on `name` so that a
//! name is saved once even when two requests race.

use std::sync::Arc;

use futures_util::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::options::{FindOptions, IndexOptions};
use mongodb::{Collection, Database, IndexModel};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

pub const COLLECTION: &str = "favorites";
pub const NAME_INDEX: &str = "name_unique";

/// MongoDB's duplicate key error code.
const DUPLICATE_KEY: i32 = 11000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FavoriteDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

/// What `insert` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    Saved(FavoriteDoc),
    /// A favorite of that name exists already (the unique index said so).
    NameTaken,
}

#[derive(Clone)]
pub struct FavoriteStore {
    favorites: Collection<FavoriteDoc>,
    /// Set once the unique index is known to exist. Made lazily, before the first
    /// insert, because the database may be down when the service starts.
    name_index: Arc<OnceCell<()>>,
}

impl FavoriteStore {
    pub fn new(db: &Database) -> Self {
        Self {
            favorites: db.collection(COLLECTION),
            name_index: Arc::new(OnceCell::new()),
        }
    }

    /// All favorites in insertion order (`_id` ascending).
    pub async fn list(&self) -> mongodb::error::Result<Vec<FavoriteDoc>> {
        let options = FindOptions::builder().sort(doc! { "_id": 1 }).build();
        self.favorites
            .find(doc! {})
            .with_options(options)
            .await?
            .try_collect()
            .await
    }

    pub async fn insert(
        &self,
        name: String,
        kind: String,
        url: String,
    ) -> mongodb::error::Result<Inserted> {
        self.ensure_name_index().await?;
        let favorite = FavoriteDoc {
            id: ObjectId::new(),
            name,
            kind,
            url,
        };
        match self.favorites.insert_one(&favorite).await {
            Ok(_) => Ok(Inserted::Saved(favorite)),
            Err(e) if is_duplicate_key(&e) => Ok(Inserted::NameTaken),
            Err(e) => Err(e),
        }
    }

    /// Creates the unique index on `name` once per process (creating an existing index
    /// is a no-op for the server). A failure is not remembered: the next insert retries.
    pub async fn ensure_name_index(&self) -> mongodb::error::Result<()> {
        self.name_index
            .get_or_try_init(|| async {
                let index = IndexModel::builder()
                    .keys(doc! { "name": 1 })
                    .options(
                        IndexOptions::builder()
                            .unique(true)
                            .name(NAME_INDEX.to_owned())
                            .build(),
                    )
                    .build();
                self.favorites.create_index(index).await.map_err(|e| {
                    if is_duplicate_key(&e) {
                        tracing::error!(
                            error = %e,
                            "the favorites collection holds duplicate names: the unique index cannot be made; remove the duplicates"
                        );
                    }
                    e
                })?;
                tracing::info!(
                    collection = COLLECTION,
                    index = NAME_INDEX,
                    "unique index on name ensured"
                );
                Ok(())
            })
            .await
            .map(|_| ())
    }
}

/// Whether the server refused a write because a unique index already holds the key.
pub fn is_duplicate_key(err: &mongodb::error::Error) -> bool {
    match &*err.kind {
        ErrorKind::Write(WriteFailure::WriteError(e)) => e.code == DUPLICATE_KEY,
        ErrorKind::Command(e) => e.code == DUPLICATE_KEY,
        ErrorKind::InsertMany(e) => e
            .write_errors
            .iter()
            .flatten()
            .any(|w| w.code == DUPLICATE_KEY),
        _ => false,
    }
}
