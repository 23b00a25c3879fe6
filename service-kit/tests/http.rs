//! The HTTP behaviour every JSON service shares, tested once here on a test router:
//! every rejection as the `{"message"}` envelope, the 413 for a client that writes its
//! whole body first, and the header-read timeout of the serve loop.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::{json, Value};
use service_kit::body::{BODY_LIMIT, DRAIN_LIMIT};
use service_kit::extract::{Path, Query};
use service_kit::http::json_layers;
use service_kit::server::{serve_until, Limits};
use service_kit::JsonBody;
use tower::ServiceExt;

#[derive(Deserialize)]
struct Params {
    #[allow(dead_code)]
    n: u32,
}

/// An extractor of the kind a framework or a library brings: it refuses with plain text.
struct NeedsHeader;

impl<S: Send + Sync> FromRequestParts<S> for NeedsHeader {
    type Rejection = (StatusCode, &'static str);
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key("x-needed") {
            Ok(NeedsHeader)
        } else {
            Err((
                StatusCode::BAD_REQUEST,
                "Header of type `x-needed` was missing",
            ))
        }
    }
}

fn router() -> Router {
    json_layers(
        Router::new()
            // the project's extractors
            .route(
                "/typed/{n}",
                get(|Path(n): Path<u32>| async move { Json(json!({ "n": n })) }),
            )
            .route(
                "/typed-query",
                get(|Query(_): Query<Params>| async { "ok" }),
            )
            .route(
                "/echo",
                post(|JsonBody(v): JsonBody<Value>| async move { Json(v) }),
            )
            // axum's own, whose rejections are plain text
            .route(
                "/raw/{n}",
                get(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move { n.to_string() },
                ),
            )
            .route(
                "/raw-query",
                get(|axum::extract::Query(_): axum::extract::Query<Params>| async { "ok" }),
            )
            .route(
                "/raw-json",
                post(|Json(v): Json<Value>| async move { Json(v) }),
            )
            .route("/header", get(|_: NeedsHeader| async { "ok" }))
            // a body of the contract: its own message, 422
            .route(
                "/goal",
                post(
                    |JsonBody(g): JsonBody<contract::goals::NewGoal>| async move {
                        Json(json!({ "text": g.text.as_str() }))
                    },
                ),
            ),
        &[axum::http::Method::GET, axum::http::Method::POST],
    )
}

async fn call(req: Request<Body>) -> (StatusCode, String, Value) {
    let res = router().oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, ctype, body)
}

