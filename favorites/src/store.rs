//! Favorites in MongoDB: `{_id: ObjectId, name, type, url}` in collection `favorites`,
//! the shape the course's Node version wrote, with a unique index on `name` so that a
//! name is saved once even when two requests race. Every call goes through [`Db`].
//!
//! Data written by the course's check-then-save Node version can already hold one name
//! twice; then the index cannot be made. Saves go on (see [`FavoriteStore::insert`]),
//! readiness carries [`DUPLICATES_WARNING`], and the log says so once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use contract::favorites::{Favorite, FavoriteKind, FavoriteList, NewFavorite};
use mongo_kit::store::{json, object_id_hex};
use mongo_kit::{Db, DbError, SharedList, Store, StoredDocument};
use mongodb::bson::{doc, oid::ObjectId};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::options::IndexOptions;
use mongodb::IndexModel;
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

pub const COLLECTION: &str = "favorites";
pub const NAME_INDEX: &str = "name_unique";

/// What readiness and a save's answer say while stored duplicates block the index.
pub const DUPLICATES_WARNING: &str = "The favorites collection holds the same name more than once, so the unique index on \"name\" cannot be made: this service refuses duplicates itself, which is safe with one replica only. Remove the duplicates (see the README, \"Favorites: duplicate names\"); the index is made by itself then.";

/// How often, while duplicates are stored, a save tries to make the index again.
const INDEX_RETRY: Duration = Duration::from_secs(5);

/// MongoDB's duplicate key error code.
const DUPLICATE_KEY: i32 = 11000;

/// A stored favorite. Missing `name` or `url` read as empty, as the course's version did;
/// a field of another type, or a `type` other than `movie` or `character`, makes the
/// document odd (left out of the list).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FavoriteDoc {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FavoriteKind,
    #[serde(default)]
    pub url: String,
}

impl StoredDocument for FavoriteDoc {
    const COLLECTION: &'static str = COLLECTION;
}

impl FavoriteDoc {
    /// A new favorite; its id is made here, so the answer can carry it.
    pub fn new(new: NewFavorite) -> Self {
        Self {
            id: ObjectId::new(),
            name: new.name.into_string(),
            kind: new.kind,
            url: new.url.into_string(),
        }
    }
}

impl From<FavoriteDoc> for Favorite {
    fn from(d: FavoriteDoc) -> Self {
        Self {
            id: object_id_hex(&d.id),
            name: d.name,
            kind: d.kind,
            url: d.url,
        }
    }
}

/// What `insert` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    Saved(FavoriteDoc),
    /// A favorite of that name exists already.
    NameTaken,
}

/// Whether the unique index on `name` exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uniqueness {
    /// The index exists: the server refuses a second copy of a name.
    Index,
    /// Stored duplicates block the index: this process checks before it saves.
    Checked,
}

#[derive(Clone)]
pub struct FavoriteStore {
    /// Saves while the index exists: concurrent ones share one `insert` command.
    favorites: Store<FavoriteDoc>,
    /// The list as the API answers it, read once for the requests that come together.
    list: SharedList<FavoriteDoc>,
    /// Set once the unique index is known to exist. Made lazily, before the first
    /// insert, because the database may be down when the service starts.
    name_index: Arc<OnceCell<()>>,
    /// While duplicates block the index: when making it was last tried.
    blocked_since: Arc<Mutex<Option<Instant>>>,
    /// Checked saves take turns, so two saves of one name in this process store one.
    checked_saves: Arc<tokio::sync::Mutex<()>>,
}

impl FavoriteStore {
    pub fn new(db: &Db) -> Self {
        let favorites = Store::new(db);
        Self {
            favorites: favorites.clone(),
            list: SharedList::new(&favorites, |docs| {
                json(&FavoriteList {
                    favorites: docs.into_iter().map(Favorite::from).collect(),
                })
            }),
            name_index: Arc::new(OnceCell::new()),
            blocked_since: Arc::default(),
            checked_saves: Arc::default(),
        }
    }

