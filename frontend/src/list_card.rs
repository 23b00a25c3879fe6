//! The card every list of the pages sits in: its heading (with a small spinner while the
//! list is read again or changed), a spinner until it has loaded, the failed load with
//! "Try again", or the list itself.

use std::future::Future;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{sendable, ApiError};
use crate::change::SendOnServer;
use crate::widgets::{CardHead, LoadError, Spinner};

/// A card showing `list`, a [`Resource`] read from a service, through `render`.
///
/// While the list is read again, the old one stays and the heading shows a small spinner
/// (a `<Transition>`); a failed read shows the error with "Try again", which reads it
/// again. `render` runs inside that transition: other resources it reads (the saved
/// favorites, to mark the films) hold the card's content and spinner too.
#[component]
pub fn ListCard<T, R>(
    /// The heading.
    title: &'static str,
    /// What the spinner says until the list has loaded ("Loading films…").
    loading: &'static str,
    /// The list, read from its service.
    list: Resource<Result<T, ApiError>>,
    /// The view of the loaded list.
    render: R,
    /// The card's classes.
    #[prop(default = "card")]
    class: &'static str,
    /// A change of the list is in flight (a delete): the heading's spinner too.
    #[prop(optional, into)]
    busy: Signal<bool>,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    R: Fn(T) -> AnyView + Send + Sync + 'static,
{
    let (reading, set_reading) = signal(false);
    view! {
        <section class=class>
            <CardHead title=title busy=Signal::derive(move || reading.get() || busy.get()) />
            <Transition fallback=move || view! { <Spinner label=loading /> } set_pending=set_reading>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Err(e) => {
                                view! { <LoadError error=e retry=move || list.refetch() /> }.into_any()
                            }
                            Ok(loaded) => render(loaded),
                        })
                }}
            </Transition>
        </section>
    }
}

/// A list read from the service at `base` with `read(base, key)`, for a [`ListCard`]: on
/// the server while the page renders (its answer goes to the browser in the page), in
/// the browser again whenever `key` changes (the characters' page) or it is refetched.
pub fn read_list<K, T, F, Fu>(
    base: String,
    key: impl Fn() -> K + Send + Sync + 'static,
    read: F,
) -> Resource<Result<T, ApiError>>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(String, K) -> Fu + Send + Sync + 'static,
    Fu: Future<Output = Result<T, ApiError>> + SendOnServer + 'static,
{
    Resource::new(key, move |key| sendable(read(base.clone(), key)))
}
