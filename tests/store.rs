//! The service's durable store, every case on SQLite (a temp file) and on PostgreSQL (a
//! throwaway server that `scripts/postgres.sh` starts once for this test binary and stops
//! when the binary exits). Each case gets its own database.

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use serde_json::json;
use std::time::Duration;
use threeds_bridge::flow::Handle;
use threeds_bridge::model::{Authentication, AuthenticationStatus, Provider};
use threeds_bridge::store::{
    new_authentication_id, Attempt, Begin, Change, NewAuthentication, Store, StoreError, StoreKey,
    StoredResponse,
};
use threeds_bridge::{normalize_text, Catalog, Context};
use threeds_wire::Secret;

#[path = "common/db.rs"]
mod db;
use db::{postgres_db, sqlite_db, Db};

const CLIENT_SECRET: &str = "sek_canary_7f3a9c1e5b";
const CAVV: &str = "BwAQATkhGAEAABVIFSEYEGkybeU=";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5)
        .single()
        .unwrap_or_default()
        + Span::microseconds(123_456)
}

/// Paysafe's published frictionless answer: authenticated, with a CAVV.
fn authentication(status: &str) -> Authentication {
    let document = format!(
        r#"{{"id": "123e4567-e89b-12d3-a456-4266554456745", "cavv": "{CAVV}", "eci": 5,
            "status": "{status}", "threeDResult": "Y", "txnTime": "2019-01-21T16:28:17.735Z",
            "amount": 123, "currency": "EUR", "merchantRefNum": "Ref-1234",
            "threeDSecureVersion": "2.1.0"}}"#
    );
    let catalog = Catalog::builtin().expect("builtin catalog");
    normalize_text(&document, None, &Context::new(&catalog))
        .expect("normalizes")
        .authentication
}

fn handle() -> Handle {
    let mut handle = Handle::new(Provider::CHECKOUT, "sid_y3oqhf46pyzuxjbcn2giaqnb44");
    handle.client_secret = Some(Secret::new(CLIENT_SECRET));
    handle.state = json!({"step": "device_data"});
    handle
}

fn attempt(account: &str) -> Attempt {
    Attempt {
        account: account.into(),
        provider: Provider::CHECKOUT,
        psp_id: Some("sid_1".into()),
        status: Some(AuthenticationStatus::Authenticated),
        detail: json!({"elapsed_ms": 12}),
    }
}

fn new_authentication() -> NewAuthentication {
    NewAuthentication {
        id: new_authentication_id(),
        account: "checkout-eu".into(),
        authentication: authentication("PENDING"),
        handle: Some(handle()),
        attempts: vec![attempt("checkout-eu")],
    }
}

fn change(status: &str) -> Change {
    Change {
        authentication: authentication(status),
        handle: None,
        attempts: vec![attempt("checkout-us")],
    }
}

fn key() -> StoreKey {
    StoreKey::from_bytes([7; 32])
}

async fn open(db: &Db) -> Store {
    Store::open(&db.url, &key()).await.expect("opens the store")
}

/// Every case runs on both databases.
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$case(&super::sqlite_db()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$case(&super::postgres_db().await).await;
            }
        }
    )*};
}

on_both!(
    restart_loses_nothing,
    two_stores_see_each_others_writes_and_conflict_on_version,
    idempotency_replays_conflicts_and_mismatches,
    client_secrets_are_sealed_at_rest,
    a_wrong_key_fails_clearly,
    outbox_claims_delivers_and_reschedules,
    concurrent_claims_never_share_an_event,
    psp_ids_find_their_authentication_through_an_index,
);