    /// All favorites in insertion order (the server's natural order), as the API answers
    /// them (`FavoriteList`, JSON). A document that cannot be read as a favorite is left out
    /// and logged (once) with its id. Requests that come together share one read.
    pub async fn list(&self) -> Result<Bytes, DbError> {
        self.list.read().await
    }

    /// Saves a favorite unless its name is taken. With the unique index, the server
    /// decides (two racing saves of one name store one, even within one batch of the
    /// [`GroupCommit`]). While stored duplicates block
    /// the index, this process looks the name up first, one save at a time.
    pub async fn insert(&self, new: NewFavorite) -> Result<Inserted, DbError> {
        let favorite = FavoriteDoc::new(new);
        match self.uniqueness().await? {
            Uniqueness::Index => match self.favorites.insert(favorite.clone()).await {
                Ok(()) => Ok(Inserted::Saved(favorite)),
                Err(DbError::Driver(e)) if is_duplicate_key(&e) => Ok(Inserted::NameTaken),
                Err(e) => Err(e),
            },
            Uniqueness::Checked => {
                let _turn = self.checked_saves.lock().await;
                let favorites = self.favorites.collection().clone();
                let doc = favorite.clone();
                let saved = self
                    .db()
                    .run("insert_checked", async move {
                        if favorites
                            .find_one(doc! { "name": &doc.name })
                            .await?
                            .is_some()
                        {
                            return Ok(false);
                        }
                        favorites.insert_one(&doc).await.map(|_| true)
                    })
                    .await?;
                Ok(if saved {
                    Inserted::Saved(favorite)
                } else {
                    Inserted::NameTaken
                })
            }
        }
    }

    /// `true` when a favorite was deleted, `false` when there was none with that id.
    pub async fn delete(&self, id: ObjectId) -> Result<bool, DbError> {
        self.favorites.delete(id).await
    }

    fn db(&self) -> &Db {
        self.favorites.db()
    }

    /// The warning a save's answer carries, while stored duplicates block the index.
    pub fn warning(&self) -> Option<&'static str> {
        let blocked = self.blocked_since.lock().unwrap_or_else(|p| p.into_inner());
        blocked.is_some().then_some(DUPLICATES_WARNING)
    }

    async fn uniqueness(&self) -> Result<Uniqueness, DbError> {
        if self.name_index.initialized() {
            return Ok(Uniqueness::Index);
        }
        {
            let blocked = self.blocked_since.lock().unwrap_or_else(|p| p.into_inner());
            if blocked.is_some_and(|since| since.elapsed() < INDEX_RETRY) {
                return Ok(Uniqueness::Checked);
            }
        }
        match self.ensure_name_index().await {
            Ok(()) => Ok(Uniqueness::Index),
            Err(DbError::Driver(e)) if is_duplicate_key(&e) => {
                let first = self
                    .blocked_since
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .replace(Instant::now())
                    .is_none();
                if first {
                    tracing::error!(error = %mongo_kit::errors::first_line(&e), "{DUPLICATES_WARNING}");
                    self.db()
                        .set_warning("favorites-duplicates", DUPLICATES_WARNING);
                }
                Ok(Uniqueness::Checked)
            }
            Err(e) => Err(e),
        }
    }

    /// Creates the unique index on `name` once per process (creating an existing index
    /// is a no-op for the server). A failure is not remembered: a later save retries.
    pub async fn ensure_name_index(&self) -> Result<(), DbError> {
        self.name_index
            .get_or_try_init(|| async {
                let favorites = self.favorites.collection().clone();
                let index = IndexModel::builder()
                    .keys(doc! { "name": 1 })
                    .options(
                        IndexOptions::builder()
                            .unique(true)
                            .name(NAME_INDEX.to_owned())
                            .build(),
                    )
                    .build();
                self.db()
                    .run("create_index", async move {
                        favorites.create_index(index).await
                    })
                    .await?;
                let was_blocked = self
                    .blocked_since
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                    .is_some();
                if was_blocked {
                    self.db().clear_warning("favorites-duplicates");
                    tracing::info!(
                        "the duplicate names are gone: the unique index on name is made"
                    );
                }
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
