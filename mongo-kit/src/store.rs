//! A collection of one kind of document, as the services use it: every document in
//! insertion order (an odd one left out and logged, never a 500), inserts with group
//! commit, deletes by id. Every call goes through [`Db`] (bounded, runs to completion).

use std::collections::HashSet;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{doc, Bson, RawDocument, RawDocumentBuf};
use mongodb::Collection;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::db::{Db, DbError};
use crate::group_commit::GroupCommit;
use crate::shared_read::SharedRead;

/// A kind of document a service stores, read and written with serde. A field another
/// program may leave out should carry `#[serde(default)]`; a document that does not
/// decode is "odd" ([`Store::list`] leaves it out).
pub trait StoredDocument: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The collection these documents live in.
    const COLLECTION: &'static str;
}

/// The documents `T` in their collection. Cheap to clone: one reference count (a request's
/// handler gets its own clone of the state; several counts shared by every worker thread
/// cost more than the clone itself under load).
pub struct Store<T: StoredDocument>(Arc<Parts<T>>);

struct Parts<T: StoredDocument> {
    db: Db,
    collection: Collection<T>,
    raw: Collection<RawDocumentBuf>,
    inserts: GroupCommit<T>,
    odd: OddDocuments,
    kind: PhantomData<fn() -> T>,
}

impl<T: StoredDocument> Clone for Store<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: StoredDocument> Store<T> {
    /// The collection [`StoredDocument::COLLECTION`] of `db`'s database.
    pub fn new(db: &Db) -> Self {
        let database = db.database();
        Self(Arc::new(Parts {
            db: db.clone(),
            collection: database.collection(T::COLLECTION),
            raw: database.collection(T::COLLECTION),
            inserts: GroupCommit::new(db, database.collection(T::COLLECTION)),
            odd: OddDocuments::default(),
            kind: PhantomData,
        }))
    }

    /// The [`Db`] behind it, for operations of a service's own (through [`Db::run`]).
    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// The driver's collection, for operations of a service's own.
    pub fn collection(&self) -> &Collection<T> {
        &self.0.collection
    }

    /// Every document in insertion order, each read as `T` and handed to `show` (which
    /// makes what the API answers, so no second list is built). A document that does not
    /// decode (another program wrote it: a field of the wrong type) is left out and
    /// logged once with its id and what is wrong.
    ///
    /// One `find` with an empty filter and no `sort`: the server returns the documents in
    /// its natural order, which is insertion order for a WiredTiger collection (what the
    /// course's Node version relies on too). Sorting by `_id` would cost the server an
    /// in-memory sort on every call (about twice the work per list on the test server)
    /// and is not insertion order anyway when several replicas insert within one second
    /// (an ObjectId orders by its seconds, then by the writing process's random bytes).
    pub async fn list<U: Send + 'static>(&self, show: fn(T) -> U) -> Result<Vec<U>, DbError> {
        let raw = self.0.raw.clone();
        let odd = self.0.odd.clone();
        self.0
            .db
            .run("find", async move {
                let mut cursor = raw.find(doc! {}).await?;
                let mut items = Vec::new();
                // each document is read where the reply holds it (no copy of its own)
                while cursor.advance().await? {
                    let doc = cursor.current();
                    match decode::<T>(doc) {
                        Ok(item) => items.push(show(item)),
                        Err(why) => odd.report(raw.name(), &id_text(doc), &why),
                    }
                }
                Ok(items)
            })
            .await
    }

    /// Stores `doc`: concurrent inserts share one `insert` command ([`GroupCommit`]).
    /// Its own write error (a duplicate key) comes back as `insert_one`'s would.
    pub async fn insert(&self, doc: T) -> Result<(), DbError> {
        self.0.inserts.insert(doc).await
    }

    /// `true` when the document `id` was deleted, `false` when there was none.
    pub async fn delete(&self, id: ObjectId) -> Result<bool, DbError> {
        let collection = self.0.collection.clone();
        let result = self
            .0
            .db
            .run("delete", async move {
                collection.delete_one(doc! { "_id": id }).await
            })
            .await?;
        Ok(result.deleted_count == 1)
    }
}

/// The whole list of a [`Store`] as the API answers it, as JSON bytes, with its reads
/// shared ([`SharedRead`]): the requests that come while a list is read share the next
/// read, found, decoded and serialised once for all of them. Cheap to clone.
pub struct SharedList<T: StoredDocument> {
    store: Store<T>,
    render: fn(Vec<T>) -> Bytes,
    reads: SharedRead<Bytes>,
}

impl<T: StoredDocument> Clone for SharedList<T> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            render: self.render,
            reads: self.reads.clone(),
        }
    }
}

impl<T: StoredDocument> SharedList<T> {
    /// The list of `store`, answered as `render` makes it from every readable document in
    /// insertion order (see [`json`] to make one from a wire type).
    pub fn new(store: &Store<T>, render: fn(Vec<T>) -> Bytes) -> Self {
        Self {
            store: store.clone(),
            render,
            reads: SharedRead::default(),
        }
    }

