//! The application: the HTML shell (server only), the router and the pages.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::favorites::FavoritesPage;
use crate::goals::GoalsPage;
use crate::urls::ServiceUrls;
pub use crate::widgets::Hydrated;

/// Where the built assets are, with their cache-busting versions (server side).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetUrls {
    pub css: String,
    pub js: String,
    pub wasm: String,
    pub favicon: String,
}

/// The whole HTML document, rendered on the server only. The browser hydrates what
/// is inside `<body>` (the [`App`]). `live_reload`: the development script of
/// [`crate::live_reload`], in `<head>` (outside what hydrates), or nothing.
pub fn shell(urls: ServiceUrls, assets: AssetUrls, live_reload: Option<String>) -> impl IntoView {
    provide_context(urls.clone());
    let metas = urls
        .meta_tags()
        .into_iter()
        .map(|(name, content)| view! { <meta name=name content=content /> })
        .collect_view();
    // What leptos' <HydrationScripts/> writes, with our versioned asset URLs: load the
    // wasm-bindgen glue, instantiate the wasm, then hydrate the server-rendered body.
    // When the code cannot load (a proxy, an old browser, a broken download), the page
    // says why it is read-only; the form still works (a plain post).
    let boot = format!(
        "import(\"{js}\").then(m => m.default({{module_or_path: \"{wasm}\"}}).then(() => m.hydrate())).catch(e => {{ const d = document.createElement('div'); d.className = 'boot-error'; d.setAttribute('role', 'alert'); d.textContent = 'This page could not load its code (' + e + '): it shows what the server sent and the form still works, but nothing updates by itself. Reload to try again.'; document.body.prepend(d); }});",
        js = assets.js,
        wasm = assets.wasm
    );
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                {metas}
                <link rel="icon" type="image/svg+xml" href=assets.favicon />
                <link rel="stylesheet" href=assets.css />
                <link rel="modulepreload" href=assets.js.clone() />
                <link rel="preload" href=assets.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
                <script type="module">{boot}</script>
                {live_reload.map(|js| view! { <script id="live-reload">{js}</script> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// `true` once the wasm has taken over the server-rendered page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(service_urls());
    let urls = expect_context::<ServiceUrls>();

    let (hydrated, set_hydrated) = signal(false);
    // Effects run in the browser only: this flips once hydration is done.
    Effect::new(move |_| set_hydrated.set(true));
    provide_context(Hydrated(hydrated));

    view! {
        <div class="app" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <Router>
                <header class="topbar">
                    <div class="topbar-inner">
                        <span class="brand">"Docker & Kubernetes · Course Apps"</span>
                        <nav class="nav">
                            <A href="/" exact=true>"Course Goals"</A>
                            <A href="/favorites">"Star Wars Favorites"</A>
                            <A href="/network">"Network"</A>
                        </nav>
                    </div>
                </header>
                <main class="page">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=GoalsPage ssr=SsrMode::InOrder />
                        <Route path=path!("/favorites") view=FavoritesPage ssr=SsrMode::InOrder />
                        <Route path=path!("/network") view=crate::network::NetworkPage ssr=SsrMode::InOrder />
                    </Routes>
                </main>
                <footer class="footer">
                    <p>
                        "This page was rendered on the server with data from "
                        <code>{urls.goals_ssr.clone()}</code>" and "
                        <code>{urls.favorites_ssr.clone()}</code>
                        " (service names inside the Docker network). Your browser runs on the host, so it sends its requests to "
                        <code>{urls.goals_browser.clone()}</code>" and "
                        <code>{urls.favorites_browser.clone()}</code>" (the published ports)."
                    </p>
                </footer>
            </Router>
        </div>
    }
}

/// The service URLs: from the server's configuration (context) while rendering on
/// the server, from the page's `<meta>` tags in the browser.
fn service_urls() -> ServiceUrls {
    #[cfg(feature = "hydrate")]
    {
        ServiceUrls::from_document()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<ServiceUrls>().unwrap_or_default()
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="hero">
            <h1>"Page not found"</h1>
            <p class="lead">
                "There is nothing here. Go to the " <A href="/">"course goals"</A> " or the "
                <A href="/favorites">"Star Wars favorites"</A> "."
            </p>
        </section>
    }
}
