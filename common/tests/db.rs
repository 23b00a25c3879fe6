//! What a list costs the database: [`common::db::list_readable`] against the real test
//! server (SecantusDB, started by `test_support::mongo_server`), with the driver's
//! command events recorded.

use std::sync::{Arc, Mutex};

use common::db::{list_readable, Db, OddDocuments};
use mongodb::bson::{doc, oid::ObjectId, Document, RawDocumentBuf};
use mongodb::event::command::CommandEvent;
use mongodb::event::EventHandler;
use mongodb::options::ClientOptions;
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
    let raw = db.database().collection::<RawDocumentBuf>("items");
    sent.lock().unwrap().clear();
    let listed = list_readable(&db, &raw, &OddDocuments::default(), |d| {
        d.get_object_id("_id").map_err(|e| e.to_string())
    })
    .await
    .expect("list");

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
        assert_eq!(common::db::object_id_hex(&id), id.to_hex());
    }
    let id = ObjectId::new();
    assert_eq!(common::db::object_id_hex(&id), id.to_hex());
}
