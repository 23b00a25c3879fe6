//! An offline stand-in for the Star Wars API (`https://swapi.dev/api/`): the films and
//! people of `swapi-data/` (embedded at compile time), served in SWAPI's own shapes.
//!
//! - `GET /api/` lists what it serves;
//! - `GET /api/films/`, `GET /api/people/` with `?page=N`: ten a page,
//!   `{"count","next","previous","results"}`, `next`/`previous` null at the ends;
//! - `GET /api/films/{id}/`, `GET /api/people/{id}/`, ids as in each item's `url`;
//! - the same routes without the trailing slash;
//! - anything unknown (a resource, an id, a page): 404 `{"detail":"Not found"}`, as SWAPI.
//!
//! Every `https://swapi.dev/api/` link is rewritten to the stand-in's own base:
//! `SWAPI_PUBLIC_URL` when set, else `http://{Host header}/api/`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::uri::Authority;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use service_kit::server::{Service, StartError};
use service_kit::{ConfigError, Env};

use crate::config::http_base_url;

pub const DEFAULT_PORT: u16 = 8000;
/// The base every link in the data is written against.
pub const ORIGINAL_BASE: &str = "https://swapi.dev/api/";
pub const PAGE_SIZE: usize = 10;

const FILMS_JSON: &str = include_str!("../swapi-data/films.json");
const PEOPLE_JSON: &str = include_str!("../swapi-data/people.json");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub port: u16,
    /// The public base URL, ending in `/` (e.g. `http://swapi:8000/api/`); `None`:
    /// taken from each request's Host header.
    pub public_url: Option<String>,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let public_url = match env.get("SWAPI_PUBLIC_URL")? {
            None => None,
            Some(raw) => Some(format!("{}/", http_base_url("SWAPI_PUBLIC_URL", &raw)?)),
        };
        Ok(Self {
            port: env.port_or("PORT", DEFAULT_PORT)?,
            public_url,
        })
    }
}

impl Service for Config {
    const NAME: &'static str = "swapi-standin";
    const DEFAULT_PORT: u16 = DEFAULT_PORT;

    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Config::from_env(env)
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PORT", self.port.to_string()),
            (
                "SWAPI_PUBLIC_URL",
                self.public_url
                    .clone()
                    .unwrap_or_else(|| "(from each request's Host header)".into()),
            ),
        ]
    }

    async fn run(self) -> Result<(), StartError> {
        run(self).await
    }
}

/// The two collections the stand-in serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Films,
    People,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Films, Kind::People];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Films => "films",
            Kind::People => "people",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The data, parsed once.
#[derive(Debug, Clone)]
pub struct Catalog {
    films: Vec<Value>,
    people: Vec<Value>,
}

impl Catalog {
    /// The films and people embedded from `swapi-data/`.
    pub fn embedded() -> Result<Self, String> {
        let parse = |name: &str, text: &str| {
            serde_json::from_str::<Vec<Value>>(text)
                .map_err(|e| format!("the embedded {name} data is not a JSON array: {e}"))
        };
        Ok(Self {
            films: parse("films", FILMS_JSON)?,
            people: parse("people", PEOPLE_JSON)?,
        })
    }

    pub fn items(&self, kind: Kind) -> &[Value] {
        match kind {
            Kind::Films => &self.films,
            Kind::People => &self.people,
        }
    }

    /// Page `page` (from 1) of a list, links against [`ORIGINAL_BASE`]; `None` when
    /// there is no such page. An empty list still has its (empty) page 1, as in SWAPI.
    pub fn page(&self, kind: Kind, page: usize) -> Option<Value> {
        let items = self.items(kind);
        let pages = items.len().div_ceil(PAGE_SIZE).max(1);
        if page == 0 || page > pages {
            return None;
        }
        let link = |n: usize| Value::String(format!("{ORIGINAL_BASE}{}/?page={n}", kind.name()));
        let start = (page - 1) * PAGE_SIZE;
        let end = (start + PAGE_SIZE).min(items.len());
        Some(json!({
            "count": items.len(),
            "next": if page < pages { link(page + 1) } else { Value::Null },
            "previous": if page > 1 { link(page - 1) } else { Value::Null },
            "results": &items[start..end],
        }))
    }

    /// The item whose `url` is `{ORIGINAL_BASE}{kind}/{id}/`.
    pub fn item(&self, kind: Kind, id: &str) -> Option<&Value> {
        let url = format!("{ORIGINAL_BASE}{}/{id}/", kind.name());
        self.items(kind)
            .iter()
            .find(|item| item.get("url").and_then(Value::as_str) == Some(url.as_str()))
    }