async fn restart_loses_nothing(db: &Db) {
    let store = open(db).await;
    let new = new_authentication();
    let created = store
        .create(&new, &json!({"status": "pending"}), t0())
        .await
        .expect("creates");
    assert_eq!(created.version, 1);
    // What create and update return is what the store holds (neither reads it back).
    assert_eq!(
        Some(&created),
        store.get(&new.id).await.expect("reads").as_ref()
    );
    let updated = store
        .update(
            &created,
            &change("COMPLETED"),
            &json!({"status": "authenticated"}),
            t0() + Span::seconds(1),
        )
        .await
        .expect("updates");
    assert_eq!(
        Some(&updated),
        store.get(&new.id).await.expect("reads").as_ref()
    );
    assert_eq!(
        store.idempotency_begin("k1", "h1", t0()).await.ok(),
        Some(Begin::Started)
    );
    let response = StoredResponse {
        status: 201,
        body: json!({"id": new.id}),
    };
    store
        .idempotency_finish("k1", &response)
        .await
        .expect("finishes");
    store.close().await;

    let store = open(db).await;
    let again = store.get(&new.id).await.expect("reads").expect("is there");
    assert_eq!(again, updated);
    assert_eq!(again.version, 2);
    assert_eq!(again.updated_at, t0() + Span::seconds(1));
    assert_eq!(
        again.authentication.status,
        AuthenticationStatus::Authenticated
    );
    assert_eq!(
        again
            .authentication
            .authentication_value
            .as_ref()
            .map(|v| v.expose()),
        Some(CAVV)
    );
    assert_eq!(again.handle.as_ref(), new.handle.as_ref());
    assert_eq!(again.attempts.len(), 2);
    assert_eq!(again.attempts[1].account, "checkout-us");
    let events = store
        .list_events(Some(&new.id), None, 10)
        .await
        .expect("lists");
    let payloads: Vec<_> = events.iter().map(|e| e.payload["status"].clone()).collect();
    assert_eq!(payloads, [json!("authenticated"), json!("pending")]);
    assert_eq!(
        store.idempotency_begin("k1", "h1", t0()).await.ok(),
        Some(Begin::Replay(response))
    );
    assert!(store.get("auth_missing").await.expect("reads").is_none());
}

async fn two_stores_see_each_others_writes_and_conflict_on_version(db: &Db) {
    let one = open(db).await;
    let other = open(db).await;
    let new = new_authentication();
    let created = one
        .create(&new, &json!({}), t0())
        .await
        .expect("creates on one");
    let seen = other
        .get(&new.id)
        .await
        .expect("reads")
        .expect("other sees it");
    other
        .update(&seen, &change("COMPLETED"), &json!({}), t0())
        .await
        .expect("updates on the other");
    // One still holds version 1: its write is refused, and it sees the other's.
    let err = one
        .update(&created, &change("FAILED"), &json!({}), t0())
        .await
        .expect_err("a stale version is refused");
    assert!(
        matches!(
            &err,
            StoreError::VersionConflict {
                expected: 1,
                actual: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("version 1 was read"), "{err}");
    let now = one.get(&new.id).await.expect("reads").expect("is there");
    assert_eq!(
        now.authentication.status,
        AuthenticationStatus::Authenticated
    );
    assert_eq!(now.version, 2);
    // The refused write left no event behind.
    assert_eq!(
        one.list_events(Some(&new.id), None, 10)
            .await
            .expect("lists")
            .len(),
        2
    );
    let nowhere = threeds_bridge::store::Record {
        id: "auth_nope".into(),
        ..created.clone()
    };
    let missing = one
        .update(&nowhere, &change("FAILED"), &json!({}), t0())
        .await
        .expect_err("unknown id");
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing}");
}

async fn idempotency_replays_conflicts_and_mismatches(db: &Db) {
    let store = open(db).await;
    let begin = |key: &'static str, hash: &'static str, at| {
        let store = &store;
        async move {
            store
                .idempotency_begin(key, hash, at)
                .await
                .expect("begins")
        }
    };
    assert_eq!(begin("k", "h", t0()).await, Begin::Started);
    assert_eq!(begin("k", "h", t0()).await, Begin::InProgress);
    assert_eq!(begin("k", "other", t0()).await, Begin::Mismatch);
    let response = StoredResponse {
        status: 201,
        body: json!({"id": "auth_1", "client_secret": "cs_1"}),
    };
    store
        .idempotency_finish("k", &response)
        .await
        .expect("finishes");
    assert_eq!(
        begin("k", "h", t0() + Span::hours(23)).await,
        Begin::Replay(response)
    );
    assert_eq!(begin("k", "other", t0()).await, Begin::Mismatch);
    // After 24 hours the key is forgotten: it starts anew, with any body.
    assert_eq!(
        begin("k", "other", t0() + Span::hours(25)).await,
        Begin::Started
    );
    // A request that did nothing releases its key, so a retry runs.
    assert_eq!(begin("r", "h", t0()).await, Begin::Started);
    store.idempotency_release("r").await.expect("releases");
    assert_eq!(begin("r", "h", t0()).await, Begin::Started);
    let err = store
        .idempotency_finish(
            "never",
            &StoredResponse {
                status: 200,
                body: json!({}),
            },
        )
        .await
        .expect_err("nothing running");
    assert!(matches!(err, StoreError::NotRunning(_)), "{err}");
}

/// A handle's JSON and sealed secret, the authentication's redacted JSON and sealed copy.
type RawRow = (String, Option<Vec<u8>>, String, Vec<u8>);

async fn client_secrets_are_sealed_at_rest(db: &Db) {
    use sqlx::Connection;
    let store = open(db).await;
    let new = new_authentication();
    store.create(&new, &json!({}), t0()).await.expect("creates");
    let read = store.get(&new.id).await.expect("reads").expect("is there");
    let secret = read.handle.as_ref().and_then(|h| h.client_secret.as_ref());
    assert_eq!(secret.map(|s| s.expose()), Some(CLIENT_SECRET));
    store.close().await;

    let query = "SELECT h.handle, h.client_secret, a.normalized, a.sealed \
                 FROM psp_handles h JOIN authentications a ON a.id = h.authentication_id";
    let rows: Vec<RawRow> = match &db.file {
        Some(_) => {
            let mut c = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("raw sqlite");
            sqlx::query_as(query)
                .fetch_all(&mut c)
                .await
                .expect("raw rows")
        }
        None => {
            let mut c = sqlx::PgConnection::connect(&db.url)
                .await
                .expect("raw postgres");
            sqlx::query_as(query)
                .fetch_all(&mut c)
                .await
                .expect("raw rows")
        }
    };
    assert_eq!(rows.len(), 1);
    let (handle, sealed_secret, normalized, sealed) = &rows[0];
    let raw = format!(
        "{handle}{}{normalized}{}",
        String::from_utf8_lossy(sealed_secret.as_deref().unwrap_or_default()),
        String::from_utf8_lossy(sealed)
    );
    assert!(sealed_secret.is_some());
    assert!(
        handle.contains("sid_y3oqhf46pyzuxjbcn2giaqnb44"),
        "{handle}"
    );
    for canary in [CLIENT_SECRET, CAVV] {
        assert!(!raw.contains(canary), "{canary} is stored in clear");
    }
    if let Some(file) = &db.file {
        for suffix in ["", "-wal"] {
            let bytes = std::fs::read(format!("{}{suffix}", file.display())).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(CLIENT_SECRET) && !text.contains(CAVV),
                "file{suffix}"
            );
        }
    }
}

