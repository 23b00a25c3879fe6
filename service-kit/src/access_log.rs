//! The access log the course's backend wrote with morgan('combined'): one Apache
//! combined-format line per request, appended to `$LOG_DIR/access.log`.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::HttpBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Version};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::config::ConfigError;

#[derive(Clone)]
pub struct AccessLog {
    file: Arc<Mutex<File>>,
    path: Arc<PathBuf>,
}

impl AccessLog {
    /// Creates `dir` if needed and opens `dir/access.log` for appending.
    /// `var` names the setting the directory came from, for the error line.
    pub fn open(dir: &Path, var: &'static str) -> Result<Self, ConfigError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| ConfigError::new(var, format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join("access.log");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| ConfigError::new(var, format!("cannot open {}: {e}", path.display())))?;
        Ok(Self {
            file: Arc::new(Mutex::new(file)),
            path: Arc::new(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn append(&self, line: &str) {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = file.write_all(line.as_bytes()) {
            tracing::warn!(path = %self.path.display(), error = %e, "cannot write the access log");
        }
    }
}

/// Middleware: `axum::middleware::from_fn_with_state(log, access_log::record)`.
pub async fn record(State(log): State<AccessLog>, req: Request, next: Next) -> Response {
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| req.uri().path().to_owned());
    let version = req.version();
    let referer = header_value(req.headers(), header::REFERER);
    let user_agent = header_value(req.headers(), header::USER_AGENT);

    let res = next.run(req).await;

    let length = header_value(res.headers(), header::CONTENT_LENGTH)
        .or_else(|| res.body().size_hint().exact().map(|n| n.to_string()));
    let line = combined_line(&Entry {
        remote: remote.as_deref(),
        time: Utc::now(),
        method: &method,
        target: &target,
        version,
        status: res.status().as_u16(),
        length: length.as_deref(),
        referer: referer.as_deref(),
        user_agent: user_agent.as_deref(),
    });
    log.append(&line);
    res
}

fn header_value(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

pub struct Entry<'a> {
    pub remote: Option<&'a str>,
    pub time: DateTime<Utc>,
    pub method: &'a str,
    pub target: &'a str,
    pub version: Version,
    pub status: u16,
    pub length: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// `host - - [10/Oct/2000:13:55:36 +0000] "GET /goals HTTP/1.1" 200 2326 "referer" "agent"\n`
pub fn combined_line(e: &Entry) -> String {
    format!(
        "{} - - [{}] \"{} {} {}\" {} {} \"{}\" \"{}\"\n",
        e.remote.unwrap_or("-"),
        e.time.format("%d/%b/%Y:%H:%M:%S %z"),
        escape(e.method),
        escape(e.target),
        http_version(e.version),
        e.status,
        e.length.unwrap_or("-"),
        escape(e.referer.unwrap_or("-")),
        escape(e.user_agent.unwrap_or("-")),
    )
}

fn http_version(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

/// As Apache does: quotes and backslashes escaped, control characters as \xhh, so a
/// client cannot forge or break log lines.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_like_morgan_combined() {
        let line = combined_line(&Entry {
            remote: Some("172.18.0.1"),
            time: Utc.with_ymd_and_hms(2026, 3, 7, 9, 5, 1).unwrap(),
            method: "GET",
            target: "/goals?x=1",
            version: Version::HTTP_11,
            status: 200,
            length: Some("42"),
            referer: None,
            user_agent: Some("curl/8.0"),
        });
        assert_eq!(
            line,
            "172.18.0.1 - - [07/Mar/2026:09:05:01 +0000] \"GET /goals?x=1 HTTP/1.1\" 200 42 \"-\" \"curl/8.0\"\n"
        );
    }

    #[test]
    fn escapes_quotes_and_newlines() {
        let line = combined_line(&Entry {
            remote: None,
            time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            method: "GET",
            target: "/",
            version: Version::HTTP_10,
            status: 404,
            length: None,
            referer: Some("a\"b"),
            user_agent: Some("x\ny"),
        });
        assert_eq!(
            line,
            "- - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.0\" 404 - \"a\\\"b\" \"x\\x0ay\"\n"
        );
        assert_eq!(line.matches('\n').count(), 1);
    }
}
