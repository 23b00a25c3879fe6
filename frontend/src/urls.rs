//! Where the services are, seen from each side.
//!
//! The server renders pages inside the Docker network and reaches the services by
//! their service names (`http://backend`). The browser runs on the host and reaches
//! them through their published ports (`http://localhost`). Both sets of URLs are
//! configuration of the *server*; the browser gets them at render time through
//! `<meta>` tags in the page head, so the wasm never has a URL compiled into it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUrls {
    /// Goals API as the server reaches it (`BACKEND_INTERNAL_URL`).
    pub goals_ssr: String,
    /// Goals API as the browser reaches it (`BACKEND_PUBLIC_URL`).
    pub goals_browser: String,
    /// Favorites service as the server reaches it (`FAVORITES_INTERNAL_URL`).
    pub favorites_ssr: String,
    /// Favorites service as the browser reaches it (`FAVORITES_PUBLIC_URL`).
    pub favorites_browser: String,
    /// The monitoring profile's Prometheus as the server reaches it (`PROMETHEUS_URL`:
    /// the network map's traffic); server side only, never handed to the browser.
    #[serde(skip)]
    pub prometheus: Option<String>,
    /// The monitoring profile's Grafana as the server reaches it (`GRAFANA_URL`: its health
    /// on the map); server side only.
    #[serde(skip)]
    pub grafana: Option<String>,
}

/// The `<meta name=...>` tags the shell writes and the browser reads.
pub const META_GOALS_SSR: &str = "goals-api-internal";
pub const META_GOALS_BROWSER: &str = "goals-api";
pub const META_FAVORITES_SSR: &str = "favorites-api-internal";
pub const META_FAVORITES_BROWSER: &str = "favorites-api";

impl ServiceUrls {
    /// The goals API base URL for code running here: the internal URL on the server,
    /// the public one in the browser.
    pub fn goals(&self) -> String {
        if cfg!(target_arch = "wasm32") {
            self.goals_browser.clone()
        } else {
            self.goals_ssr.clone()
        }
    }

    /// The favorites service base URL for code running here.
    pub fn favorites(&self) -> String {
        if cfg!(target_arch = "wasm32") {
            self.favorites_browser.clone()
        } else {
            self.favorites_ssr.clone()
        }
    }

    /// The `(name, content)` pairs of the meta tags that carry these URLs.
    pub fn meta_tags(&self) -> [(&'static str, String); 4] {
        [
            (META_GOALS_BROWSER, self.goals_browser.clone()),
            (META_FAVORITES_BROWSER, self.favorites_browser.clone()),
            (META_GOALS_SSR, self.goals_ssr.clone()),
            (META_FAVORITES_SSR, self.favorites_ssr.clone()),
        ]
    }

    /// In the browser: the URLs the server wrote into the page head.
    #[cfg(feature = "hydrate")]
    pub fn from_document() -> Self {
        let read = |name: &str| -> String {
            leptos::prelude::document()
                .query_selector(&format!("meta[name=\"{name}\"]"))
                .ok()
                .flatten()
                .and_then(|el| el.get_attribute("content"))
                .unwrap_or_default()
        };
        Self {
            goals_ssr: read(META_GOALS_SSR),
            goals_browser: read(META_GOALS_BROWSER),
            favorites_ssr: read(META_FAVORITES_SSR),
            favorites_browser: read(META_FAVORITES_BROWSER),
            prometheus: None,
            grafana: None,
        }
    }
}
