//! `/`: Course Goals. The list is rendered on the server (by service name), then the
//! browser adds and deletes through the published goals API; the form also works before
//! hydration (a plain post the frontend server handles).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{self, sendable, ApiError};
use crate::urls::ServiceUrls;
use crate::widgets::{typed_before_hydration, CardHead, LoadError, Notice, NoticeBar, Spinner};

#[component]
pub fn GoalsPage() -> impl IntoView {
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
            <CardHead title="Your goals" busy=Signal::derive(move || refreshing.get() || deleting.get().is_some()) />
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
