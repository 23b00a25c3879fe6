//! `/`: Course Goals. The list is rendered on the server (by service name), then the
//! browser adds and deletes through the published goals API; the form also works before
//! hydration (a plain post the frontend server handles).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError, Goal, Service};
use crate::change::{Answer, Change};
use crate::list_card::{read_list, ListCard};
use crate::urls::ServiceUrls;
use crate::widgets::{page_in_query, typed_before_hydration, Notice, NoticeBar, PageLink};

#[component]
pub fn GoalsPage() -> impl IntoView {
    let urls = expect_context::<ServiceUrls>();
    let base = urls.goals();

    // one page of goals at a time (`/?page=N`): a page, its HTML and the data handed to the
    // browser with it stay bounded however many goals are stored
    let query = use_query_map();
    let page = Memo::new(move |_| page_in_query(&query.read()));
    let goals = read_list(
        base.clone(),
        move || page.get(),
        |base, page| async move {
            api::list_goals(&base)
                .await
                .map(|all| GoalPage::of(all, page))
        },
    );
    let reread = move || goals.refetch();

    // What was typed before the page's code loaded is kept: hydration starts from the
    // field's current value, not from an empty one.
    let text = RwSignal::new(typed_before_hydration("goal-text"));
    // A plain form post (before hydration, or without JavaScript) that failed comes back
    // as `/?error=<code>`: the page says what the code means, in its own words.
    let notice = RwSignal::new(
        query
            .read_untracked()
            .get("error")
            .and_then(|code| FormError::parse(&code))
            .map(|e| Notice::Error(e.message())),
    );

    let add = Change::new(
        base.clone(),
        |base, goal: String| async move { api::add_goal(&base, &goal).await },
        Answer {
            notice,
            reread,
            stale: None,
            on_ok: move |_: &Goal| {
                text.set(String::new());
                None
            },
        },
    );
    let saving = add.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        add.run(text.get_untracked());
    };

    let delete = Change::delete(
        base,
        |base, id| async move { api::delete_goal(&base, &id).await },
        notice,
        reread,
    );

    let goal_list = move |list: GoalPage| {
        if list.total == 0 {
            return view! { <p class="empty">"No goals yet. Maybe add one?"</p> }.into_any();
        }
        let pages = list.pages();
        let pager = (pages > 1).then(|| {
            let prev = (list.page > 1).then(|| list.page - 1);
            let next = (list.page < pages).then(|| list.page + 1);
            view! {
                <nav class="pager" aria-label="Pages of goals">
                    <PageLink path="/" page=prev label="← Previous" />
                    <span class="pager-label">{format!("Page {} of {pages} ({} goals)", list.page, list.total)}</span>
                    <PageLink path="/" page=next label="Next →" />
                </nav>
            }
        });
        view! {
            <ul class="goal-list">
                {list.goals.into_iter().map(|goal| view! { <GoalItem goal=goal delete=delete /> }).collect_view()}
            </ul>
            {pager}
        }
        .into_any()
    };

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

        <ListCard title="Your goals" loading="Loading goals…" list=goals busy=delete.pending() render=goal_list />
    }
}

/// One goal of the list: a click deletes it.
#[component]
fn GoalItem(goal: Goal, delete: Change<String, ()>) -> impl IntoView {
    let id = goal.id.clone();
    let is_deleting = {
        let id = id.clone();
        move || delete.runs_for(|running| *running == id)
    };
    view! {
        <li
            class="goal-item"
            class:deleting=is_deleting
            data-id=goal.id.clone()
            title="Click to delete"
            on:click=move |_| delete.run(id.clone())
        >
            <span class="goal-text" dir="auto">{goal.text.clone()}</span>
            <button type="button" class="icon-button" aria-label=format!("Delete goal: {}", goal.text)>
                "✕"
            </button>
        </li>
    }
}

/// The most goals a page shows: one page's HTML stays bounded (a thousand goals of a
/// thousand characters would otherwise make a page of megabytes, and its render would hold
/// the server's render thread for as long).
pub const GOALS_PER_PAGE: usize = 100;

/// One page of the goals, oldest first: what the page renders and hands to the browser.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GoalPage {
    /// The goals of this page (at most [`GOALS_PER_PAGE`]).
    pub goals: Vec<Goal>,
    /// The page, from 1 (a page past the last shows the last).
    pub page: u32,
    /// How many goals are stored in all.
    pub total: usize,
}

impl GoalPage {
    /// Page `page` of `all`.
    pub fn of(all: Vec<Goal>, page: u32) -> Self {
        let total = all.len();
        let pages = total.div_ceil(GOALS_PER_PAGE).max(1);
        let page = (page.max(1) as usize).min(pages);
        let goals = all
            .into_iter()
            .skip((page - 1) * GOALS_PER_PAGE)
            .take(GOALS_PER_PAGE)
            .collect();
        Self {
            goals,
            page: page as u32,
            total,
        }
    }