fn get_req(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post_req(uri: &str, ctype: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header("content-type", ctype)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn every_rejection_is_the_json_message_envelope_with_its_status() {
    let cases = [
        (get_req("/typed/%FF"), StatusCode::BAD_REQUEST),
        (get_req("/typed/abc"), StatusCode::BAD_REQUEST),
        (get_req("/raw/%FF"), StatusCode::BAD_REQUEST),
        (get_req("/raw/abc"), StatusCode::BAD_REQUEST),
        (get_req("/typed-query?n=x"), StatusCode::BAD_REQUEST),
        (get_req("/raw-query?n=x"), StatusCode::BAD_REQUEST),
        (get_req("/raw-query"), StatusCode::BAD_REQUEST),
        (get_req("/header"), StatusCode::BAD_REQUEST),
        (
            post_req("/echo", "application/json", "{"),
            StatusCode::BAD_REQUEST,
        ),
        (
            post_req("/raw-json", "application/json", "{"),
            StatusCode::BAD_REQUEST,
        ),
        (
            post_req("/echo", "text/plain", "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            post_req("/raw-json", "text/plain", "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            post_req("/raw-json", "application/json", r#"{"a":1}"#).map(|_| Body::from("[1,2,")),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (req, expected) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (status, ctype, body) = call(req).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert_eq!(ctype, "application/json", "{what}");
        let message = body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {body}"));
        assert!(!message.is_empty(), "{what}");
        assert_eq!(body.as_object().unwrap().len(), 1, "{what}: {body}");
    }
    // what works still works, and a JSON answer is left alone
    let (status, _, body) = call(post_req("/echo", "application/json", r#"{"a":[1]}"#)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"a": [1]})));
    let (status, _, body) = call(get_req("/typed/7")).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"n": 7})));
}

/// A body of a contract type: what the type refuses is a 422 with the type's own message
/// alone (no serde position), and what it accepts arrives parsed.
#[tokio::test]
async fn a_contract_body_is_refused_with_its_own_message() {
    for body in [
        r#"{}"#,
        r#"{"text": 3}"#,
        r#"{"text": "  "}"#,
        "[1]",
        "null",
    ] {
        let (status, _, answer) = call(post_req("/goal", "application/json", body)).await;
        assert_eq!(
            (status, answer),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "message": contract::goals::INVALID_TEXT })
            ),
            "{body}"
        );
    }
    let long = format!(r#"{{"text": "{}"}}"#, "a".repeat(1001));
    let (status, _, answer) = call(post_req("/goal", "application/json", &long)).await;
    assert_eq!(
        (status, answer),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "message": contract::goals::TOO_LONG })
        )
    );
    let (status, _, answer) =
        call(post_req("/goal", "application/json", r#"{"text":" a "}"#)).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({ "text": "a" })));
    // malformed JSON is still a 400, whatever the type
    let (status, _, _) = call(post_req("/goal", "application/json", "{")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_json_and_one_at_the_limit_is_read() {
    let at_limit = format!(r#"{{"t":"{}"}}"#, "x".repeat(BODY_LIMIT - 8));
    assert_eq!(at_limit.len(), BODY_LIMIT);
    let (status, _, body) = call(post_req("/echo", "application/json", &at_limit)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["t"].as_str().unwrap().len(), BODY_LIMIT - 8);

    let over = format!(r#"{{"t":"{}"}}"#, "x".repeat(BODY_LIMIT - 7));
    for uri in ["/echo", "/raw-json"] {
        let (status, ctype, body) = call(post_req(uri, "application/json", &over)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert_eq!(ctype, "application/json");
        assert_eq!(
            body["message"],
            "Request body is too large (at most 16 KiB)."
        );
    }
}

async fn listen(limits: Limits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_until(
        listener,
        router(),
        std::future::pending(),
        limits,
    ));
    addr
}

/// Writes `head` and `body_len` bytes of body completely, and only then reads the answer:
/// what Python's urllib does. Returns the answer's status line and whole text.
fn write_all_then_read(addr: SocketAddr, head: &str, body_len: usize) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.set_write_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(head.as_bytes())?;
    let chunk = vec![b'x'; 64 * 1024];
    let mut left = body_len;
    while left > 0 {
        let n = left.min(chunk.len());
        s.write_all(&chunk[..n])?;
        left -= n;
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                    break;
                }
            }
            Err(e) if answer.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_writes_a_4_mib_body_before_reading_gets_the_413() {
    let addr = listen(Limits::default()).await;
    let len = 4 * 1024 * 1024;
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    );
    let answer = tokio::task::spawn_blocking(move || write_all_then_read(addr, &head, len))
        .await
        .unwrap()
        .expect("the whole body was written and the answer read (no broken pipe)");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("at most 16 KiB"), "{answer}");

    // the same with a chunked body (no Content-Length)
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr)?;
        s.set_read_timeout(Some(Duration::from_secs(20)))?;
        s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")?;
        let chunk = vec![b'x'; 32 * 1024];
        for _ in 0..64 {
            s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            s.write_all(&chunk)?;
            s.write_all(b"\r\n")?;
        }
        s.write_all(b"0\r\n\r\n")?;
        let mut answer = String::new();
        let mut buf = [0u8; 4096];
        while !answer.ends_with('}') {
            let n = s.read(&mut buf)?;
            if n == 0 {
                break;
            }
            answer.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        Ok::<_, std::io::Error>(answer)
    })
    .await
    .unwrap()
    .expect("chunked body written, answer read");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_declared_over_the_drain_limit_gets_413_at_once_and_the_connection_closes() {
    let addr = listen(Limits::default()).await;
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let len = DRAIN_LIMIT + 1;
        s.write_all(
            format!("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("closed by the server");
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let limits = Limits {
        header_read: Duration::from_millis(500),
        ..Limits::default()
    };
    let addr = listen(limits).await;
    let (closed_after, normal) = tokio::task::spawn_blocking(move || {
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let t0 = Instant::now();
        slow.write_all(b"GET /typed/1 HT").unwrap();
        let mut buf = Vec::new();
        let _ = slow.read_to_end(&mut buf); // EOF (or a reset) when the server gives up
        let closed_after = t0.elapsed();
        // a client that sends its request at once is served meanwhile and after
        let mut ok = TcpStream::connect(addr).unwrap();
        ok.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        ok.write_all(b"GET /typed/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        ok.read_to_string(&mut answer).unwrap();
        (closed_after, answer)
    })
    .await
    .unwrap();
    assert!(
        closed_after >= Duration::from_millis(400) && closed_after < Duration::from_secs(5),
        "closed after {closed_after:?}"
    );
    assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");
}
