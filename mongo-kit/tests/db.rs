//! What a list costs the database: [`mongo_kit::Store::list`] against the real test
//! server (SecantusDB, started by `test_support::mongo_server`), with the driver's
//! command events recorded; and what saves cost it, through [`mongo_kit::GroupCommit`].

use std::sync::{Arc, Mutex};

use mongo_kit::store::{json, object_id_hex};
use mongo_kit::{Db, DbError, GroupCommit, SharedList, Store, StoredDocument};
use mongodb::bson::{doc, oid::ObjectId, Document};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::event::command::CommandEvent;
use mongodb::event::EventHandler;
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Collection, IndexModel};
use test_support::mongo::shared_mongo;

/// The commands a client sent, `(name, body)`, in order.
type Sent = Arc<Mutex<Vec<(String, Document)>>>;

async fn recording_db(db_name: &str) -> (Db, Sent) {
    let mut options = ClientOptions::parse(shared_mongo().url(db_name))
        .await
        .expect("the test server's URL parses");
    let sent: Sent = Arc::default();
    let log = sent.clone();
    options.command_event_handler = Some(EventHandler::callback(move |ev| {
        if let CommandEvent::Started(ev) = ev {
            log.lock().unwrap().push((ev.command_name, ev.command));
        }
    }));
    let client = mongodb::Client::with_options(options).expect("client");
    let database = client.database(db_name);
    (Db::new(client, database, None, vec![]), sent)
}

/// Insertion order, not `_id` order: the ids are stored falling, as several replicas
/// writing within one second may store them. One `find`, no `sort`, nothing after it.
#[tokio::test]
async fn a_list_is_one_find_in_insertion_order() {
    let mongo = shared_mongo();
    let name = mongo.fresh_db("list-cost");
    let ids: Vec<ObjectId> = [9u8, 3, 7, 1, 5]
        .iter()
        .map(|n| ObjectId::from_bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, *n]))
        .collect();
    let writer = mongo
        .client()
        .database(&name)
        .collection::<Document>("items");
    for (i, id) in ids.iter().enumerate() {
        writer
            .insert_one(doc! { "_id": id, "n": i as i32 })
            .await
            .expect("insert");
    }

    let (db, sent) = recording_db(&name).await;
    let store = Store::<Item>::new(&db);
    sent.lock().unwrap().clear();
    let listed = store.list(|item| item.id).await.expect("list");

    assert_eq!(listed, ids, "the list is in insertion order");
    let sent = sent.lock().unwrap().clone();
    let names: Vec<&str> = sent.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["find"],
        "one command per list, nothing else: {sent:?}"
    );
    let find = &sent[0].1;
    for field in ["sort", "projection", "hint", "batchSize", "limit"] {
        assert!(
            !find.contains_key(field),
            "the find asks for no `{field}` (the server's natural order is insertion order): {find}"
        );
    }
    mongo.client().database(&name).drop().await.expect("drop");
}

/// The API's id text is exactly the driver's hex form, for every byte value.
#[test]
fn object_id_hex_is_the_drivers_hex() {
    for seed in 0u8..=255 {
        let bytes: [u8; 12] =
            std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 17));
        let id = ObjectId::from_bytes(bytes);
        assert_eq!(object_id_hex(&id), id.to_hex());
    }
    let id = ObjectId::new();
    assert_eq!(object_id_hex(&id), id.to_hex());
}

/// A document of the tests' `items` collection.
#[derive(serde::Serialize, serde::Deserialize)]
struct Item {
    #[serde(rename = "_id")]
    id: ObjectId,
    #[serde(default)]
    n: i32,
}

impl StoredDocument for Item {
    const COLLECTION: &'static str = "items";
}

/// The `insert` commands a client sent: how many documents each carried.
fn insert_sizes(sent: &Sent) -> Vec<usize> {
    let sent = sent.lock().unwrap();
    sent.iter()
        .filter(|(name, _)| name == "insert")
        .map(|(_, body)| body.get_array("documents").map_or(0, |d| d.len()))
        .collect()
}

/// A fresh database `prefix-…` with a recording client, its `items` collection and a
/// [`GroupCommit`] on it: `(db, sent commands, items, inserts)`.
async fn group_commit_on_items(
    prefix: &str,
) -> (Db, Sent, Collection<Document>, GroupCommit<Document>) {
    let name = shared_mongo().fresh_db(prefix);
    let (db, sent) = recording_db(&name).await;
    let items = db.database().collection::<Document>("items");
    let inserts = GroupCommit::new(&db, items.clone());
    (db, sent, items, inserts)
}

/// Saves made at the same time go to the database as one `insert` (group commit), and
/// every one of them is stored.
#[tokio::test]
async fn concurrent_saves_share_one_insert_and_each_is_stored() {
    let (db, sent, items, inserts) = group_commit_on_items("group-commit").await;
    let saves = (0..40).map(|i| inserts.insert(doc! { "n": i }));
    let results = futures_util::future::join_all(saves).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    let sizes = insert_sizes(&sent);
    assert_eq!(sizes.iter().sum::<usize>(), 40, "{sizes:?}");
    assert!(
        sizes.len() < 40,
        "40 saves at once share commands, not one each: {sizes:?}"
    );
    assert_eq!(items.count_documents(doc! {}).await.unwrap(), 40);
    db.database().drop().await.expect("drop");
}