    /// How many pages there are (at least 1).
    pub fn pages(&self) -> u32 {
        self.total.div_ceil(GOALS_PER_PAGE).max(1) as u32
    }
}

/// Why a goal sent by the plain form (before hydration, or without JavaScript) was not
/// saved, as a code in the redirect's URL (`/?error=invalid-text`). The page shows its own
/// text for a code it knows and nothing for any other: a link cannot put words in its mouth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    /// 422 `Invalid goal text.` (blank).
    InvalidText,
    /// 422: over 1000 characters.
    TooLong,
    /// 503: the goals API's database is unavailable.
    Unavailable,
    /// No answer from the goals API.
    Unreachable,
    /// The goals API did not answer in time.
    Timeout,
    /// Any other refusal or odd answer.
    NotSaved,
}

impl FormError {
    const ALL: [FormError; 6] = [
        FormError::InvalidText,
        FormError::TooLong,
        FormError::Unavailable,
        FormError::Unreachable,
        FormError::Timeout,
        FormError::NotSaved,
    ];

    /// What the goals client's error means for the form.
    pub fn of(e: &ApiError) -> Self {
        match e {
            ApiError::Status {
                status: 422,
                message,
            } if message == contract::goals::TOO_LONG => FormError::TooLong,
            ApiError::Status { status: 422, .. } => FormError::InvalidText,
            ApiError::Status { status: 503, .. } => FormError::Unavailable,
            ApiError::Unreachable(_) => FormError::Unreachable,
            ApiError::Timeout(_) => FormError::Timeout,
            _ => FormError::NotSaved,
        }
    }

    /// The code in the URL.
    pub fn code(self) -> &'static str {
        match self {
            FormError::InvalidText => "invalid-text",
            FormError::TooLong => "too-long",
            FormError::Unavailable => "unavailable",
            FormError::Unreachable => "unreachable",
            FormError::Timeout => "timeout",
            FormError::NotSaved => "not-saved",
        }
    }

    /// The error of a code, `None` for a code the page does not know.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// What the page says: the API's own texts for what it refuses, the client's for the rest.
    pub fn message(self) -> String {
        match self {
            FormError::InvalidText => contract::goals::INVALID_TEXT.to_owned(),
            FormError::TooLong => contract::goals::TOO_LONG.to_owned(),
            FormError::Unavailable => {
                "The goals API cannot reach its database right now; try again soon.".to_owned()
            }
            FormError::Unreachable => ApiError::Unreachable(Service::Goals).to_string(),
            FormError::Timeout => ApiError::Timeout(Service::Goals).to_string(),
            FormError::NotSaved => "The goal could not be saved.".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_holds_at_most_a_pages_worth_of_goals() {
        let goals: Vec<Goal> = (0..250)
            .map(|i| Goal {
                id: format!("{i:024x}"),
                text: format!("goal {i}"),
            })
            .collect();
        let first = GoalPage::of(goals.clone(), 1);
        assert_eq!(
            (first.goals.len(), first.total, first.pages()),
            (100, 250, 3)
        );
        assert_eq!(first.goals[0].text, "goal 0");
        let last = GoalPage::of(goals.clone(), 3);
        assert_eq!(last.goals.len(), 50);
        assert_eq!(last.goals[49].text, "goal 249");
        assert_eq!(
            GoalPage::of(goals.clone(), 9).page,
            3,
            "past the end: the last page"
        );
        assert_eq!(GoalPage::of(goals, 0).page, 1);
        let none = GoalPage::of(vec![], 4);
        assert_eq!((none.page, none.total, none.pages()), (1, 0, 1));
    }

    #[test]
    fn a_form_error_is_a_known_code_with_the_apps_own_text() {
        for e in FormError::ALL {
            assert_eq!(FormError::parse(e.code()), Some(e));
            assert!(!e.message().is_empty());
        }
        for unknown in ["", "Your account is locked, call 555-0100", "INVALID-TEXT"] {
            assert_eq!(FormError::parse(unknown), None, "{unknown}");
        }
        let status = |status, message: &str| ApiError::Status {
            status,
            message: message.into(),
        };
        assert_eq!(
            FormError::of(&status(422, contract::goals::INVALID_TEXT)),
            FormError::InvalidText
        );
        assert_eq!(
            FormError::of(&status(422, contract::goals::TOO_LONG)),
            FormError::TooLong
        );
        assert_eq!(
            FormError::of(&status(503, "Database unavailable.")),
            FormError::Unavailable
        );
        assert_eq!(
            FormError::of(&ApiError::Unreachable(Service::Goals)),
            FormError::Unreachable
        );
        assert_eq!(FormError::of(&status(500, "x")), FormError::NotSaved);
    }
}
