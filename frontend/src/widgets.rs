//! Small pieces the pages share: whether the page has hydrated, a spinner, the notice
//! bar for the last action, a failed load with "Try again", and what was typed before
//! hydration.

use leptos::prelude::*;

use crate::api::ApiError;

/// `true` once the wasm has taken over the server-rendered page.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

/// The value of the input `id` as the page has it now (browser): what the user typed
/// before hydration. Empty on the server.
pub fn typed_before_hydration(id: &str) -> String {
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

#[component]
pub fn Spinner(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="spinner-box" role="status">
            <span class="spinner" aria-hidden="true"></span>
            <span class="spinner-label">{label}</span>
        </div>
    }
}

/// A card's heading, with a small spinner while `busy` (its list is being refreshed or
/// changed).
#[component]
pub fn CardHead(#[prop(into)] title: String, #[prop(into)] busy: Signal<bool>) -> impl IntoView {
    view! {
        <div class="card-head">
            <h2>{title}</h2>
            <Show when=move || busy.get()>
                <span class="spinner spinner-small" aria-label="Updating"></span>
            </Show>
        </div>
    }
}

/// The result of the last action, for [`NoticeBar`]: what went well, or the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Success(String),
    Error(String),
}

/// A dismissible alert for the result of the last action.
#[component]
pub fn NoticeBar(
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

/// A failed load: the reason and a way to try again (`retry`, run by the button).
#[component]
pub fn LoadError(error: ApiError, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert">
            <div class="alert-body">
                <strong class="alert-title">"Could not load this list"</strong>
                <span class="alert-message">{error.to_string()}</span>
            </div>
            <button type="button" class="button button-small" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}

/// `?page=N` of a page's URL: a whole number from 1, else 1.
pub fn page_in_query(query: &leptos_router::params::ParamsMap) -> u32 {
    query
        .get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1)
}

/// A link to page `page` of the list at `path` (`/favorites?page=N`), or a disabled look
/// when there is no such page.
#[component]
pub fn PageLink(path: &'static str, page: Option<u32>, label: &'static str) -> impl IntoView {
    match page {
        Some(p) => view! {
            <a class="button button-ghost button-small" href=format!("{path}?page={p}")>{label}</a>
        }
        .into_any(),
        None => view! {
            <span class="button button-ghost button-small" aria-disabled="true">{label}</span>
        }
        .into_any(),
    }
}
