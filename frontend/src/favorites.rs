//! `/favorites`: SWAPI's films and characters through the favorites service, with "add
//! to favorites", and the saved favorites (removable). The characters' page is in the URL.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{self, Favorite, FavoriteKind, Film, NewFavorite, Person, SwapiPage};
use crate::change::{Answer, Change};
use crate::list_card::{read_list, ListCard};
use crate::urls::ServiceUrls;
use crate::widgets::{page_in_query, Hydrated, Notice, NoticeBar, PageLink};

/// Saves a favorite: the input is what is saved, the answer the saved favorite.
type Save = Change<NewFavorite, Favorite>;
/// Removes a favorite: the input is its id.
type Remove = Change<String, ()>;

#[component]
pub fn FavoritesPage() -> impl IntoView {
    let base = expect_context::<ServiceUrls>().favorites();

    // the people page is in the URL (`/favorites?page=3`): reload and back keep it
    let query = use_query_map();
    let people_page = Memo::new(move |_| page_in_query(&query.read()));

    let favorites = read_list(
        base.clone(),
        || (),
        |base, ()| async move { api::list_favorites(&base).await },
    );
    let movies = read_list(
        base.clone(),
        || (),
        |base, ()| async move { api::movies(&base).await },
    );
    let people = read_list(
        base.clone(),
        move || people_page.get(),
        |base, page| async move { api::people(&base, page).await },
    );

    let notice = RwSignal::new(None::<Notice>);
    let reread = move || favorites.refetch();
    // saved meanwhile (another tab, another student): the list is read again to learn it
    let save: Save = Change::new(
        base.clone(),
        |base, new: NewFavorite| async move { api::add_favorite(&base, &new).await },
        Answer {
            notice,
            reread,
            stale: Some(409),
            on_ok: |saved: &Favorite| {
                Some(Notice::Success(format!("Favorite saved: {}", saved.name)))
            },
        },
    );
    let remove: Remove = Change::delete(
        base,
        |base, id| async move { api::delete_favorite(&base, &id).await },
        notice,
        reread,
    );
    // The names already saved, to mark their buttons (read inside the cards'
    // transitions only: a new read of the favorites holds them too).
    let saved_names = move || -> HashSet<String> {
        favorites
            .get()
            .and_then(Result::ok)
            .map(|list| list.into_iter().map(|f| f.name).collect())
            .unwrap_or_default()
    };

    let chips = move |list: Vec<Favorite>| {
        if list.is_empty() {
            return view! { <p class="empty">"No favorites yet. Pick a film or a character."</p> }
                .into_any();
        }
        view! {
            <ul class="chips" id="favorites">
                {list.into_iter().map(|f| view! { <FavoriteChip favorite=f remove=remove /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let films = move |page: SwapiPage<Film>| {
        let mut films = page.results;
        films.sort_by_key(|f| f.episode_id);
        let candidates = films.into_iter().filter_map(Candidate::offer).collect();
        view! { <CandidateList id="films" candidates=candidates saved=saved_names() save=save /> }
            .into_any()
    };
    let characters = move |page: SwapiPage<Person>| {
        let prev = page.previous.as_deref().and_then(api::page_number);
        let next = page.next.as_deref().and_then(api::page_number);
        let current = people_page.get_untracked();
        let pages = page.count.div_ceil(page.results.len().max(1) as u32);
        let candidates = page
            .results
            .into_iter()
            .filter_map(Candidate::offer)
            .collect();
        view! {
            <CandidateList id="people" candidates=candidates saved=saved_names() save=save />
            <nav class="pager" aria-label="Pages of characters">
                <PageLink path="/favorites" page=prev label="← Previous" />
                <span class="pager-label">{format!("Page {current} of {}", pages.max(1))}</span>
                <PageLink path="/favorites" page=next label="Next →" />
            </nav>
        }
        .into_any()
    };

    view! {
        <Title text="Star Wars Favorites" />
        <section class="hero">
            <h1>"Star Wars Favorites"</h1>
            <p class="lead">
                "Films and characters from the Star Wars API, through the favorites service. Save the ones you like."
            </p>
        </section>

        <NoticeBar notice=notice wide=true />

        <ListCard
            title="Your favorites"
            loading="Loading favorites…"
            class="card card-accent card-wide"
            list=favorites
            render=chips
        />

        <div class="grid">
            <ListCard title="Films" loading="Loading films…" list=movies render=films />
            <ListCard title="Characters" loading="Loading characters…" list=people render=characters />
        </div>
    }
}

/// A saved favorite: its name, its kind, and a button that removes it.
#[component]
fn FavoriteChip(favorite: Favorite, remove: Remove) -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let id = favorite.id.clone();
    let is_removing = {
        let id = id.clone();
        move || remove.runs_for(|running| *running == id)
    };
    let label = format!("Remove favorite: {}", favorite.name);
    view! {
        <li class="chip" data-id=favorite.id.clone()>
            <span class="item-name" dir="auto">{favorite.name}</span>
            <span class=format!("badge badge-{}", favorite.kind.as_str())>{favorite.kind.as_str()}</span>
            <button
                type="button"
                class="icon-button chip-remove"
                aria-label=label
                disabled=move || !hydrated.get() || is_removing()
                on:click=move |_| remove.run(id.clone())
            >
                "✕"
            </button>
        </li>
    }
}

/// A film or a character as the page offers it for saving.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Candidate {
    /// The line under the name ("Episode 4 · 1977 · George Lucas").
    detail: String,
    /// What "add to favorites" saves; its name (a film's title, a character's name) is
    /// what the item shows.
    new: NewFavorite,
}

impl Candidate {
    /// A SWAPI film or person as an offer, unless the favorites service would refuse it (a
    /// blank name or URL): nothing is offered that cannot be saved.
    fn offer(item: impl Into<Offer>) -> Option<Self> {
        let Offer(detail, name, kind, url) = item.into();
        let new = NewFavorite::parse(&name, kind.as_str(), &url).ok()?;
        Some(Self { detail, new })
    }
}

/// What a SWAPI item offers: the line under its name, its name, its kind, its URL.
struct Offer(String, String, FavoriteKind, String);

impl From<Film> for Offer {
    fn from(film: Film) -> Self {
        let detail = format!(
            "Episode {} · {} · {}",
            film.episode_id,
            film.release_date.get(..4).unwrap_or(&film.release_date),
            film.director,
        );
        Offer(detail, film.title, FavoriteKind::Movie, film.url)
    }
}

impl From<Person> for Offer {
    fn from(person: Person) -> Self {
        let detail = format!("Born {} · {}", person.birth_year, person.gender);
        Offer(detail, person.name, FavoriteKind::Character, person.url)
    }
}

/// The films or the characters (`id`: `films`, `people`), each with its "add to
/// favorites" button; the ones in `saved` are marked saved.
#[component]
fn CandidateList(
    id: &'static str,
    candidates: Vec<Candidate>,
    saved: HashSet<String>,
    save: Save,
) -> impl IntoView {
    view! {
        <ul class="item-list" id=id>
            {candidates
                .into_iter()
                .map(|candidate| {
                    let is_saved = saved.contains(candidate.new.name.as_str());
                    view! { <FavoriteCandidate candidate=candidate is_saved=is_saved save=save /> }
                })
                .collect_view()}
        </ul>
    }
}

/// A film or a character with its "add to favorites" button.
#[component]
fn FavoriteCandidate(candidate: Candidate, is_saved: bool, save: Save) -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let Candidate { detail, new } = candidate;
    let name = new.name.as_str().to_owned();
    let busy = {
        let name = name.clone();
        move || save.runs_for(|saving| saving.name.as_str() == name)
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
                data-name=name
                disabled=move || !hydrated.get() || busy() || is_saved
                on:click=move |_| save.run(new.clone())
            >
                {label}
            </button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_film_is_offered_with_its_episode_year_and_director() {
        let film = Film {
            title: "A New Hope".into(),
            episode_id: 4,
            director: "George Lucas".into(),
            release_date: "1977-05-25".into(),
            url: "http://s/api/films/1/".into(),
        };
        assert_eq!(
            Candidate::offer(film),
            Some(Candidate {
                detail: "Episode 4 · 1977 · George Lucas".into(),
                new: NewFavorite::parse("A New Hope", "movie", "http://s/api/films/1/").unwrap(),
            })
        );
    }

    #[test]
    fn a_character_is_offered_with_birth_year_and_gender_and_a_short_date_stays_whole() {
        let person = Person {
            name: "Luke Skywalker".into(),
            birth_year: "19BBY".into(),
            gender: "male".into(),
            url: "http://s/api/people/1/".into(),
        };
        let candidate = Candidate::offer(person).unwrap();
        assert_eq!(candidate.detail, "Born 19BBY · male");
        assert_eq!(candidate.new.kind, FavoriteKind::Character);
        assert_eq!(candidate.new.name.as_str(), "Luke Skywalker");
        let undated = Film {
            title: "Unreleased".into(),
            episode_id: 10,
            director: "?".into(),
            release_date: "TB".into(),
            url: "u".into(),
        };
        assert_eq!(
            Candidate::offer(undated).unwrap().detail,
            "Episode 10 · TB · ?"
        );
    }
}
