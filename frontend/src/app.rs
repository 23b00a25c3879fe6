//! The application: the HTML shell (server only), the router and the two pages.

use std::collections::HashSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_query_map;
use leptos_router::{path, SsrMode};

use crate::api::{self, sendable, ApiError, FavoriteKind, NewFavorite};
use crate::urls::ServiceUrls;

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
#[derive(Clone, Copy)]
pub(crate) struct Hydrated(pub(crate) ReadSignal<bool>);

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
                        <Route path=path!("/") view=GoalsPage ssr=SsrMode::Async />
                        <Route path=path!("/favorites") view=FavoritesPage ssr=SsrMode::Async />
                        <Route path=path!("/network") view=crate::network::NetworkPage ssr=SsrMode::Async />
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

/// The value of the input `id` as the page has it now (browser): what the user typed
/// before hydration. Empty on the server.
fn typed_before_hydration(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        String::new()
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

// ---------------------------------------------------------------------------------
// Shared pieces

#[component]
fn Spinner(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="spinner-box" role="status">
            <span class="spinner" aria-hidden="true"></span>
            <span class="spinner-label">{label}</span>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Notice {
    Success(String),
    Error(String),
}

/// A dismissible alert for the result of the last action.
#[component]
fn NoticeBar(
    notice: RwSignal<Option<Notice>>,
    /// As wide as the page (the favorites grid) rather than the goals column.
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    move || {
        notice.get().map(|n| {
            let (kind, role, title, text) = match n {
                Notice::Success(t) => ("alert-success", "status", "Done", t),
                Notice::Error(t) => ("alert-error", "alert", "Something went wrong", t),
            };
            let class = format!("alert {kind}{}", if wide { " alert-wide" } else { "" });
            view! {
                <div class=class role=role>
                    <div class="alert-body">
                        <strong class="alert-title">{title}</strong>
                        <span class="alert-message">{text}</span>
                    </div>
                    <button
                        type="button"
                        class="alert-close"
                        aria-label="Dismiss"
                        on:click=move |_| notice.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}

/// A failed load: the reason and a way to try again.
#[component]
fn LoadError(error: ApiError, retry: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert">
            <div class="alert-body">
                <strong class="alert-title">"Could not load this list"</strong>
                <span class="alert-message">{error.to_string()}</span>
            </div>
            <button type="button" class="button button-small" on:click=move |_| retry.update(|n| *n += 1)>
                "Try again"
            </button>
        </div>
    }
}

// ---------------------------------------------------------------------------------
// Course goals

#[component]
fn GoalsPage() -> impl IntoView {
    let urls = expect_context::<ServiceUrls>();
    let base = urls.goals();

    let reload = RwSignal::new(0u32);
    let goals = Resource::new(move || reload.get(), {
        let base = base.clone();
        move |_| {
            let base = base.clone();
            sendable(async move { api::list_goals(&base).await })
        }
    });

    // What was typed before the page's code loaded is kept: hydration starts from the
    // field's current value, not from an empty one.
    let text = RwSignal::new(typed_before_hydration("goal-text"));
    let saving = RwSignal::new(false);
    let deleting = RwSignal::new(None::<String>);
    // A plain form post (before hydration, or without JavaScript) that failed comes back
    // as `/?error=…`.
    let query = use_query_map();
    let notice = RwSignal::new(
        query
            .read_untracked()
            .get("error")
            .map(|e| Notice::Error(e.to_string())),
    );

    let on_submit = {
        let base = base.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if saving.get_untracked() {
                return;
            }
            let goal = text.get_untracked();
            let base = base.clone();
            saving.set(true);
            notice.set(None);
            spawn_local(async move {
                match api::add_goal(&base, &goal).await {
                    Ok(_) => {
                        text.set(String::new());
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
                }
                saving.set(false);
            });
        }
    };

    let delete = move |id: String| {
        if deleting.get_untracked().is_some() {
            return;
        }
        let base = base.clone();
        deleting.set(Some(id.clone()));
        notice.set(None);
        spawn_local(async move {
            match api::delete_goal(&base, &id).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => {
                    // gone already (deleted elsewhere): the list is read again
                    if matches!(e, ApiError::Status { status: 404, .. }) {
                        reload.update(|n| *n += 1);
                    }
                    notice.set(Some(Notice::Error(e.to_string())));
                }
            }
            deleting.set(None);
        });
    };

    let (refreshing, set_refreshing) = signal(false);

    view! {
        <Title text="Course Goals" />
        <section class="hero">
            <h1>"Course Goals"</h1>
            <p class="lead">"What do you want to learn in this course? Add a goal; click one when it is done."</p>
        </section>

        <section class="card">
            // Works before the page's code has loaded too: the browser posts the form to
            // the frontend server, which saves the goal and sends the page again.
            <form class="goal-form" method="post" action="/" on:submit=on_submit>
                <label for="goal-text" class="label">"Your goal"</label>
                <div class="form-row">
                    <input
                        id="goal-text"
                        name="text"
                        type="text"
                        class="input"
                        placeholder="e.g. Learn Docker networks"
                        autocomplete="off"
                        maxlength="1000"
                        bind:value=text
                    />
                    <button type="submit" class="button" disabled=move || saving.get()>
                        {move || if saving.get() { "Saving…" } else { "Add Goal" }}
                    </button>
                </div>
            </form>
        </section>

        <NoticeBar notice=notice />

        <section class="card">
            <div class="card-head">
                <h2>"Your goals"</h2>
                <Show when=move || refreshing.get() || deleting.get().is_some()>
                    <span class="spinner spinner-small" aria-label="Updating"></span>
                </Show>
            </div>
            <Transition
                fallback=|| view! { <Spinner label="Loading goals…" /> }
                set_pending=set_refreshing
            >
                {move || {
                    goals
                        .get()
                        .map(|result| match result {
                            Err(e) => view! { <LoadError error=e retry=reload /> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="empty">"No goals yet. Maybe add one?"</p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                let delete = delete.clone();
                                view! {
                                    <ul class="goal-list">
                                        {list
                                            .into_iter()
                                            .map(|goal| {
                                                let id = goal.id.clone();
                                                let is_deleting = {
                                                    let id = id.clone();
                                                    move || deleting.get().as_deref() == Some(id.as_str())
                                                };
                                                let delete = delete.clone();
                                                view! {
                                                    <li
                                                        class="goal-item"
                                                        class:deleting=is_deleting
                                                        data-id=goal.id.clone()
                                                        title="Click to delete"
                                                        on:click=move |_| delete(id.clone())
                                                    >
                                                        <span class="goal-text" dir="auto">{goal.text.clone()}</span>
                                                        <button
                                                            type="button"
                                                            class="icon-button"
                                                            aria-label=format!("Delete goal: {}", goal.text)
                                                        >
                                                            "✕"
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

// ---------------------------------------------------------------------------------
// Star Wars favorites

#[component]
fn FavoritesPage() -> impl IntoView {
    let urls = expect_context::<ServiceUrls>();
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let base = urls.favorites();
    let base_for_remove = base.clone();

    let reload = RwSignal::new(0u32);
    let retry_movies = RwSignal::new(0u32);
    // the people page is in the URL (`/favorites?page=3`): reload and back keep it
    let query = use_query_map();
    let people_page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(1)
    });
    let retry_people = RwSignal::new(0u32);

    let favorites = Resource::new(move || reload.get(), {
        let base = base.clone();
        move |_| {
            let base = base.clone();
            sendable(async move { api::list_favorites(&base).await })
        }
    });
    let movies = Resource::new(move || retry_movies.get(), {
        let base = base.clone();
        move |_| {
            let base = base.clone();
            sendable(async move { api::movies(&base).await })
        }
    });
    let people = Resource::new(move || (people_page.get(), retry_people.get()), {
        let base = base.clone();
        move |(page, _)| {
            let base = base.clone();
            sendable(async move { api::people(&base, page).await })
        }
    });

    let notice = RwSignal::new(None::<Notice>);
    let saving = RwSignal::new(None::<String>);
    let save = move |new: NewFavorite| {
        if saving.get_untracked().is_some() {
            return;
        }
        let base = base.clone();
        saving.set(Some(new.name.clone()));
        notice.set(None);
        spawn_local(async move {
            match api::add_favorite(&base, &new).await {
                Ok(saved) => {
                    notice.set(Some(Notice::Success(format!(
                        "Favorite saved: {}",
                        saved.name
                    ))));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    // saved meanwhile (another tab, another student): learn it
                    if matches!(e, ApiError::Status { status: 409, .. }) {
                        reload.update(|n| *n += 1);
                    }
                    notice.set(Some(Notice::Error(e.to_string())))
                }
            }
            saving.set(None);
        });
    };
    let removing = RwSignal::new(None::<String>);
    let remove = {
        let base = base_for_remove.clone();
        move |id: String| {
            if removing.get_untracked().is_some() {
                return;
            }
            let base = base.clone();
            removing.set(Some(id.clone()));
            notice.set(None);
            spawn_local(async move {
                match api::delete_favorite(&base, &id).await {
                    Ok(()) => reload.update(|n| *n += 1),
                    Err(e) => {
                        if matches!(e, ApiError::Status { status: 404, .. }) {
                            reload.update(|n| *n += 1);
                        }
                        notice.set(Some(Notice::Error(e.to_string())))
                    }
                }
                removing.set(None);
            });
        }
    };
    // The names already saved, to mark their buttons (read inside <Transition>s only).
    let saved_names = move || -> HashSet<String> {
        favorites
            .get()
            .and_then(Result::ok)
            .map(|list| list.into_iter().map(|f| f.name).collect())
            .unwrap_or_default()
    };

    let (films_pending, set_films_pending) = signal(false);
    let (people_pending, set_people_pending) = signal(false);
    let (favorites_pending, set_favorites_pending) = signal(false);

    let save_film = save.clone();
    let save_person = save;

    view! {
        <Title text="Star Wars Favorites" />
        <section class="hero">
            <h1>"Star Wars Favorites"</h1>
            <p class="lead">
                "Films and characters from the Star Wars API, through the favorites service. Save the ones you like."
            </p>
        </section>

        <NoticeBar notice=notice wide=true />

        <section class="card card-accent card-wide">
            <div class="card-head">
                <h2>"Your favorites"</h2>
                <Show when=move || favorites_pending.get()>
                    <span class="spinner spinner-small" aria-label="Updating"></span>
                </Show>
            </div>
            <Transition
                fallback=|| view! { <Spinner label="Loading favorites…" /> }
                set_pending=set_favorites_pending
            >
                {move || {
                    favorites
                        .get()
                        .map(|result| match result {
                            Err(e) => view! { <LoadError error=e retry=reload /> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="empty">"No favorites yet. Pick a film or a character."</p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="chips" id="favorites">
                                        {list
                                            .into_iter()
                                            .map(|f| {
                                                let remove = remove.clone();
                                                let id = f.id.clone();
                                                let label = format!("Remove favorite: {}", f.name);
                                                let is_removing = {
                                                    let id = id.clone();
                                                    move || removing.get().as_deref() == Some(id.as_str())
                                                };
                                                view! {
                                                    <li class="chip" data-id=f.id.clone()>
                                                        <span class="item-name" dir="auto">{f.name}</span>
                                                        <span class=format!("badge badge-{}", f.kind.label())>
                                                            {f.kind.label()}
                                                        </span>
                                                        <button
                                                            type="button"
                                                            class="icon-button chip-remove"
                                                            aria-label=label
                                                            disabled=move || !hydrated.get() || is_removing()
                                                            on:click=move |_| remove(id.clone())
                                                        >
                                                            "✕"
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>

        <div class="grid">
            <section class="card">
                <div class="card-head">
                    <h2>"Films"</h2>
                    <Show when=move || films_pending.get()>
                        <span class="spinner spinner-small" aria-label="Updating"></span>
                    </Show>
                </div>
                <Transition
                    fallback=|| view! { <Spinner label="Loading films…" /> }
                    set_pending=set_films_pending
                >
                    {move || {
                        let save = save_film.clone();
                        movies
                            .get()
                            .map(|result| match result {
                                Err(e) => view! { <LoadError error=e retry=retry_movies /> }.into_any(),
                                Ok(page) => {
                                    let saved = saved_names();
                                    let mut films = page.results;
                                    films.sort_by_key(|f| f.episode_id);
                                    view! {
                                        <ul class="item-list" id="films">
                                            {films
                                                .into_iter()
                                                .map(|film| {
                                                    let detail = format!(
                                                        "Episode {} · {} · {}",
                                                        film.episode_id,
                                                        film.release_date.get(..4).unwrap_or(&film.release_date),
                                                        film.director,
                                                    );
                                                    let new = NewFavorite {
                                                        name: film.title.clone(),
                                                        kind: FavoriteKind::Movie,
                                                        url: film.url.clone(),
                                                    };
                                                    view! {
                                                        <FavoriteCandidate
                                                            name=film.title
                                                            detail=detail
                                                            is_saved=saved.contains(&new.name)
                                                            new=new
                                                            saving=saving
                                                            save=save.clone()
                                                        />
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </section>

            <section class="card">
                <div class="card-head">
                    <h2>"Characters"</h2>
                    <Show when=move || people_pending.get()>
                        <span class="spinner spinner-small" aria-label="Updating"></span>
                    </Show>
                </div>
                <Transition
                    fallback=|| view! { <Spinner label="Loading characters…" /> }
                    set_pending=set_people_pending
                >
                    {move || {
                        let save = save_person.clone();
                        people
                            .get()
                            .map(|result| match result {
                                Err(e) => view! { <LoadError error=e retry=retry_people /> }.into_any(),
                                Ok(page) => {
                                    let saved = saved_names();
                                    let prev = page.previous.as_deref().and_then(api::page_number);
                                    let next = page.next.as_deref().and_then(api::page_number);
                                    let current = people_page.get_untracked();
                                    let pages = page.count.div_ceil(page.results.len().max(1) as u32);
                                    view! {
                                        <ul class="item-list" id="people">
                                            {page
                                                .results
                                                .into_iter()
                                                .map(|person| {
                                                    let detail = format!(
                                                        "Born {} · {}",
                                                        person.birth_year,
                                                        person.gender,
                                                    );
                                                    let new = NewFavorite {
                                                        name: person.name.clone(),
                                                        kind: FavoriteKind::Character,
                                                        url: person.url.clone(),
                                                    };
                                                    view! {
                                                        <FavoriteCandidate
                                                            name=person.name
                                                            detail=detail
                                                            is_saved=saved.contains(&new.name)
                                                            new=new
                                                            saving=saving
                                                            save=save.clone()
                                                        />
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                        <nav class="pager" aria-label="Pages of characters">
                                            <PageLink page=prev label="← Previous" />
                                            <span class="pager-label">
                                                {format!("Page {current} of {}", pages.max(1))}
                                            </span>
                                            <PageLink page=next label="Next →" />
                                        </nav>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </section>

        </div>
    }
}

/// A link to a page of characters (`/favorites?page=N`), or a disabled look when there is
/// no such page.
#[component]
fn PageLink(page: Option<u32>, label: &'static str) -> impl IntoView {
    match page {
        Some(p) => view! {
            <a class="button button-ghost button-small" href=format!("/favorites?page={p}")>{label}</a>
        }
        .into_any(),
        None => view! {
            <span class="button button-ghost button-small" aria-disabled="true">{label}</span>
        }
        .into_any(),
    }
}

/// A film or a character with its "add to favorites" button.
#[component]
fn FavoriteCandidate<F>(
    name: String,
    detail: String,
    is_saved: bool,
    new: NewFavorite,
    saving: RwSignal<Option<String>>,
    save: F,
) -> impl IntoView
where
    F: Fn(NewFavorite) + Clone + Send + Sync + 'static,
{
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let busy = {
        let name = name.clone();
        move || saving.get().as_deref() == Some(name.as_str())
    };
    let label = {
        let busy = busy.clone();
        move || {
            if busy() {
                "Saving…"
            } else if is_saved {
                "★ Saved"
            } else {
                "☆ Add to favorites"
            }
        }
    };
    view! {
        <li class="item" class:saved=is_saved>
            <div class="item-main">
                <span class="item-name" dir="auto">{name.clone()}</span>
                <span class="item-detail">{detail}</span>
            </div>
            <button
                type="button"
                class="button button-small"
                class:button-ghost=is_saved
                data-name=name.clone()
                disabled=move || !hydrated.get() || busy() || is_saved
                on:click=move |_| save(new.clone())
            >
                {label}
            </button>
        </li>
    }
}

// ---------------------------------------------------------------------------------

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