    /// The list's JSON, from a read that started after this call (module docs of
    /// [`crate::shared_read`]).
    pub async fn read(&self) -> Result<Bytes, DbError> {
        let store = self.store.clone();
        let render = self.render;
        self.reads
            .read(async move { store.list(|doc| doc).await.map(render) })
            .await
    }
}

/// `value` as JSON bytes, for [`SharedList`]'s `render`. The API's wire types always
/// serialise (string keys, no custom serialiser that can fail).
pub fn json<W: Serialize>(value: &W) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("a wire type serialises"))
}

/// A stored document read as `T`, or what is wrong with it in one phrase (the field and
/// the problem, e.g. `text: invalid type: integer `42`, expected a string`).
pub fn decode<T: DeserializeOwned>(doc: &RawDocument) -> Result<T, String> {
    mongodb::bson::from_slice(doc.as_bytes()).map_err(|_| why_odd::<T>(doc))
}

/// The path to the field that does not decode (read again, slowly: odd documents only).
fn why_odd<T: DeserializeOwned>(doc: &RawDocument) -> String {
    let document = match mongodb::bson::Document::try_from(doc) {
        Ok(d) => d,
        Err(e) => return format!("the document cannot be read: {e}"),
    };
    let de = mongodb::bson::Deserializer::new(Bson::Document(document));
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(_) => "it cannot be read".to_owned(),
        Err(e) => {
            let path = e.path().to_string();
            let problem = e.into_inner();
            if path == "." || path.is_empty() {
                problem.to_string()
            } else {
                format!("{path}: {problem}")
            }
        }
    }
}

/// The 24 lowercase hex digits of an ObjectId, as the APIs show ids: the same text as
/// `ObjectId::to_hex`, written without its per-character iterator (a list writes one
/// per document).
pub fn object_id_hex(id: &ObjectId) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 24];
    for (i, byte) in id.bytes().iter().enumerate() {
        out[2 * i] = DIGITS[(byte >> 4) as usize];
        out[2 * i + 1] = DIGITS[(byte & 0x0f) as usize];
    }
    // only ASCII hex digits were written
    String::from_utf8(out.to_vec()).expect("ASCII")
}

/// The `_id` of a raw document as text, for logs: the hex of an ObjectId, else the
/// value's JSON-like form.
pub fn id_text(doc: &RawDocument) -> String {
    match doc.get("_id") {
        Ok(Some(id)) => match id.as_object_id() {
            Some(oid) => oid.to_hex(),
            None => format!("{id:?}"),
        },
        _ => "(no _id)".to_owned(),
    }
}

/// Stored documents a list could not read: each is logged once per process with its
/// collection, id and what is wrong, and the list goes on without it. Cheap to clone.
#[derive(Clone, Default)]
pub struct OddDocuments {
    seen: Arc<Mutex<HashSet<String>>>,
}

/// At most this many odd ids are remembered; past it, each is logged every time.
const ODD_IDS_REMEMBERED: usize = 10_000;

impl OddDocuments {
    /// Logs (once per `id`) that the document `id` of `collection` was left out of a
    /// list because of `why`.
    pub fn report(&self, collection: &str, id: &str, why: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let key = format!("{collection}/{id}");
        if seen.contains(&key) {
            return;
        }
        if seen.len() < ODD_IDS_REMEMBERED {
            seen.insert(key);
        }
        tracing::warn!(
            collection,
            id,
            problem = why,
            "a stored document cannot be read: left out of the list (fix or remove it in the database)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::rawdoc;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Note {
        #[serde(rename = "_id")]
        id: ObjectId,
        #[serde(default)]
        text: String,
    }

    #[test]
    fn a_document_decodes_or_says_which_field_is_odd() {
        let id = ObjectId::new();
        let ok: Note = decode(&rawdoc! { "_id": id, "text": "x", "__v": 0 }).unwrap();
        assert_eq!(
            ok,
            Note {
                id,
                text: "x".into()
            }
        );
        let missing: Note = decode(&rawdoc! { "_id": id }).unwrap();
        assert_eq!(missing.text, "");
        let e = decode::<Note>(&rawdoc! { "_id": id, "text": 42 }).unwrap_err();
        assert!(e.starts_with("text: invalid type"), "{e}");
        let e = decode::<Note>(&rawdoc! { "_id": "abc", "text": "x" }).unwrap_err();
        assert!(e.starts_with("_id: "), "{e}");
    }

    #[test]
    fn ids_are_shown_as_lowercase_hex() {
        let id = ObjectId::new();
        assert_eq!(object_id_hex(&id), id.to_hex());
        assert_eq!(id_text(&rawdoc! { "_id": id }), id.to_hex());
        assert_eq!(id_text(&rawdoc! { "x": 1 }), "(no _id)");
    }
}