/// A save alone is sent at once, alone; saves one after the other keep their order.
#[tokio::test]
async fn saves_one_after_the_other_go_alone_and_keep_their_order() {
    let (db, sent, _items, inserts) = group_commit_on_items("group-commit-seq").await;
    for i in 0..5 {
        inserts.insert(doc! { "n": i }).await.expect("insert");
    }
    assert_eq!(insert_sizes(&sent), [1, 1, 1, 1, 1]);
    let listed = Store::<Item>::new(&db)
        .list(|item| item.n)
        .await
        .expect("list");
    assert_eq!(listed, [0, 1, 2, 3, 4]);
    db.database().drop().await.expect("drop");
}

/// In one batch, a document the server refuses gets its own write error, as
/// `insert_one` would have given it; the others are stored.
#[tokio::test]
async fn a_refused_document_gets_its_own_error_and_the_others_are_stored() {
    let (db, sent, items, inserts) = group_commit_on_items("group-commit-dup").await;
    items
        .create_index(
            IndexModel::builder()
                .keys(doc! { "name": 1 })
                .options(IndexOptions::builder().unique(true).build())
                .build(),
        )
        .await
        .expect("unique index");
    inserts.insert(doc! { "name": "a" }).await.expect("first a");
    sent.lock().unwrap().clear();

    let batch = ["b", "a", "c", "b"].map(|n| inserts.insert(doc! { "name": n }));
    let results = futures_util::future::join_all(batch).await;
    let codes: Vec<Option<i32>> = results
        .iter()
        .map(|r| match r {
            Ok(()) => None,
            Err(DbError::Driver(e)) => match &*e.kind {
                ErrorKind::Write(WriteFailure::WriteError(w)) => Some(w.code),
                other => panic!("not a write error: {other:?}"),
            },
            Err(e) => panic!("{e}"),
        })
        .collect();
    assert_eq!(codes, [None, Some(11000), None, Some(11000)]);
    assert_eq!(insert_sizes(&sent), [4], "the four went as one command");
    let mut names: Vec<String> = items
        .distinct("name", doc! {})
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(items.count_documents(doc! {}).await.unwrap(), 3);
    db.database().drop().await.expect("drop");
}

/// Lists asked for at the same time share reads: fewer `find`s than requests, every
/// answer the same JSON of every document; a list asked for after a save (acknowledged)
/// has it, even while other lists are being read.
#[tokio::test]
async fn lists_asked_together_share_reads_and_a_list_after_a_save_has_it() {
    let name = shared_mongo().fresh_db("shared-list");
    let (db, sent) = recording_db(&name).await;
    let store = Store::<Item>::new(&db);
    for n in 0..50 {
        store
            .insert(Item {
                id: ObjectId::new(),
                n,
            })
            .await
            .expect("insert");
    }
    let list = SharedList::new(&store, |items| {
        json(&items.iter().map(|i| i.n).collect::<Vec<_>>())
    });
    sent.lock().unwrap().clear();
    let answers = futures_util::future::join_all((0..40).map(|_| list.read())).await;
    let expected = json(&(0..50).collect::<Vec<i32>>());
    assert!(answers.iter().all(|a| a.as_ref().ok() == Some(&expected)));
    let finds = sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(n, _)| n == "find")
        .count();
    assert!(
        finds < 40,
        "40 lists at once share finds, not one each: {finds}"
    );
    println!("40 lists at once: {finds} finds");

    // lists read all the time by others; each save is in the next list its writer asks for
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (list, busy) = (list.clone(), busy.clone());
            tokio::spawn(async move {
                while busy.load(std::sync::atomic::Ordering::Relaxed) {
                    list.read().await.expect("list");
                }
            })
        })
        .collect();
    for n in 50..80 {
        store
            .insert(Item {
                id: ObjectId::new(),
                n,
            })
            .await
            .expect("insert");
        let listed: Vec<i32> = serde_json::from_slice(&list.read().await.unwrap()).unwrap();
        assert_eq!(listed.last(), Some(&n), "the list after saving {n}");
    }
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    db.database().drop().await.expect("drop");
}

/// The two failures a student meets most, as the service logs them (`db::watch`): a refused
/// login says that a data volume keeps the root user it was made with (and how to delete it);
/// no answer says what to look at. Against the real test server, and a port where nothing
/// listens.
#[tokio::test]
async fn a_refused_login_and_no_answer_say_what_to_do() {
    let env = shared_mongo().service_env();
    let host = env[0].1.clone();
    let port: u16 = env[1].1.parse().expect("MONGODB_PORT");
    let wrong = test_support::mongo::client_for(&host, port, Some(("root", "not-the-password")));
    let err = mongo_kit::db::ping(&wrong)
        .await
        .expect_err("a wrong password is refused");
    let why = mongo_kit::db::explain(&err);
    assert!(
        why.starts_with("authentication failed (check MONGODB_USERNAME / MONGODB_PASSWORD")
            && why.contains("docker compose down -v"),
        "{why}"
    );
    let nobody = test_support::mongo::client_for("127.0.0.1", 1, None);
    let err = mongo_kit::db::ping(&nobody)
        .await
        .expect_err("nothing listens on port 1");
    let why = mongo_kit::db::explain(&err);
    assert!(
        why.starts_with("no server answered") && why.contains("docker compose ps"),
        "{why}"
    );
}