async fn a_wrong_key_fails_clearly(db: &Db) {
    use sqlx::Connection;
    let store = open(db).await;
    let first = new_authentication();
    let second = new_authentication();
    store
        .create(&first, &json!({}), t0())
        .await
        .expect("creates");
    store
        .create(&second, &json!({}), t0())
        .await
        .expect("creates");
    store.close().await;

    let err = Store::open(&db.url, &StoreKey::from_bytes([8; 32]))
        .await
        .err()
        .expect("another key is refused at open");
    assert!(matches!(err, StoreError::WrongKey), "{err}");
    assert!(err.to_string().contains("another key"), "{err}");

    // A sealed secret moved to another row does not open there: an error, never garbage.
    let swap = format!(
        "UPDATE psp_handles SET client_secret = \
         (SELECT client_secret FROM psp_handles WHERE authentication_id = '{}') \
         WHERE authentication_id = '{}'",
        first.id, second.id
    );
    match &db.file {
        Some(_) => {
            let mut c = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("raw sqlite");
            sqlx::query(&swap).execute(&mut c).await.expect("swaps");
        }
        None => {
            let mut c = sqlx::PgConnection::connect(&db.url)
                .await
                .expect("raw postgres");
            sqlx::query(&swap).execute(&mut c).await.expect("swaps");
        }
    }
    let store = open(db).await;
    let err = store
        .get(&second.id)
        .await
        .expect_err("the moved secret does not open");
    assert!(matches!(err, StoreError::Sealed { .. }), "{err}");
    assert!(err.to_string().contains(&second.id), "{err}");
    assert!(store.get(&first.id).await.is_ok());
}