    /// The root listing, as SWAPI's `/api/` (only what the stand-in serves).
    pub fn root(&self) -> Value {
        let map: Map<String, Value> = Kind::ALL
            .into_iter()
            .map(|k| {
                (
                    k.name().to_owned(),
                    Value::String(format!("{ORIGINAL_BASE}{}/", k.name())),
                )
            })
            .collect();
        Value::Object(map)
    }
}

/// Rewrites every string that starts with [`ORIGINAL_BASE`] to start with `base`
/// instead. Works on the parsed value, so no Host header can break the JSON.
pub fn rewrite_links(value: &mut Value, base: &str) {
    match value {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix(ORIGINAL_BASE) {
                *s = format!("{base}{rest}");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_links(v, base)),
        Value::Object(map) => map.values_mut().for_each(|v| rewrite_links(v, base)),
        _ => {}
    }
}

/// A SWAPI-shaped error: `{"detail": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail(pub StatusCode, pub &'static str);

impl Detail {
    fn not_found() -> Self {
        Self(StatusCode::NOT_FOUND, "Not found")
    }
}

impl IntoResponse for Detail {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "detail": self.1 }))).into_response()
    }
}

#[derive(Clone)]
struct AppState {
    catalog: Arc<Catalog>,
    public_url: Option<Arc<str>>,
}

/// The base links are rewritten to: `SWAPI_PUBLIC_URL`, or `http://{Host}/api/`.
struct Base(String);

