//! A small blocking HTTP client for the suites, with typed asserts on the answer: the
//! status, a header, a text in the body, the body read as a typed JSON document. Every
//! assert returns `Err` with what was got (the status and the start of the body), for
//! [`crate::report::Report::check`]. Also a TCP probe.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde::de::DeserializeOwned;

/// A client with one request timeout (10 s by default), no proxy, no cookies, and a new
/// connection for every request (as curl makes): a kept-alive connection to a published
/// port would be dead after the container behind it restarts.
pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// One answer. `status` is 0 when no answer came (refused, timed out: curl's `000`), and
/// then `body` says why.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status code, or 0 when nothing answered.
    pub status: u16,
    /// The response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossy UTF-8).
    pub body: String,
}

impl Default for Http {
    fn default() -> Self {
        Self::with_timeout(Duration::from_secs(10))
    }
}

impl Http {
    /// A client whose every request gives up after `timeout`.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime"),
            client: reqwest::Client::builder()
                .timeout(timeout)
                .no_proxy()
                .pool_max_idle_per_host(0)
                .build()
                .expect("an HTTP client"),
        }
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Reply {
        self.send("GET", url, None, None)
    }

    /// `POST url` with a JSON body.
    pub fn post_json(&self, url: &str, json: &str) -> Reply {
        self.send("POST", url, Some(json), None)
    }

    /// `DELETE url`.
    pub fn delete(&self, url: &str) -> Reply {
        self.send("DELETE", url, None, None)
    }

    /// `method url`, with a JSON body (and `Content-Type: application/json`) when given,
    /// and a `User-Agent` when given.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        json: Option<&str>,
        user_agent: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut req = self.client.request(method, url);
        if let Some(json) = json {
            req = req
                .header("Content-Type", "application/json")
                .body(json.to_owned());
        }
        if let Some(ua) = user_agent {
            req = req.header("User-Agent", ua);
        }
        self.runtime.block_on(async move {
            match req.send().await {
                Ok(res) => {
                    let status = res.status().as_u16();
                    let headers = res
                        .headers()
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().to_owned(),
                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                            )
                        })
                        .collect();
                    let body = match res.bytes().await {
                        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                        Err(e) => format!("(the body could not be read: {e})"),
                    };
                    Reply {
                        status,
                        headers,
                        body,
                    }
                }
                Err(e) => Reply {
                    status: 0,
                    headers: Vec::new(),
                    body: format!("no answer: {e}"),
                },
            }
        })
    }
}

impl Reply {
    /// The start of the body (300 characters), for messages.
    pub fn excerpt(&self) -> &str {
        crate::clip(&self.body, 300)
    }

    /// `Ok` when the status is `want`; else `Err("got STATUS: body…")`.
    pub fn status_is(&self, want: u16) -> Result<&Self, String> {
        if self.status == want {
            Ok(self)
        } else {
            Err(format!("got {}: {}", self.status, self.excerpt()))
        }
    }

    /// The body as a `T`; `Err` with serde's reason and the body when it is not one.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_str(&self.body).map_err(|e| {
            format!(
                "not a {} ({e}): {}",
                std::any::type_name::<T>(),
                self.excerpt()
            )
        })
    }

    /// The value of header `name` (any case), the first when there are several.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Ok` when the body contains `text`; else `Err` with the body's start.
    pub fn contains(&self, text: &str) -> Result<&Self, String> {
        if self.body.contains(text) {
            Ok(self)
        } else {
            Err(format!(
                "the body ({}) lacks {text:?}: {}",
                self.status,
                self.excerpt()
            ))
        }
    }
}

/// Whether something accepts a TCP connection on `host:port` within a second.
pub fn port_open(host: &str, port: u16) -> bool {
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/wasm".into())],
            body: body.into(),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Goals {
        goals: Vec<serde_json::Value>,
    }

    #[test]
    fn status_and_json_asserts_say_what_was_got() {
        let r = reply(500, r#"{"message":"boom"}"#);
        assert_eq!(r.status_is(500).unwrap().status, 500);
        assert_eq!(
            r.status_is(200).unwrap_err(),
            r#"got 500: {"message":"boom"}"#
        );
        let err = r.json::<Goals>().unwrap_err();
        assert!(err.contains("missing field `goals`"), "{err}");
        assert!(reply(200, r#"{"goals":[]}"#)
            .json::<Goals>()
            .unwrap()
            .goals
            .is_empty());
    }

    #[test]
    fn headers_are_found_in_any_case_and_texts_in_the_body() {
        let r = reply(200, "<h1>Course Goals</h1>");
        assert_eq!(r.header("Content-Type"), Some("application/wasm"));
        assert_eq!(r.header("x-served-by"), None);
        assert!(r.contains("Course Goals").is_ok());
        assert!(r.contains("Network").unwrap_err().contains("lacks"));
    }

    #[test]
    fn nothing_answering_is_status_0_with_the_reason() {
        let port = test_support::free_port();
        let r =
            Http::with_timeout(Duration::from_secs(2)).get(&format!("http://127.0.0.1:{port}/"));
        assert_eq!(r.status, 0);
        assert!(r.body.starts_with("no answer"), "{}", r.body);
        assert!(!port_open("127.0.0.1", port));
    }
}
