//! The course's web frontend: Leptos with server-side rendering and hydration.
//!
//! - `ssr` feature: the server (`src/main.rs`, [`server`]) renders pages with the data
//!   already in the HTML, fetched from the services by their internal URLs.
//! - `hydrate` feature: this crate compiled to wasm32 takes over the page in the
//!   browser ([`hydrate`]); from then on the browser calls the services by their
//!   public URLs, handed over in the page head.

pub mod api;
pub mod app;
pub mod change;
#[cfg(not(target_arch = "wasm32"))]
pub mod config;
pub mod favorites;
pub mod goals;
pub mod list_card;
pub mod live_reload;
#[cfg(feature = "ssr")]
pub mod monitoring_probe;
pub mod network;
#[cfg(feature = "ssr")]
pub mod network_probe;
#[cfg(feature = "ssr")]
pub mod render_thread;
#[cfg(feature = "ssr")]
pub mod server;
pub mod transport;
pub mod urls;
pub mod widgets;

/// The browser's entry point, called by the page's boot script once the wasm is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
