//! Clients for the goals API and the favorites service (their types are the contract's:
//! [`contract::goals`], [`contract::favorites`]), and the network map's data.
//!
//! The same code runs on both sides; only the base URL differs. On the server
//! (server-side rendering) reqwest goes through hyper + rustls to the *internal* URL
//! (`http://backend` inside the Docker network); in the browser reqwest is `fetch()` to
//! the *public* URL (`http://localhost`, the published port), because code in the
//! browser runs on the host, not in the network.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[cfg(not(target_arch = "wasm32"))]
pub use crate::transport::server_client;
#[cfg(target_arch = "wasm32")]
pub use crate::transport::sleep_ms;
use crate::transport::{client, send};
pub use crate::transport::{
    error_from_response, join, path_segment, sendable, ApiError, Service, SSR_USER_AGENT,
};

// ---------------------------------------------------------------------------------
// Goals API

pub use contract::goals::Goal;

pub async fn list_goals(base: &str) -> Result<Vec<Goal>, ApiError> {
    let req = client().get(join(base, "/goals"));
    let list: contract::goals::GoalList = send(Service::Goals, req).await?;
    Ok(list.goals)
}

/// Saves a goal of `text` as typed: the goals API checks it, and its own message is what
/// the page shows when it refuses (422 `Invalid goal text.`).
pub async fn add_goal(base: &str, text: &str) -> Result<Goal, ApiError> {
    let req = client()
        .post(join(base, "/goals"))
        .json(&contract::goals::Typed { text });
    let saved: contract::goals::GoalSaved = send(Service::Goals, req).await?;
    Ok(saved.goal)
}

