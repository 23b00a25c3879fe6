//! `/favorites`: SWAPI's films and characters through the favorites service, with "add
//! to favorites", and the saved favorites (removable). The characters' page is in the URL.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{self, sendable, ApiError, FavoriteKind, NewFavorite};
use crate::urls::ServiceUrls;
use crate::widgets::{CardHead, Hydrated, LoadError, Notice, NoticeBar, Spinner};

#[component]
pub fn FavoritesPage() -> impl IntoView {
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
            <CardHead title="Your favorites" busy=favorites_pending />
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
                <CardHead title="Films" busy=films_pending />
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
                <CardHead title="Characters" busy=people_pending />
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