async fn outbox_claims_delivers_and_reschedules(db: &Db) {
    let store = open(db).await;
    let new = new_authentication();
    let created = store
        .create(&new, &json!({"n": 1}), t0())
        .await
        .expect("creates");
    store
        .update(&created, &change("COMPLETED"), &json!({"n": 2}), t0())
        .await
        .expect("updates");
    let lease = Duration::from_secs(30);
    let claimed = store.claim_due(t0(), 10, lease).await.expect("claims");
    let order: Vec<_> = claimed.iter().map(|e| e.payload["n"].clone()).collect();
    assert_eq!(order, [json!(1), json!(2)]);
    assert!(claimed
        .iter()
        .all(|e| e.attempts == 1 && e.kind == "authentication.updated"));
    assert!(claimed.iter().all(|e| e.id.starts_with("evt_")));
    assert_eq!(claimed[0].body()["id"], json!(claimed[0].id));
    // Leased: nobody else gets them meanwhile.
    assert!(store
        .claim_due(t0(), 10, lease)
        .await
        .expect("claims")
        .is_empty());

    store
        .mark_delivered(&claimed[0].id, t0())
        .await
        .expect("delivered");
    let due = store
        .reschedule(&claimed[1], t0(), "HTTP 503 from the merchant")
        .await
        .expect("rescheduled");
    assert_eq!(due, t0() + Span::seconds(1));
    assert!(store
        .claim_due(t0() + Span::milliseconds(999), 10, lease)
        .await
        .expect("claims")
        .is_empty());
    let retry = store
        .claim_due(t0() + Span::seconds(1), 10, lease)
        .await
        .expect("claims");
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].id, claimed[1].id);
    assert_eq!(retry[0].attempts, 2);
    assert_eq!(
        retry[0].last_error.as_deref(),
        Some("HTTP 503 from the merchant")
    );

    // The claimer dies: once the lease runs out the same event (same id) comes back.
    let after_lease = t0() + Span::seconds(1) + Span::seconds(30);
    let back = store
        .claim_due(after_lease, 10, lease)
        .await
        .expect("claims");
    assert_eq!(
        back.iter().map(|e| &e.id).collect::<Vec<_>>(),
        [&claimed[1].id]
    );
    store
        .mark_delivered(&back[0].id, after_lease)
        .await
        .expect("delivered");
    assert!(store
        .claim_due(after_lease + Span::days(1), 10, lease)
        .await
        .expect("claims")
        .is_empty());
    let listed = store.list_events(None, None, 10).await.expect("lists");
    assert!(listed.iter().all(|e| e.delivered_at.is_some()));
    assert_eq!(listed[0].payload["n"], json!(2), "newest first");
}

async fn concurrent_claims_never_share_an_event(db: &Db) {
    let store = open(db).await;
    let new = new_authentication();
    let mut record = store.create(&new, &json!({}), t0()).await.expect("creates");
    for _ in 1..40 {
        record = store
            .update(&record, &change("PENDING"), &json!({}), t0())
            .await
            .expect("updates");
    }
    let claimers: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move {
                let store = Store::open(&url, &key()).await.expect("opens");
                let mut mine = Vec::new();
                loop {
                    let batch = store
                        .claim_due(t0(), 3, Duration::from_secs(3600))
                        .await
                        .expect("claims");
                    if batch.is_empty() {
                        break;
                    }
                    mine.extend(batch.into_iter().map(|e| e.id));
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.expect("claimer ran"));
    }
    let total = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "an event was handed to two claimers");
    assert_eq!(total, 40, "every event was claimed once");
}

async fn psp_ids_find_their_authentication_through_an_index(db: &Db) {
    let store = open(db).await;
    let new = new_authentication();
    store.create(&new, &json!({}), t0()).await.expect("creates");
    let find = |provider, id: &'static str| {
        let store = &store;
        async move { store.find_by_psp_id(provider, id).await.expect("finds") }
    };
    // The handle's PSP id, an attempt's, another provider's, an unknown one.
    assert_eq!(
        find(Provider::CHECKOUT, "sid_y3oqhf46pyzuxjbcn2giaqnb44").await,
        Some(new.id.clone())
    );
    assert_eq!(
        find(Provider::CHECKOUT, "sid_1").await,
        Some(new.id.clone())
    );
    assert_eq!(find(Provider::PAYSAFE, "sid_1").await, None);
    assert_eq!(find(Provider::CHECKOUT, "sid_unknown").await, None);
    // The lookups use the indexes migration 2 adds (a webhook must not scan every row).
    let sql_sqlite = "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('psp_handles_by_psp_id', 'attempts_by_psp_id') ORDER BY name";
    let sql_postgres = "SELECT indexname FROM pg_indexes WHERE indexname IN ('psp_handles_by_psp_id', 'attempts_by_psp_id') ORDER BY indexname";
    let names: Vec<(String,)> = if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.expect("opens");
        sqlx::query_as(sql_sqlite)
            .fetch_all(&pool)
            .await
            .expect("lists indexes")
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.expect("connects");
        sqlx::query_as(sql_postgres)
            .fetch_all(&pool)
            .await
            .expect("lists indexes")
    };
    let names: Vec<&str> = names.iter().map(|(n,)| n.as_str()).collect();
    assert_eq!(names, ["attempts_by_psp_id", "psp_handles_by_psp_id"]);
}