pub async fn delete_goal(base: &str, id: &str) -> Result<(), ApiError> {
    let req = client().delete(join(base, &format!("/goals/{}", path_segment(id))));
    // the body is `{"message": "Deleted goal!"}`: any JSON will do
    let _: serde::de::IgnoredAny = send(Service::Goals, req).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Favorites service

pub use contract::favorites::{Favorite, FavoriteKind, NewFavorite};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Film {
    pub title: String,
    #[serde(default)]
    pub episode_id: u32,
    #[serde(default)]
    pub director: String,
    #[serde(default)]
    pub release_date: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    #[serde(default)]
    pub birth_year: String,
    #[serde(default)]
    pub gender: String,
    pub url: String,
}

/// One page of a SWAPI list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwapiPage<T> {
    #[serde(default)]
    pub count: u32,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// SWAPI's list as the favorites service passed it through, read as this page needs it.
fn swapi_page<T: DeserializeOwned>(
    service: Service,
    list: serde_json::Value,
) -> Result<SwapiPage<T>, ApiError> {
    serde_json::from_value(list).map_err(|_| ApiError::BadResponse(service))
}

/// The `page=N` of a SWAPI `next`/`previous` link (`…/people/?page=2`).
pub fn page_number(link: &str) -> Option<u32> {
    let query = link.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .filter(|&n| n > 0)
}

pub async fn list_favorites(base: &str) -> Result<Vec<Favorite>, ApiError> {
    let req = client().get(join(base, "/favorites"));
    let list: contract::favorites::FavoriteList = send(Service::Favorites, req).await?;
    Ok(list.favorites)
}

pub async fn delete_favorite(base: &str, id: &str) -> Result<(), ApiError> {
    let req = client().delete(join(base, &format!("/favorites/{}", path_segment(id))));
    let _: serde::de::IgnoredAny = send(Service::Favorites, req).await?;
    Ok(())
}

pub async fn add_favorite(base: &str, new: &NewFavorite) -> Result<Favorite, ApiError> {
    let req = client().post(join(base, "/favorites")).json(new);
    let saved: contract::favorites::FavoriteSaved = send(Service::Favorites, req).await?;
    Ok(saved.favorite)
}

pub async fn movies(base: &str) -> Result<SwapiPage<Film>, ApiError> {
    let req = client().get(join(base, "/movies"));
    let movies: contract::favorites::Movies = send(Service::Favorites, req).await?;
    swapi_page(Service::Favorites, movies.movies)
}

pub async fn people(base: &str, page: u32) -> Result<SwapiPage<Person>, ApiError> {
    let req = client().get(join(base, &format!("/people?page={page}")));
    let people: contract::favorites::People = send(Service::Favorites, req).await?;
    swapi_page(Service::Favorites, people.people)
}

// ---------------------------------------------------------------------------------
// The network map

/// The map's server-side view: on the server, gathered right here; in the browser,
/// `GET /connections` of this page's own server.
#[cfg(feature = "ssr")]
pub async fn network_view(
    urls: &crate::urls::ServiceUrls,
) -> Result<network_map::NetworkView, ApiError> {
    Ok(crate::network_probe::view(urls).await)
}

/// The map's server-side view: on the server, gathered right here; in the browser,
/// `GET /connections` of this page's own server.
#[cfg(not(feature = "ssr"))]
pub async fn network_view(
    _urls: &crate::urls::ServiceUrls,
) -> Result<network_map::NetworkView, ApiError> {
    let origin = leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default();
    send(
        Service::Frontend,
        client().get(join(&origin, "/connections")),
    )
    .await
}

/// What the browser saw of a service's published URL (`GET {base}/healthz`).
#[derive(Clone, Debug, PartialEq)]
pub struct BrowserProbe {
    pub ok: bool,
    /// Milliseconds until the answer (or the failure).
    pub latency_ms: f64,
    /// The replica that answered (`X-Served-By`).
    pub served_by: Option<String>,
    pub error: Option<String>,
}

/// How long the browser waits for a probe: 3 s.
pub const BROWSER_PROBE_TIMEOUT_MS: u32 = 3000;

/// `GET {base}/healthz` from the browser, given up after [`BROWSER_PROBE_TIMEOUT_MS`].
#[cfg(target_arch = "wasm32")]
pub async fn probe_from_browser(base: &str) -> BrowserProbe {
    use futures::future::{select, Either};
    let t0 = js_sys::Date::now();
    let request = Box::pin(client().get(join(base, "/healthz")).send());
    let timer = Box::pin(sleep_ms(BROWSER_PROBE_TIMEOUT_MS));
    let outcome = match select(request, timer).await {
        Either::Left((Ok(res), _)) if res.status().is_success() => Ok(res
            .headers()
            .get("x-served-by")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)),
        Either::Left((Ok(res), _)) => Err(format!("answered {}", res.status())),
        Either::Left((Err(_), _)) => {
            Err("no answer (refused, or blocked by the browser)".to_owned())
        }
        Either::Right(_) => Err(format!(
            "no answer within {} s",
            BROWSER_PROBE_TIMEOUT_MS / 1000
        )),
    };
    let latency_ms = ((js_sys::Date::now() - t0) * 10.0).round() / 10.0;
    match outcome {
        Ok(served_by) => BrowserProbe {
            ok: true,
            latency_ms,
            served_by,
            error: None,
        },
        Err(e) => BrowserProbe {
            ok: false,
            latency_ms,
            served_by: None,
            error: Some(e),
        },
    }
}

/// Probes run in the browser only.
#[cfg(not(target_arch = "wasm32"))]
pub async fn probe_from_browser(_base: &str) -> BrowserProbe {
    BrowserProbe {
        ok: false,
        latency_ms: 0.0,
        served_by: None,
        error: Some("probed by the browser only".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_come_from_swapi_links() {
        assert_eq!(page_number("https://swapi.dev/api/people/?page=2"), Some(2));
        assert_eq!(
            page_number("http://x/api/people/?format=json&page=9"),
            Some(9)
        );
        assert_eq!(page_number("http://x/api/people/"), None);
        assert_eq!(page_number("http://x/api/people/?page=0"), None);
    }

    #[test]
    fn swapi_pages_parse_with_extra_fields() {
        let body = r#"{"movies":{"count":1,"next":null,"previous":null,"results":[
            {"title":"A New Hope","episode_id":4,"director":"George Lucas",
             "release_date":"1977-05-25","url":"http://s/api/films/1/","opening_crawl":"..."}]}}"#;
        let m: contract::favorites::Movies = serde_json::from_str(body).unwrap();
        let page: SwapiPage<Film> = swapi_page(Service::Favorites, m.movies).unwrap();
        assert_eq!(page.results[0].episode_id, 4);
        assert_eq!(
            swapi_page::<Film>(Service::Favorites, serde_json::json!({"results": 1})),
            Err(ApiError::BadResponse(Service::Favorites))
        );
    }
}