impl FromRequestParts<AppState> for Base {
    type Rejection = Detail;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Detail> {
        if let Some(url) = &state.public_url {
            return Ok(Base(url.to_string()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            .ok_or(Detail(
                StatusCode::BAD_REQUEST,
                "A Host header is required.",
            ))?;
        // Only a plain host[:port]: no user info, nothing that is not an address.
        match host.parse::<Authority>() {
            Ok(a) if !host.contains('@') && !a.host().is_empty() => {
                Ok(Base(format!("http://{a}/api/")))
            }
            _ => Err(Detail(StatusCode::BAD_REQUEST, "Invalid Host header.")),
        }
    }
}

#[derive(Deserialize)]
struct PageParams {
    page: Option<String>,
}

pub fn app(catalog: Catalog, public_url: Option<String>) -> Router {
    let state = AppState {
        catalog: Arc::new(catalog),
        public_url: public_url.map(Into::into),
    };
    let api = Router::new()
        .route("/api", get(root))
        .route("/api/", get(root))
        .route("/api/{kind}", get(list))
        .route("/api/{kind}/", get(list))
        .route("/api/{kind}/{id}", get(item))
        .route("/api/{kind}/{id}/", get(item))
        .with_state(state);
    let ok = || async { Json(json!({ "status": "ok" })) };
    let router = Router::new()
        .route("/healthz", get(ok))
        .route("/readyz", get(ok))
        .route(service_kit::metrics::PATH, get(service_kit::metrics::serve))
        .merge(api)
        .fallback(|| async { Detail::not_found() })
        .method_not_allowed_fallback(|| async {
            Detail(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
        });
    service_kit::http::json_layers(router, &[axum::http::Method::GET])
}

async fn root(State(state): State<AppState>, Base(base): Base) -> Json<Value> {
    let mut value = state.catalog.root();
    rewrite_links(&mut value, &base);
    Json(value)
}

async fn list(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    params: Result<Query<PageParams>, axum::extract::rejection::QueryRejection>,
    Base(base): Base,
) -> Result<Json<Value>, Detail> {
    let kind = Kind::from_name(&kind).ok_or_else(Detail::not_found)?;
    let page = match params {
        Ok(Query(PageParams { page: None })) => 1,
        Ok(Query(PageParams { page: Some(raw) })) => {
            raw.parse::<usize>().map_err(|_| Detail::not_found())?
        }
        Err(_) => return Err(Detail::not_found()),
    };
    let mut value = state
        .catalog
        .page(kind, page)
        .ok_or_else(Detail::not_found)?;
    rewrite_links(&mut value, &base);
    Ok(Json(value))
}

async fn item(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Base(base): Base,
) -> Result<Json<Value>, Detail> {
    let kind = Kind::from_name(&kind).ok_or_else(Detail::not_found)?;
    let mut value = state
        .catalog
        .item(kind, &id)
        .cloned()
        .ok_or_else(Detail::not_found)?;
    rewrite_links(&mut value, &base);
    Ok(Json(value))
}

/// Runs the stand-in until SIGTERM/SIGINT.
pub async fn run(config: Config) -> Result<(), StartError> {
    let listener = service_kit::server::listen(config.port).await?;
    let catalog = Catalog::embedded().map_err(|e| StartError::refused("swapi-data", e))?;
    tracing::info!(
        films = catalog.items(Kind::Films).len(),
        people = catalog.items(Kind::People).len(),
        public_url = config
            .public_url
            .as_deref()
            .unwrap_or("(from the Host header)"),
        "SWAPI stand-in starting"
    );
    service_kit::server::serve(listener, app(catalog, config.public_url)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().unwrap()
    }

    #[test]
    fn embedded_data_is_whole() {
        let c = catalog();
        assert_eq!(c.items(Kind::Films).len(), 6);
        assert_eq!(c.items(Kind::People).len(), 82);
        for kind in Kind::ALL {
            for item in c.items(kind) {
                let url = item["url"].as_str().unwrap();
                assert!(url.starts_with(&format!("{ORIGINAL_BASE}{}/", kind.name())));
            }
        }
    }

    #[test]
    fn pages_have_swapi_shape() {
        let c = catalog();
        let p1 = c.page(Kind::People, 1).unwrap();
        assert_eq!(p1["count"], 82);
        assert_eq!(p1["previous"], Value::Null);
        assert_eq!(p1["next"], "https://swapi.dev/api/people/?page=2");
        assert_eq!(p1["results"].as_array().unwrap().len(), 10);
        assert_eq!(p1["results"][0]["name"], "Luke Skywalker");

        let p2 = c.page(Kind::People, 2).unwrap();
        assert_eq!(p2["previous"], "https://swapi.dev/api/people/?page=1");
        assert_eq!(p2["next"], "https://swapi.dev/api/people/?page=3");
        assert_eq!(p2["results"][0], c.items(Kind::People)[10]);

        let last = c.page(Kind::People, 9).unwrap();
        assert_eq!(last["next"], Value::Null);
        assert_eq!(last["results"].as_array().unwrap().len(), 2);
        assert!(c.page(Kind::People, 10).is_none());
        assert!(c.page(Kind::People, 0).is_none());

        let films = c.page(Kind::Films, 1).unwrap();
        assert_eq!(films["count"], 6);
        assert_eq!(films["next"], Value::Null);
        assert_eq!(films["previous"], Value::Null);
        assert!(c.page(Kind::Films, 2).is_none());
    }

    #[test]
    fn items_by_the_id_in_their_url() {
        let c = catalog();
        assert_eq!(c.item(Kind::Films, "1").unwrap()["title"], "A New Hope");
        assert_eq!(c.item(Kind::People, "1").unwrap()["name"], "Luke Skywalker");
        // people 17 is not in the data (nor in SWAPI)
        assert!(c.item(Kind::People, "17").is_none());
        assert!(c.item(Kind::Films, "7").is_none());
        assert!(c.item(Kind::Films, "1/../2").is_none());
    }

    #[test]
    fn rewrites_every_link_and_nothing_else() {
        let mut v = json!({
            "url": "https://swapi.dev/api/films/1/",
            "list": ["https://swapi.dev/api/people/1/", "x https://swapi.dev/api/"],
            "n": 1,
            "nested": {"next": "https://swapi.dev/api/people/?page=2"}
        });
        rewrite_links(&mut v, "http://h:1/api/");
        assert_eq!(
            v,
            json!({
                "url": "http://h:1/api/films/1/",
                "list": ["http://h:1/api/people/1/", "x https://swapi.dev/api/"],
                "n": 1,
                "nested": {"next": "http://h:1/api/people/?page=2"}
            })
        );
    }

    #[test]
    fn config() {
        let c = Config::from_env(&Env::from_pairs([])).unwrap();
        assert_eq!(
            c,
            Config {
                port: 8000,
                public_url: None
            }
        );
        let c = Config::from_env(&Env::from_pairs([(
            "SWAPI_PUBLIC_URL",
            "http://swapi:8000/api",
        )]))
        .unwrap();
        assert_eq!(c.public_url.as_deref(), Some("http://swapi:8000/api/"));
        let err = Config::from_env(&Env::from_pairs([("SWAPI_PUBLIC_URL", "swapi")])).unwrap_err();
        assert_eq!(err.var, "SWAPI_PUBLIC_URL");
        let err = Config::from_env(&Env::from_pairs([("PORT", "x")])).unwrap_err();
        assert_eq!(err.var, "PORT");
    }
}
